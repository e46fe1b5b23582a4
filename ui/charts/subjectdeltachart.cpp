#include "charts/subjectdeltachart.h"

#include "charts/categorylabels.h"
#include "charts/chartsupport.h"
#include "zonestyle.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QCursor>
#include <QFontMetricsF>
#include <QGraphicsItem>
#include <QHorizontalStackedBarSeries>
#include <QLegend>
#include <QLineSeries>
#include <QPainter>
#include <QToolTip>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace nf::ui {
namespace {

// Half the height of a whisker's end cap, in rows.
constexpr double kCap = 0.16;
// Marks a line series as a whisker (and not another overlay) for whiskers().
constexpr char kWhiskerProperty[] = "nfWhisker";

// To the hundredth of a point, as the text shows it: two means of the same count that differ only
// in floating-point rounding draw as 0, not as -1.11e-14.
double shown(double points)
{
    return std::round(points * 100.0) / 100.0 + 0.0;
}

QString signedText(double points)
{
    const double value = shown(points);
    return value > 0 ? QStringLiteral("+") + QString::number(value, 'f', 2)
                     : QString::number(value, 'f', 2).replace(u'-', QChar(0x2212));
}

} // namespace

// Each bar's value, written beyond the far end of its whisker: a label at the bar's end (where
// Qt Charts puts it) would sit on the whisker's line.
class SubjectDeltaChart::ValueLabels : public QGraphicsItem
{
public:
    struct Label
    {
        QString text;
        double anchor = 0.0; // points: the outer end of the bar or its whisker
        bool right = true;   // written right of the anchor (gains), else left of it
    };
    ValueLabels(QChart* chart, QAbstractSeries* series, QVector<Label> labels, const QColor& color,
                const QColor& background)
        : m_chart(chart), m_series(series), m_labels(std::move(labels)), m_color(color),
          m_background(background)
    {}

    void refresh()
    {
        prepareGeometryChange();
        update();
    }

    QRectF boundingRect() const override { return m_chart->rect(); }

    // The font the values are written in: the chart's, smaller where the rows are close.
    QFont font() const
    {
        const int count = static_cast<int>(m_labels.size());
        return charts::fontForStep(m_chart->font(), charts::categoryStep(m_chart, m_series, count));
    }

    // Where each value is written in `font`, in category order (chart coordinates).
    QVector<QRectF> boxes(const QFont& font) const
    {
        QVector<QRectF> boxes;
        const QFontMetricsF metrics(font);
        for (int category = 0; category < m_labels.size(); ++category) {
            const Label& label = m_labels[category];
            const QPointF at = m_chart->mapToPosition(QPointF(label.anchor, category), m_series);
            const double width = metrics.horizontalAdvance(label.text) + 2;
            boxes.push_back(QRectF(label.right ? at.x() + 5 : at.x() - 5 - width, at.y() - metrics.height() / 2,
                                   width, metrics.height()));
        }
        return boxes;
    }

    void paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) override
    {
        if (m_labels.isEmpty())
            return;
        const QFont font = this->font();
        const QVector<QRectF> boxes = this->boxes(font);
        painter->save();
        painter->setFont(font);
        painter->setPen(m_color);
        for (int category = 0; category < boxes.size(); ++category) {
            const Label& label = m_labels[category];
            // Over the grid lines, which would otherwise run through the digits.
            painter->fillRect(boxes[category], m_background);
            painter->drawText(boxes[category], (label.right ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter,
                              label.text);
        }
        painter->restore();
    }

private:
    QChart* m_chart;
    QAbstractSeries* m_series;
    QVector<Label> m_labels; // in category order: the bottom bar first
    QColor m_color;
    QColor m_background;
};


SubjectDeltaChart::SubjectDeltaChart(QWidget* parent) : ChartWidget(parent)
{
    setObjectName(QStringLiteral("subjectDeltaChart"));
    setDeltas({});
}

SubjectDeltaChart::~SubjectDeltaChart() = default;

void SubjectDeltaChart::setDeltas(const std::vector<stats::SubjectDelta>& deltas, int maxBars)
{
    m_bars.clear();
    for (const stats::SubjectDelta& delta : deltas) {
        if (!delta.delta)
            continue;
        Bar bar;
        bar.subject = QString::fromStdString(delta.subject);
        bar.deltaPoints = *delta.delta * 100.0;
        if (delta.ci95 && std::isfinite(delta.ci95->lo) && std::isfinite(delta.ci95->hi)) {
            bar.loPoints = delta.ci95->lo * 100.0;
            bar.hiPoints = delta.ci95->hi * 100.0;
        }
        bar.items = delta.nItems;
        m_bars.push_back(bar);
    }
    if (maxBars > 0 && m_bars.size() > maxBars) {
        std::stable_sort(m_bars.begin(), m_bars.end(), [](const Bar& a, const Bar& b) {
            return std::abs(a.deltaPoints) > std::abs(b.deltaPoints);
        });
        m_bars.resize(maxBars);
    }
    // Top to bottom: the largest gain first, the largest loss last.
    std::stable_sort(m_bars.begin(), m_bars.end(),
                     [](const Bar& a, const Bar& b) { return a.deltaPoints > b.deltaPoints; });
    rebuild();
}

