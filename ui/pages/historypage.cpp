#include "pages/historypage.h"

#include "workspace/number_text.h"
#include "charts/historychart.h"
#include "stats/control_rules.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace nf::ui {

HistoryPage::HistoryPage(QWidget* parent)
    : QWidget(parent), m_chart(new HistoryChart(this)), m_xAxis(new QComboBox(this)),
      m_flags(new QLabel(this))
{
    setObjectName(QStringLiteral("historyPage"));
    m_chart->setObjectName(QStringLiteral("historyChart"));
    m_flags->setObjectName(QStringLiteral("historyFlags"));
    m_flags->setWordWrap(true);
    connect(m_chart, &ChartWidget::runClicked, this, &HistoryPage::runClicked);
    connect(m_chart, &HistoryChart::pinRunRequested, this, &HistoryPage::pinRunRequested);
    connect(m_chart, &HistoryChart::pinGroupRequested, this, &HistoryPage::pinGroupRequested);
    connect(m_chart, &HistoryChart::unpinRequested, this, &HistoryPage::unpinRequested);

    // Run order by default: runs made minutes (or seconds) apart would stack at one time.
    m_xAxis->setObjectName(QStringLiteral("historyXAxis"));
    m_xAxis->addItem(QStringLiteral("Run order"), static_cast<int>(HistoryChart::XAxis::RunOrder));
    m_xAxis->addItem(QStringLiteral("Run time"), static_cast<int>(HistoryChart::XAxis::Time));
    m_xAxis->setToolTip(QStringLiteral("Place the runs by their order of start, or at their start time"));
    m_chart->setXAxis(HistoryChart::XAxis::RunOrder);
    connect(m_xAxis, &QComboBox::currentIndexChanged, this,
            [this] { m_chart->setXAxis(static_cast<HistoryChart::XAxis>(m_xAxis->currentData().toInt())); });
    auto* xLabel = new QLabel(QStringLiteral("&X axis:"), this);
    xLabel->setBuddy(m_xAxis);

    auto* hint =
        new QLabel(QStringLiteral("Right-click a run to pin it (or its group) as the baseline."), this);
    hint->setEnabled(false);
    auto* top = new QHBoxLayout;
    top->addWidget(hint, 1);
    top->addWidget(xLabel);
    top->addWidget(m_xAxis);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_chart, 1);
    layout->addWidget(m_flags);
}

void HistoryPage::setGroups(const std::vector<GroupAnalysis>& groups)
{
    m_chart->setGroups(groups);
    QStringList lines;
    for (const auto& group : groups) {
        if (!group.summary)
            continue;
        for (const auto& run : group.summary->runs) {
            if (run.rules.empty())
                continue;
            QStringList rules;
            for (const auto& rule : run.rules)
                rules << QString::fromStdString(stats::ruleWords(rule));
            const QString z =
                run.z ? QStringLiteral(", z %1").arg(QString::fromStdString(workspace::fixedText(*run.z, 1)))
                      : QString();
            lines << QStringLiteral("run %1 (group %2, seed %3%4): %5")
                         .arg(run.id)
                         .arg(group.group.id)
                         .arg(run.seed)
                         .arg(z, rules.join(QStringLiteral("; ")));
        }
    }
    m_flags->setText(lines.isEmpty() ? QStringLiteral("No run is flagged by the control-chart rules.")
                                     : QStringLiteral("Flagged by the control-chart rules: ") +
                                           lines.join(QStringLiteral(" · ")));
}

void HistoryPage::setHighlightedRun(qint64 runId)
{
    m_chart->setHighlightedRun(runId);
}

ChartWidget* HistoryPage::chartWidget() const
{
    return m_chart;
}

} // namespace nf::ui
