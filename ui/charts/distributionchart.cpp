#include "charts/distributionchart.h"

#include "charts/chartnote.h"
#include "charts/legendrow.h"
#include "charts/seriesshapes.h"
#include "charts/zonebands.h"
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
    const stats::ZoneScale* zones = nullptr;
    std::optional<double> reference; // points on the value axis: 0 when zoomed to each group
    std::vector<double> values;      // points on the value axis, sorted: the runs the statistics count
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

void DistributionChart::setZoomEachGroup(bool zoom)
{
    if (zoom == m_zoom)
        return;
    m_zoom = zoom;
    rebuild();
}

QVector<ChartWidget::PlottedRun> DistributionChart::plottedRuns() const
{
    return charts::readBack(m_scatters);
}

QVector<DistributionChart::ShadedBand> DistributionChart::shadedBands() const
{
    QVector<ShadedBand> bands;
    for (const charts::ZoneBandSpan& span :
         charts::readBackZoneBands(m_bands, static_cast<int>(m_groups.size())))
        bands.push_back({m_groups[static_cast<size_t>(span.slot)].group.id, span.zone, span.low, span.high});
    return bands;
}

QString DistributionChart::valueAxisTitle() const
{
    return m_valueAxis ? m_valueAxis->titleText() : QString();
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
    m_bands.clear();
    m_slotsAxis = nullptr;
    m_valueAxis = nullptr;

    QVector<Slot> slots;
    double low = INFINITY;
    double high = -INFINITY;
    double smallestWatch = INFINITY;
    for (const GroupAnalysis& group : m_groups) {
        Slot slot;
        slot.x = static_cast<double>(slots.size());
        slot.group = &group;
        slot.zones = &zonesOf(group);
        slot.reference = charts::referencePoints(group);
        if (m_zoom && slot.reference)
            slot.reference = 0.0;
        const auto valueOf = [this](const stats::RunStat& run) {
            return (m_zoom ? run.deviation : run.accuracy) * 100.0;
        };
        if (group.summary) {
            for (const stats::RunStat& run : group.summary->runs)
                slot.values.push_back(valueOf(run));
            std::sort(slot.values.begin(), slot.values.end());
        }
        for (const store::RunRow& run : group.runs)
            if (const stats::RunStat* stat = charts::drawnRunStat(group, run)) {
                low = std::min(low, valueOf(*stat));
                high = std::max(high, valueOf(*stat));
            }
        if (!slot.values.empty()) {
            low = std::min(low, slot.values.front());
            high = std::max(high, slot.values.back());
        }
        if (slot.reference) {
            smallestWatch = std::min(smallestWatch, slot.zones->thresholds.watch);
            // Unzoomed, the normal band and the noise the item set implies always show; zoomed,
            // the runs' own spread decides (below).
            double reach = charts::zoneReachPoints(slot.zones->thresholds);
            if (group.summary && group.summary->noiseFloorPoints)
                reach = std::max(reach, *group.summary->noiseFloorPoints);
            if (!m_zoom) {
                low = std::min(low, *slot.reference - reach);
                high = std::max(high, *slot.reference + reach);
            }
        }
        slots.push_back(slot);
    }
    if (m_zoom) {
        // Centred at 0, as wide as the furthest run, and never narrower than the smallest normal
        // band: a group that does not vary is a line in its normal zone, not a magnified nothing.
        double furthest = std::isfinite(low) ? std::max(std::abs(low), std::abs(high)) : 0.0;
        if (std::isfinite(smallestWatch))
            furthest = std::max(furthest, 1.1 * smallestWatch);
        furthest = std::max(furthest, 0.25);
        low = -furthest;
        high = furthest;
    } else if (!std::isfinite(low)) {
        low = 0;
        high = 100;
    }
    const double margin = std::max(m_zoom ? 0.0 : 0.25, 0.06 * (high - low));
    if (m_zoom) {
        low -= margin;
        high += margin;
    } else {
        low = std::max(low - margin, -margin);
        high = std::min(high + margin, 100.0 + margin);
    }

    auto* x = new QCategoryAxis;
    x->setRange(-0.5, std::max<double>(0.5, static_cast<double>(slots.size()) - 0.5));
    x->setStartValue(-0.5);
    m_slotLabels.clear();
    m_configs = charts::distinguishingConfigs(m_groups);
    m_modelEnds = charts::distinguishingModelEnds(m_groups);
    for (const Slot& slot : slots) {
        // Placeholders, fitted to the width below (fitLabelsToWidth).
        m_slotLabels << QStringLiteral("group %1").arg(slot.group->group.id);
        x->append(m_slotLabels.back(), slot.x + 0.5);
    }
    m_slotsAxis = x;
    x->setLabelsPosition(QCategoryAxis::AxisLabelsPositionCenter);
    auto* y = new QValueAxis;
    y->setRange(low, high);
    if (m_zoom) {
        // Ticks counted from 0 in a step that adds up exactly, so that 0 is a tick and reads "0".
        const double step = charts::exactTickStep(high - low, 6);
        y->setTickType(QValueAxis::TicksDynamic);
        y->setTickAnchor(0.0);
        y->setTickInterval(step);
        y->setLabelFormat(charts::tickLabelFormat(step));
    } else {
        y->applyNiceNumbers();
        y->setLabelFormat(y->max() - y->min() <= 6 ? QStringLiteral("%.1f") : QStringLiteral("%.0f"));
    }
    QString reference = QStringLiteral("each group's reference");
    if (!m_groups.empty() && m_groups.front().summary) {
        const std::string& label = m_groups.front().summary->referenceLabel;
        const bool shared = std::all_of(m_groups.begin(), m_groups.end(), [&](const GroupAnalysis& group) {
            return group.summary && group.summary->referenceLabel == label;
        });
        if (shared)
            reference = label.rfind("pinned", 0) == 0
                            ? QString::fromStdString(label)
                            : QStringLiteral("each group's ") + QString::fromStdString(label);
    }
    y->setTitleText(m_zoom ? QStringLiteral("accuracy − %1 (points)").arg(reference)
                           : QStringLiteral("accuracy (%)"));
    m_valueAxis = y;
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
    std::vector<const GroupAnalysis*> groups;
    for (const GroupAnalysis& group : m_groups)
        groups.push_back(&group);
    m_note = noiseUnitNoteHtml(groups);
    charts::attachChartNote(target, m_note, palette().color(QPalette::Text));
    updateHighlight();
    ChartWidget::applyPalette();
    fitLabelsToWidth(chartView()->width());
}

