#include "pages/distributionpage.h"

#include "charts/distributionchart.h"
#include "pages/summarytext.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

namespace nf::ui {

DistributionPage::DistributionPage(QWidget* parent)
    : QWidget(parent), m_chart(new DistributionChart(this)), m_style(new QComboBox(this)),
      m_zoom(new QCheckBox(QStringLiteral("&Zoom each group to its own spread"), this)),
      m_summary(new QLabel(this))
{
    setObjectName(QStringLiteral("distributionPage"));
    m_chart->setObjectName(QStringLiteral("distributionChart"));
    m_style->setObjectName(QStringLiteral("distributionStyle"));
    m_style->addItem(QStringLiteral("Box plot"));
    m_style->addItem(QStringLiteral("Histogram"));
    connect(m_style, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_chart->setStyle(index == 0 ? DistributionChart::Style::BoxPlot
                                     : DistributionChart::Style::Histogram);
    });
    connect(m_chart, &ChartWidget::runClicked, this, &DistributionPage::runClicked);
    m_zoom->setObjectName(QStringLiteral("zoomEachGroup"));
    m_zoom->setToolTip(QStringLiteral("Draw each run as its deviation in points from its group's reference, "
                                      "every group centred at 0, so that groups far apart each show their "
                                      "own spread. Tooltips still give each run's accuracy."));
    connect(m_zoom, &QCheckBox::toggled, m_chart, &DistributionChart::setZoomEachGroup);

    m_summary->setObjectName(QStringLiteral("distributionSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(m_summary);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMaximumHeight(170);

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(QStringLiteral("Show runs over a"), this));
    controls->addWidget(m_style);
    controls->addSpacing(16);
    controls->addWidget(m_zoom);
    controls->addStretch();

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(m_chart, 1);
    layout->addWidget(scroll);
}

void DistributionPage::setGroups(const std::vector<GroupAnalysis>& groups)
{
    m_chart->setGroups(groups);
    showSummaries();
}

void DistributionPage::showSummaries()
{
    QString html;
    for (const auto& group : m_chart->groups())
        html += summaryHtml(group, palette()) + QStringLiteral("<br><br>");
    if (html.isEmpty())
        html = QStringLiteral("Select one or more config groups (or runs) in the browser on the left.");
    m_summary->setText(html);
}

void DistributionPage::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    // The zone dots in the summaries are coloured in their HTML, which a new palette does not reach.
    if (event->type() == QEvent::PaletteChange)
        showSummaries();
}

void DistributionPage::setHighlightedRun(qint64 runId)
{
    m_chart->setHighlightedRun(runId);
}

ChartWidget* DistributionPage::chartWidget() const
{
    return m_chart;
}

} // namespace nf::ui