QVector<QPair<QString, double>> SubjectDeltaChart::bars() const
{
    QVector<QPair<QString, double>> bars;
    for (const Bar& bar : m_bars)
        bars.push_back({bar.subject, bar.deltaPoints});
    return bars;
}

QVector<SubjectDeltaChart::Whisker> SubjectDeltaChart::whiskers() const
{
    QVector<Whisker> whiskers;
    const int count = static_cast<int>(m_bars.size());
    for (QAbstractSeries* series : chart()->series()) {
        auto* line = qobject_cast<QLineSeries*>(series);
        if (!line || !line->property(kWhiskerProperty).toBool() || line->count() == 0)
            continue;
        Whisker whisker;
        whisker.subject = line->name();
        whisker.lo = line->at(0).x();
        whisker.hi = line->at(0).x();
        for (const QPointF& point : line->points()) {
            whisker.lo = std::min(whisker.lo, point.x());
            whisker.hi = std::max(whisker.hi, point.x());
        }
        // The line's middle point lies on its category's centre; the first category is the bottom one.
        whisker.row = count - 1 - static_cast<int>(std::lround(line->at(line->count() / 2).y()));
        whiskers.push_back(whisker);
    }
    std::sort(whiskers.begin(), whiskers.end(),
              [](const Whisker& a, const Whisker& b) { return a.row < b.row; });
    return whiskers;
}

QRectF SubjectDeltaChart::plotArea() const
{
    return chart()->plotArea();
}

QVector<QRectF> SubjectDeltaChart::valueLabelBoxes() const
{
    return m_valueLabels ? m_valueLabels->boxes(m_valueLabels->font()) : QVector<QRectF>{};
}

QPair<double, double> SubjectDeltaChart::deltaRange() const
{
    for (QAbstractAxis* axis : chart()->axes(Qt::Horizontal))
        if (auto* values = qobject_cast<QValueAxis*>(axis))
            return {values->min(), values->max()};
    return {0.0, 0.0};
}

void SubjectDeltaChart::applyPalette()
{
    rebuild();
}

void SubjectDeltaChart::fitLabelsToWidth(double chartWidth)
{
    if (!m_deltaAxis)
        return;
    // The plot's width is the chart's less the subject names, the margins and the axis' padding;
    // the values beyond the whiskers take their pixels' share of the range.
    const double plot = std::max(120.0, chartWidth - m_namesWidth - 48.0);
    const double span = m_high - m_low > 0 ? m_high - m_low : 1.0;
    const double share = std::min(0.6, (m_leftLabels + m_rightLabels) / plot);
    const double range = span / (1.0 - share);
    double low = m_low - range * m_leftLabels / plot;
    double high = m_high + range * m_rightLabels / plot;
    // Both sides of zero stay visible, so that a one-sided result still shows where zero is.
    low = std::min(low, -range * 0.06);
    high = std::max(high, range * 0.06);
    // Round to a step of 1, 2, 2.5 or 5 times a power of ten, four to eight ticks: Qt's own nice
    // numbers may double the range (-60..35 becomes -100..50), which squeezes the bars.
    const double rough = (high - low) / 6.0;
    const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
    double step = 10.0 * magnitude;
    for (const double multiple : {1.0, 2.0, 2.5, 5.0})
        if (multiple * magnitude >= rough) {
            step = multiple * magnitude;
            break;
        }
    low = std::floor(low / step - 1e-9) * step;
    high = std::ceil(high / step + 1e-9) * step;
    // Rounding out widens the range, so a point takes fewer pixels than estimated above: widen a
    // side by a step while its values still would not fit between the whiskers and the axis' end.
    for (int widened = 0; widened < 4; ++widened) {
        const double pixelsPerPoint = plot / (high - low);
        if ((m_low - low) * pixelsPerPoint < m_leftLabels)
            low -= step;
        else if ((high - m_high) * pixelsPerPoint < m_rightLabels)
            high += step;
        else
            break;
    }
    m_deltaAxis->setRange(low, high);
    m_deltaAxis->setTickCount(static_cast<int>(std::lround((high - low) / step)) + 1);
    const int decimals = std::max(0, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)) +
                                         (std::fmod(step / magnitude, 1.0) > 0.1 ? 1 : 0));
    m_deltaAxis->setLabelFormat(QStringLiteral("%.") + QString::number(decimals) + QStringLiteral("f"));
}

void SubjectDeltaChart::showBarToolTip(bool hovering, int category)
{
    const int row = static_cast<int>(m_bars.size()) - 1 - category;
    if (!hovering || row < 0 || row >= m_bars.size()) {
        QToolTip::hideText();
        return;
    }
    const Bar& bar = m_bars[row];
    QString text = QStringLiteral("%1\nB − A %2 points").arg(bar.subject, signedText(bar.deltaPoints));
    if (bar.loPoints)
        text += QStringLiteral("\n95% CI [%1, %2] over its %3 items")
                    .arg(*bar.loPoints, 0, 'f', 2)
                    .arg(*bar.hiPoints, 0, 'f', 2)
                    .arg(bar.items);
    QToolTip::showText(QCursor::pos(), text, this);
}