void DistributionChart::addLegend()
{
    using Key = charts::LegendEntry::Key;
    const QColor text = palette().color(QPalette::Text);
    QVector<charts::LegendEntry> entries;
    for (stats::Zone zone : kZones)
        entries.push_back({Key::Dot, zoneColor(zone, palette()), charts::zoneLegendText(zone, m_groups)});
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
        const QString label = charts::groupSlotHtml(m_groups[static_cast<size_t>(i)], metrics, width,
                                                    m_configs.value(i), m_modelEnds.value(i));
        // The axis keys its categories by label: two equal labels would merge two slots.
        if (label != m_slotLabels[i]) {
            m_slotsAxis->replaceLabel(m_slotLabels[i], label);
            m_slotLabels[i] = label;
        }
    }
}

void DistributionChart::addZoneBands(const QVector<Slot>& slots, const QValueAxis* y)
{
    QVector<charts::ZoneBandSlot> bandSlots;
    for (const Slot& slot : slots)
        bandSlots.push_back(
            {slot.x - kBandHalfWidth, slot.x + kBandHalfWidth, slot.reference, slot.zones->thresholds});
    // Accuracies lie within 0-100: no shading beyond, where no run can be.
    const double floor = m_zoom ? y->min() : std::max(y->min(), 0.0);
    const double ceiling = m_zoom ? y->max() : std::min(y->max(), 100.0);
    m_bands = charts::zoneBandSeries(bandSlots, floor, ceiling, palette());
    for (const charts::ZoneBandSeries& band : m_bands)
        chart()->addSeries(band.series);
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
        const std::vector<double>& values = slot.values;
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
                             (m_zoom ? stat->deviation : stat->accuracy) * 100.0),
                     run.id, slot.group->group.id});
        }
    }
    const QColor base = palette().color(QPalette::Base);
    for (stats::Zone zone : kZones) {
        const QImage marker =
            charts::markerImage(charts::MarkerGlyph::Circle, markerSize, zoneColor(zone, palette()), base);
        const auto scatters = charts::splitIntoSeries(points[static_cast<size_t>(zone)], [&] {
            auto* series = new QScatterSeries;
            charts::useLightMarker(series, marker, markerSize);
            series->setColor(zoneColor(zone, palette()));
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
