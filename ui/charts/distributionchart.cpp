#include "charts/distributionchart.h"

#include "charts/legendrow.h"
#include "charts/seriesshapes.h"
#include "zonestyle.h"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QFontMetrics>
#include <QLineSeries>
#include <QScatterSeries>
#include <QToolTip>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <functional>

namespace nf::ui {

namespace {

// Within a group's slot [i - 0.5, i + 0.5]: the bands span most of it, the box (or histogram)
// sits on the left and the runs' points on the right, so neither hides the other.
constexpr double kBandHalfWidth = 0.46;
constexpr double kBoxCenter = -0.26;
constexpr double kBoxHalfWidth = 0.09;
constexpr double kHistogramLeft = -0.42;
constexpr double kHistogramWidth = 0.3;
constexpr double kPointsCenter = 0.16;
constexpr double kPointsHalfWidth = 0.22;

constexpr stats::Zone kZones[] = {stats::Zone::Normal, stats::Zone::Watch, stats::Zone::Elevated,
                                  stats::Zone::Suspicious};

} // namespace

struct DistributionChart::Slot
{
    double x = 0; // the slot's centre
    const GroupAnalysis* group = nullptr;
    std::optional<double> reference; // points
    std::vector<double> accuracies;  // points, sorted: the runs the statistics count
};

DistributionChart::DistributionChart(QWidget* parent) : ChartWidget(parent)
{
    setObjectName(QStringLiteral("distributionChart"));
    rebuild();
}

DistributionChart::~DistributionChart() = default;

void DistributionChart::setGroups(const std::vector<GroupAnalysis>& groups)
{
    m_groups = groups;
    rebuild();
}

void DistributionChart::setStyle(Style style)
{
    if (style == m_style)
        return;
    m_style = style;
    rebuild();
}

DistributionChart::Style DistributionChart::style() const
{
    return m_style;
}

QVector<ChartWidget::PlottedRun> DistributionChart::plottedRuns() const
{
    return charts::readBack(m_scatters);
}

void DistributionChart::applyPalette()
{
    rebuild();
}

const GroupAnalysis* DistributionChart::groupOf(int64_t groupId) const
{
    for (const GroupAnalysis& group : m_groups)
        if (group.group.id == groupId)
            return &group;
    return nullptr;
}

void DistributionChart::rebuild()
{
    QChart* target = resetChart();
    m_scatters.clear();
    m_slotsAxis = nullptr;

    QVector<Slot> slots;
    double low = INFINITY;
    double high = -INFINITY;
    for (const GroupAnalysis& group : m_groups) {
        Slot slot;
        slot.x = static_cast<double>(slots.size());
        slot.group = &group;
        slot.reference = charts::referencePoints(group);
        if (group.summary) {
            for (const stats::RunStat& run : group.summary->runs)
                slot.accuracies.push_back(run.accuracy * 100.0);
            std::sort(slot.accuracies.begin(), slot.accuracies.end());
        }
        for (const store::RunRow& run : group.runs)
            if (charts::drawnRunStat(group, run)) {
                low = std::min(low, *run.accuracy * 100.0);
                high = std::max(high, *run.accuracy * 100.0);
            }
        if (!slot.accuracies.empty()) {
            low = std::min(low, slot.accuracies.front());
            high = std::max(high, slot.accuracies.back());
        }
        // The normal and watch bands always show, and so does the noise the item set implies.
        if (slot.reference) {
            double reach = group.thresholds.watch + 0.5;
            if (group.summary && group.summary->noiseFloorPoints)
                reach = std::max(reach, *group.summary->noiseFloorPoints);
            low = std::min(low, *slot.reference - reach);
            high = std::max(high, *slot.reference + reach);
        }
        slots.push_back(slot);
    }
    if (!std::isfinite(low)) {
        low = 0;
        high = 100;
    }
    const double margin = std::max(0.25, 0.06 * (high - low));
    low = std::max(low - margin, -margin);
    high = std::min(high + margin, 100.0 + margin);

    auto* x = new QCategoryAxis;
    x->setRange(-0.5, std::max<double>(0.5, static_cast<double>(slots.size()) - 0.5));
    x->setStartValue(-0.5);
    m_slotLabels.clear();
    for (const Slot& slot : slots) {
        // Placeholders, fitted to the width below (fitLabelsToWidth).
        m_slotLabels << QStringLiteral("group %1").arg(slot.group->group.id);
        x->append(m_slotLabels.back(), slot.x + 0.5);
    }
    m_slotsAxis = x;
    x->setLabelsPosition(QCategoryAxis::AxisLabelsPositionCenter);
    auto* y = new QValueAxis;
    y->setRange(low, high);
    y->applyNiceNumbers();
    y->setLabelFormat(y->max() - y->min() <= 6 ? QStringLiteral("%.1f") : QStringLiteral("%.0f"));
    y->setTitleText(QStringLiteral("accuracy (%)"));
    target->addAxis(x, Qt::AlignBottom);
    target->addAxis(y, Qt::AlignLeft);

    addZoneBands(slots, y);
    addGroupShapes(slots, y);
    addRuns(slots);
    for (QAbstractSeries* series : target->series()) {
        if (!series->attachedAxes().isEmpty())
            continue;
        series->attachAxis(x);
        series->attachAxis(y);
    }
    addLegend();
    updateHighlight();
    ChartWidget::applyPalette();
    fitLabelsToWidth(chartView()->width());
}

void DistributionChart::addLegend()
{
    using Key = charts::LegendEntry::Key;
    const QColor text = palette().color(QPalette::Text);
    const stats::ZoneThresholds thresholds =
        m_groups.empty() ? stats::ZoneThresholds{} : m_groups.front().thresholds;
    QVector<charts::LegendEntry> entries;
    for (stats::Zone zone : kZones)
        entries.push_back({Key::Dot, zoneColor(zone), charts::zoneLegendText(zone, thresholds)});
    // The reference as the groups have it: the database's mode, or the pin of their task.
    for (const GroupAnalysis& group : m_groups) {
        if (!charts::referencePoints(group))
            continue;
        const QString label = group.summary
                                  ? QString::fromStdString(group.summary->referenceLabel)
                                  : QStringLiteral("pinned ") + QString::fromStdString(group.pinnedLabel);
        entries.push_back({group.pinnedAccuracy ? Key::DashedLine : Key::Line, text,
                           QStringLiteral("reference: ") + label});
        break;
    }
    const bool noise = std::any_of(m_groups.begin(), m_groups.end(), [](const GroupAnalysis& group) {
        return group.summary && group.summary->noiseFloorPoints && *group.summary->noiseFloorPoints > 0;
    });
    if (noise)
        entries.push_back({Key::HatchedBox, charts::mix(palette().color(QPalette::Base), text, 0.5),
                           QStringLiteral("expected seed noise (95%)")});
    charts::attachLegendRow(chart(), entries, text, palette().color(QPalette::Base));
}

void DistributionChart::fitLabelsToWidth(double chartWidth)
{
    if (!m_slotsAxis || m_slotLabels.isEmpty())
        return;
    const QFontMetrics metrics(m_slotsAxis->labelsFont());
    // What Qt Charts 6.4 gives a label before eliding it itself: the plot's width (the chart's
    // less the accuracy axis and margins, about 100 pixels) over the number of category
    // boundaries (one more than the groups), less the label padding on both sides.
    const double plotWidth = std::max(100.0, chartWidth - 100.0);
    const int width = static_cast<int>(plotWidth / static_cast<double>(m_slotLabels.size() + 1)) - 12;
    for (qsizetype i = 0; i < m_slotLabels.size(); ++i) {
        const QString label = charts::groupSlotHtml(m_groups[static_cast<size_t>(i)], metrics, width);
        // The axis keys its categories by label: two equal labels would merge two slots.
        if (label != m_slotLabels[i]) {
            m_slotsAxis->replaceLabel(m_slotLabels[i], label);
            m_slotLabels[i] = label;
        }
    }
}

void DistributionChart::addZoneBands(const QVector<Slot>& slots, QValueAxis* y)
{
    // One area per band for all groups together (seven series, not seven per group): each
    // slot's band is joined to the next one's through a zero-height stretch in the gap.
    using Span = std::optional<std::pair<double, double>>;
    const auto band = [&](const std::function<Span(const Slot&)>& range, stats::Zone zone) {
        QList<QPointF> upper;
        QList<QPointF> lower;
        for (const Slot& slot : slots) {
            auto span = range(slot);
            if (span) {
                span->first = std::clamp(span->first, y->min(), y->max());
                span->second = std::clamp(span->second, y->min(), y->max());
            }
            const double lo = span ? span->first : y->min();
            const double hi = span ? span->second : y->min();
            const double left = slot.x - kBandHalfWidth;
            const double right = slot.x + kBandHalfWidth;
            upper << QPointF(left, lo) << QPointF(left, hi) << QPointF(right, hi) << QPointF(right, lo);
            lower << QPointF(left, lo) << QPointF(right, lo);
        }
        auto* area = charts::areaOf(upper, lower);
        area->setPen(Qt::NoPen);
        area->setBrush(zoneBandColor(zone));
        chart()->addSeries(area);
    };
    const auto around = [](const Slot& slot, double from, double to, bool above) -> Span {
        if (!slot.reference)
            return std::nullopt;
        const double ref = *slot.reference;
        return above ? std::pair(ref + from, ref + to) : std::pair(ref - to, ref - from);
    };
    const double edge = 1e9; // clamped to the axis: the red band runs to the plot's edges
    band(
        [](const Slot& s) -> Span {
            if (!s.reference)
                return std::nullopt;
            return std::pair(*s.reference - s.group->thresholds.watch,
                             *s.reference + s.group->thresholds.watch);
        },
        stats::Zone::Normal);
    for (const bool above : {true, false}) {
        band(
            [&](const Slot& s) {
                return around(s, s.group->thresholds.watch, s.group->thresholds.elevated, above);
            },
            stats::Zone::Watch);
        band(
            [&](const Slot& s) {
                return around(s, s.group->thresholds.elevated, s.group->thresholds.suspicious, above);
            },
            stats::Zone::Elevated);
        band([&](const Slot& s) { return around(s, s.group->thresholds.suspicious, edge, above); },
             stats::Zone::Suspicious);
    }
}

void DistributionChart::addGroupShapes(const QVector<Slot>& slots, const QValueAxis* y)
{
    // One bin width for every group, a fixed share of the axis: histograms of groups with
    // different spreads compare by eye, and an outlier does not coarsen its group's bins.
    const double binWidth = (y->max() - y->min()) / 40.0;
    const QColor base = palette().color(QPalette::Base);
    const QColor text = palette().color(QPalette::Text);
    for (const Slot& slot : slots) {
        const GroupAnalysis& group = *slot.group;
        const double left = slot.x - kBandHalfWidth;
        const double right = slot.x + kBandHalfWidth;
        if (slot.reference && group.summary && group.summary->noiseFloorPoints) {
            const double noise = *group.summary->noiseFloorPoints;
            auto* area = charts::areaOf({{left, *slot.reference + noise}, {right, *slot.reference + noise}},
                                        {{left, *slot.reference - noise}, {right, *slot.reference - noise}});
            QColor hatch = text;
            hatch.setAlphaF(0.28f);
            area->setBrush(QBrush(hatch, Qt::BDiagPattern));
            QPen outline(hatch, 1, Qt::DashLine);
            area->setPen(outline);
            chart()->addSeries(area);
        }
        if (slot.reference) {
            auto* line = charts::lineOf({{left, *slot.reference}, {right, *slot.reference}});
            line->setPen(QPen(text, 1.6, group.pinnedAccuracy ? Qt::DashLine : Qt::SolidLine));
            chart()->addSeries(line);
        }
        const std::vector<double>& values = slot.accuracies;
        if (values.empty())
            continue;
        QColor fill = charts::mix(base, text, 0.25);
        fill.setAlphaF(0.55f);
        const charts::ShapeStyle style{QPen(charts::mix(base, text, 0.7), 1.2), fill, QPen(text, 2.2)};
        if (m_style == Style::BoxPlot) {
            for (QAbstractSeries* series :
                 charts::boxPlotSeries(values, slot.x + kBoxCenter, kBoxHalfWidth, style))
                chart()->addSeries(series);
        } else if (QAbstractSeries* histogram = charts::histogramSeries(values, slot.x + kHistogramLeft,
                                                                        kHistogramWidth, binWidth, style)) {
            chart()->addSeries(histogram);
        }
    }
}

void DistributionChart::addRuns(const QVector<Slot>& slots)
{
    qsizetype most = 0;
    for (const Slot& slot : slots)
        most = std::max<qsizetype>(most, static_cast<qsizetype>(slot.group->runs.size()));
    const double markerSize = most <= 40 ? 9.0 : most <= 300 ? 7.0 : 5.0;
    QVector<charts::RunPoint> points[4];
    for (const Slot& slot : slots) {
        for (const store::RunRow& run : slot.group->runs) {
            if (const stats::RunStat* stat = charts::drawnRunStat(*slot.group, run))
                points[static_cast<size_t>(stat->zone)].push_back(
                    {QPointF(slot.x + kPointsCenter + kPointsHalfWidth * charts::jitter(run.id),
                             stat->accuracy * 100.0),
                     run.id, slot.group->group.id});
        }
    }
    const QColor base = palette().color(QPalette::Base);
    for (stats::Zone zone : kZones) {
        const QImage marker =
            charts::markerImage(charts::MarkerGlyph::Circle, markerSize, zoneColor(zone), base);
        const auto scatters = charts::splitIntoSeries(points[static_cast<size_t>(zone)], [&] {
            auto* series = new QScatterSeries;
            charts::useLightMarker(series, marker, markerSize);
            series->setColor(zoneColor(zone));
            series->setBorderColor(base);
            return series;
        });
        for (qsizetype i = 0; i < scatters.size(); ++i) {
            QScatterSeries* series = scatters[i].series;
            chart()->addSeries(series);
            connect(series, &QScatterSeries::clicked, this, [this, series](const QPointF& point) {
                if (const int64_t run = charts::runAt(m_scatters, series, point))
                    Q_EMIT runClicked(run);
            });
            connect(series, &QScatterSeries::hovered, this,
                    [this, series](const QPointF& point, bool state) { showToolTip(series, point, state); });
        }
        m_scatters += scatters;
    }
    addHighlightRing(markerSize);
}

void DistributionChart::showToolTip(const QScatterSeries* series, const QPointF& point, bool hovering)
{
    if (!hovering) {
        QToolTip::hideText();
        return;
    }
    const int64_t runId = charts::runAt(m_scatters, series, point);
    for (const charts::RunScatter& scatter : m_scatters) {
        const qsizetype index = scatter.runIds.indexOf(runId);
        if (scatter.series != series || index < 0)
            continue;
        if (const GroupAnalysis* group = groupOf(scatter.groupIds[index]))
            charts::showRunToolTip(*group, runId, chartView());
        return;
    }
}

} // namespace nf::ui