void SubjectDeltaChart::rebuild()
{
    m_deltaAxis = nullptr; // goes with the old chart
    m_valueLabels = nullptr;
    QChart* target = resetChart();
    target->legend()->setVisible(false);
    const QColor text = palette().color(QPalette::Text);
    const QColor whiskerColor = charts::mix(palette().color(QPalette::Base), text, 0.8);

    // Gains and losses in two sets of one stacked series: each subject's bar is in one of them
    // (zero in the other), so it stays centred on its row and takes its set's colour.
    auto* gains = new QBarSet(QStringLiteral("B better"));
    auto* losses = new QBarSet(QStringLiteral("A better"));
    gains->setColor(zoneColor(stats::Zone::Normal, palette()));
    losses->setColor(zoneColor(stats::Zone::Suspicious, palette()));
    gains->setBorderColor(Qt::transparent);
    losses->setBorderColor(Qt::transparent);
    // The axis keys categories by text, so it gets indices; the names are drawn by CategoryLabels.
    QStringList categories;
    QStringList names;
    QVector<ValueLabels::Label> labels;
    double low = 0.0;
    double high = 0.0;
    // A horizontal bar series draws its first category at the bottom.
    for (auto it = m_bars.crbegin(); it != m_bars.crend(); ++it) {
        categories << QString::number(categories.size());
        names << it->subject;
        const double delta = shown(it->deltaPoints);
        *gains << std::max(delta, 0.0);
        *losses << std::min(delta, 0.0);
        const double lo = std::min(delta, it->loPoints.value_or(delta));
        const double hi = std::max(delta, it->hiPoints.value_or(delta));
        low = std::min(low, lo);
        high = std::max(high, hi);
        const bool right = delta >= 0;
        labels.push_back({signedText(delta), right ? hi : lo, right});
    }
    auto* series = new QHorizontalStackedBarSeries;
    series->append(gains);
    series->append(losses);
    series->setBarWidth(0.6);
    target->addSeries(series);
    connect(gains, &QBarSet::hovered, this, &SubjectDeltaChart::showBarToolTip);
    connect(losses, &QBarSet::hovered, this, &SubjectDeltaChart::showBarToolTip);

    auto* subjects = new QBarCategoryAxis;
    subjects->append(categories);
    subjects->setGridLineVisible(false);
    subjects->setLabelsVisible(false); // drawn by CategoryLabels, which does not elide them to "..."
    auto* delta = new QValueAxis;
    m_deltaAxis = delta;
    m_low = low;
    m_high = high;
    const QFontMetricsF metrics(target->font());
    m_leftLabels = 0.0;
    m_rightLabels = 0.0;
    for (const auto& label : labels) {
        double& widest = label.right ? m_rightLabels : m_leftLabels;
        widest = std::max(widest, metrics.horizontalAdvance(label.text) + 12);
    }
    m_namesWidth = 0.0;
    for (const QString& name : names)
        m_namesWidth = std::max(m_namesWidth, std::min(260.0, metrics.horizontalAdvance(name)));
    delta->setTitleText(QStringLiteral("B − A (accuracy points) with 95% CI"));
    target->addAxis(subjects, Qt::AlignLeft);
    target->addAxis(delta, Qt::AlignBottom);
    series->attachAxis(subjects);
    series->attachAxis(delta);

    // One line per whisker, over its bar: end cap, the interval, end cap.
    QPen pen(whiskerColor);
    pen.setWidthF(1.6);
    pen.setCapStyle(Qt::FlatCap);
    for (int category = 0; category < categories.size(); ++category) {
        const Bar& bar = m_bars[m_bars.size() - 1 - category];
        if (!bar.loPoints)
            continue;
        auto* whisker = new QLineSeries;
        whisker->setName(bar.subject);
        whisker->setProperty(kWhiskerProperty, true);
        const double y = category;
        whisker->append({{*bar.loPoints, y - kCap},
                         {*bar.loPoints, y + kCap},
                         {*bar.loPoints, y},
                         {*bar.hiPoints, y},
                         {*bar.hiPoints, y + kCap},
                         {*bar.hiPoints, y - kCap}});
        whisker->setPen(pen);
        target->addSeries(whisker);
        whisker->attachAxis(delta);
        whisker->attachAxis(subjects);
    }

    fitLabelsToWidth(width() > 100 ? width() : 600);
    charts::attachCategoryLabels(target, series, names, text);
    auto* values = new ValueLabels(target, series, labels, text, palette().color(QPalette::Base));
    m_valueLabels = values;
    values->setParentItem(target);
    values->setZValue(50); // over the grid lines (Qt Charts draws them at z 2), whose lines it covers
    const auto refresh = [values] { values->refresh(); };
    connect(target, &QChart::plotAreaChanged, target, refresh);
    connect(target, &QGraphicsWidget::geometryChanged, target, refresh);
    ChartWidget::applyPalette();
}

} // namespace nf::ui
