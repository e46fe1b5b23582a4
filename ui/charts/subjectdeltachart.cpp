#include "charts/subjectdeltachart.h"

#include "charts/categorylabels.h"
#include "charts/chartsupport.h"
#include "zonestyle.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QHorizontalStackedBarSeries>
#include <QLegend>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace nf::ui {

SubjectDeltaChart::SubjectDeltaChart(QWidget* parent) : ChartWidget(parent)
{
    setObjectName(QStringLiteral("subjectDeltaChart"));
    setDeltas({});
}

SubjectDeltaChart::~SubjectDeltaChart() = default;

void SubjectDeltaChart::setDeltas(const std::vector<stats::SubjectDelta>& deltas, int maxBars)
{
    m_bars.clear();
    for (const stats::SubjectDelta& delta : deltas)
        if (delta.delta)
            m_bars.push_back({QString::fromStdString(delta.subject), *delta.delta * 100.0});
    if (maxBars > 0 && m_bars.size() > maxBars) {
        std::stable_sort(m_bars.begin(), m_bars.end(), [](const auto& a, const auto& b) {
            return std::abs(a.second) > std::abs(b.second);
        });
        m_bars.resize(maxBars);
    }
    // Top to bottom: the largest gain first, the largest loss last.
    std::stable_sort(m_bars.begin(), m_bars.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    rebuild();
}

QVector<QPair<QString, double>> SubjectDeltaChart::bars() const
{
    return m_bars;
}

void SubjectDeltaChart::applyPalette()
{
    rebuild();
}

void SubjectDeltaChart::rebuild()
{
    QChart* target = resetChart();
    target->legend()->setVisible(false);

    // Gains and losses in two sets of one stacked series: each subject's bar is in one of them
    // (zero in the other), so it stays centred on its row and takes its set's colour.
    auto* gains = new QBarSet(QStringLiteral("B better"));
    auto* losses = new QBarSet(QStringLiteral("A better"));
    gains->setColor(zoneColor(stats::Zone::Normal));
    losses->setColor(zoneColor(stats::Zone::Suspicious));
    gains->setBorderColor(Qt::transparent);
    losses->setBorderColor(Qt::transparent);
    // The axis keys categories by text, so it gets indices; the names are drawn by CategoryLabels.
    QStringList categories;
    QStringList names;
    double extent = 0.0;
    // A horizontal bar series draws its first category at the bottom.
    for (auto it = m_bars.crbegin(); it != m_bars.crend(); ++it) {
        categories << QString::number(categories.size());
        names << it->first;
        // To the hundredth of a point, as the text shows it: two means of the same count that
        // differ only in floating-point rounding draw as 0, not as -1.11e-14.
        const double delta = std::round(it->second * 100.0) / 100.0 + 0.0;
        *gains << std::max(delta, 0.0);
        *losses << std::min(delta, 0.0);
        extent = std::max(extent, std::abs(delta));
    }
    auto* series = new QHorizontalStackedBarSeries;
    series->append(gains);
    series->append(losses);
    series->setBarWidth(0.7);
    series->setLabelsVisible(true);
    series->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
    series->setLabelsFormat(QStringLiteral("@value"));
    series->setLabelsPrecision(3);
    gains->setLabelColor(palette().color(QPalette::Text));
    losses->setLabelColor(palette().color(QPalette::Text));
    target->addSeries(series);

    auto* subjects = new QBarCategoryAxis;
    subjects->append(categories);
    subjects->setGridLineVisible(false);
    subjects->setLabelsVisible(false); // drawn by CategoryLabels, which does not elide them to "..."
    auto* delta = new QValueAxis;
    const double reach = extent > 0 ? extent * 1.08 : 1.0;
    double low = 0.0;
    double high = 0.0;
    for (const auto& bar : m_bars) {
        low = std::min(low, bar.second);
        high = std::max(high, bar.second);
    }
    // Both sides of zero stay visible, so a one-sided result still shows where zero is.
    delta->setRange(std::min(low * 1.08, -reach * 0.15), std::max(high * 1.08, reach * 0.15));
    delta->applyNiceNumbers();
    delta->setLabelFormat(reach < 5 ? QStringLiteral("%.1f") : QStringLiteral("%.0f"));
    delta->setTitleText(QStringLiteral("accuracy B − A (points)"));
    target->addAxis(subjects, Qt::AlignLeft);
    target->addAxis(delta, Qt::AlignBottom);
    series->attachAxis(subjects);
    series->attachAxis(delta);
    charts::attachCategoryLabels(target, series, names, palette().color(QPalette::Text));
    ChartWidget::applyPalette();
}

} // namespace nf::ui
