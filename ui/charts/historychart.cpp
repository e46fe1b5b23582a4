#include "charts/historychart.h"

#include "workspace/number_text.h"
#include "charts/chartnote.h"
#include "charts/seriesshapes.h"
#include "charts/timeaxis.h"
#include "charts/zonebands.h"
#include "zonestyle.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QContextMenuEvent>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMenu>
#include <QScatterSeries>
#include <QToolTip>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <set>

namespace nf::ui {

namespace {

constexpr stats::Zone kZones[] = {stats::Zone::Normal, stats::Zone::Watch, stats::Zone::Elevated,
                                  stats::Zone::Suspicious};

// Groups told apart by marker shape (the colour is the zone), named in the mean line's legend.
struct GroupMarker
{
    charts::MarkerGlyph glyph;
    const char* symbol;
};
constexpr GroupMarker kMarkers[] = {{charts::MarkerGlyph::Circle, "●"},   {charts::MarkerGlyph::Square, "■"},
                                    {charts::MarkerGlyph::Triangle, "▲"}, {charts::MarkerGlyph::Diamond, "◆"},
                                    {charts::MarkerGlyph::Pentagon, "⬟"}, {charts::MarkerGlyph::Star, "★"}};

} // namespace

HistoryChart::HistoryChart(QWidget* parent) : ChartWidget(parent)
{
    setObjectName(QStringLiteral("historyChart"));
    rebuild();
}

HistoryChart::~HistoryChart() = default;

void HistoryChart::setGroups(const std::vector<GroupAnalysis>& groups)
{
    m_groups = groups;
    rebuild();
}

QVector<ChartWidget::PlottedRun> HistoryChart::plottedRuns() const
{
    return charts::readBack(m_scatters);
}

QVector<int64_t> HistoryChart::flaggedRuns() const
{
    QVector<int64_t> runs;
    for (const charts::RunScatter& flags : m_flags)
        runs += flags.runIds;
    return runs;
}

void HistoryChart::applyPalette()
{
    rebuild();
}

void HistoryChart::setXAxis(XAxis axis)
{
    if (axis == m_xAxis)
        return;
    m_xAxis = axis;
    rebuild();
}

void HistoryChart::placeRuns()
{
    std::vector<charts::RunStart> starts;
    for (const GroupAnalysis& group : m_groups)
        for (const store::RunRow& run : group.runs)
            if (const auto time = charts::startMs(run.startedAt); time && charts::drawnRunStat(group, run))
                starts.push_back({*time, run.id});
    if (m_xAxis == XAxis::RunOrder)
        charts::numberInStartOrder(starts);
    for (const charts::RunStart& start : starts)
        m_x[start.runId] = start.ms;
}

std::optional<double> HistoryChart::sharedReference() const
{
    if (m_groups.empty())
        return std::nullopt;
    if (m_groups.size() == 1)
        return charts::referencePoints(m_groups.front());
    // A pin is the reference of every group on its task; groups without one (or pinned on
    // another task) each have their own. One set of bands is right for every point only when the
    // groups' zones are the same too: a small task's groups have noise units of their own.
    const std::optional<double> pin = m_groups.front().pinnedAccuracy;
    const stats::ZoneThresholds& zones = zonesOf(m_groups.front()).thresholds;
    for (const GroupAnalysis& group : m_groups)
        if (!pin || group.pinnedAccuracy != pin || !charts::sameThresholds(zonesOf(group).thresholds, zones))
            return std::nullopt;
    return *pin * 100.0;
}

void HistoryChart::rebuild()
{
    QChart* target = resetChart();
    m_scatters.clear();
    m_flags.clear();
    m_shaded.clear();
    m_x.clear();
    placeRuns();

    double left = INFINITY;
    double right = -INFINITY;
    double low = INFINITY;
    double high = -INFINITY;
    qsizetype most = 0;
    for (const GroupAnalysis& group : m_groups) {
        most = std::max<qsizetype>(most, static_cast<qsizetype>(group.runs.size()));
        for (const store::RunRow& run : group.runs) {
            const auto x = m_x.find(run.id);
            if (x == m_x.end())
                continue;
            left = std::min(left, x->second);
            right = std::max(right, x->second);
            low = std::min(low, *run.accuracy * 100.0);
            high = std::max(high, *run.accuracy * 100.0);
        }
        if (group.pinnedAccuracy) {
            low = std::min(low, *group.pinnedAccuracy * 100.0);
            high = std::max(high, *group.pinnedAccuracy * 100.0);
        }
    }
    const std::optional<double> shared = sharedReference();
    m_bandsShown = shared.has_value();
    if (shared) {
        // Room for a quarter of the watch band next to the normal one, so that a steady group
        // still shows where its zones begin.
        const double reach = charts::zoneReachPoints(zonesOf(m_groups.front()).thresholds);
        low = std::min(low, *shared - reach);
        high = std::max(high, *shared + reach);
    } else {
        for (const GroupAnalysis& group : m_groups)
            if (const auto reference = charts::referencePoints(group)) {
                low = std::min(low, *reference - zonesOf(group).thresholds.watch);
                high = std::max(high, *reference + zonesOf(group).thresholds.watch);
            }
    }
    if (!std::isfinite(low)) {
        low = 0;
        high = 100;
    }
    const double margin = std::max(0.25, 0.06 * (high - low));
    low -= margin;
    high += margin;
    m_markerSize = most <= 60 ? 9.0 : most <= 400 ? 7.0 : 5.0;

    target->legend()->setAlignment(Qt::AlignRight);
    // Lines as lines, the flag as its hollow square: the legend reads like the chart.
    target->legend()->setMarkerShape(QLegend::MarkerShapeFromSeries);
    QAbstractAxis* x = m_xAxis == XAxis::RunOrder
                           ? charts::makeRunOrderAxis(static_cast<int>(m_x.size()), left, right)
                           : charts::makeTimeAxis(left, right);
    auto* y = new QValueAxis;
    y->setRange(low, high);
    y->applyNiceNumbers();
    const double tick = (y->max() - y->min()) / std::max(1, y->tickCount() - 1);
    y->setLabelFormat(std::abs(tick - std::round(tick)) < 1e-9 ? QStringLiteral("%.0f")
                                                               : QStringLiteral("%.1f"));
    y->setTitleText(QStringLiteral("accuracy (%)"));
    target->addAxis(x, Qt::AlignBottom);
    target->addAxis(y, Qt::AlignLeft);

    if (shared)
        addBands(*shared, left, right, y->min(), y->max());
    else
        addReferenceBands(left, right);
    addPins(left, right);
    addRuns(left, right);
    for (QAbstractSeries* series : target->series()) {
        series->attachAxis(x);
        series->attachAxis(y);
    }
    std::vector<const GroupAnalysis*> groups;
    for (const GroupAnalysis& group : m_groups)
        groups.push_back(&group);
    m_note = noiseUnitNoteHtml(groups);
    charts::attachChartNote(target, m_note, palette().color(QPalette::Text));
    updateHighlight();
    ChartWidget::applyPalette();
}

void HistoryChart::addBands(double reference, double left, double right, double low, double high)
{
    const stats::ZoneThresholds& t = zonesOf(m_groups.front()).thresholds;
    const auto add = [&](double lo, double hi, stats::Zone zone) {
        lo = std::clamp(lo, low, high);
        hi = std::clamp(hi, low, high);
        if (hi <= lo)
            return;
        auto* band = charts::areaOf({{left, hi}, {right, hi}}, {{left, lo}, {right, lo}});
        band->setPen(Qt::NoPen);
        band->setBrush(zoneBandColor(zone, palette()));
        chart()->addSeries(band);
        chart()->legend()->markers(band).value(0)->setVisible(false);
        m_shaded.push_back({zone, lo, hi});
    };
    const double ref = reference;
    add(ref - t.watch, ref + t.watch, stats::Zone::Normal);
    add(ref + t.watch, ref + t.elevated, stats::Zone::Watch);
    add(ref - t.elevated, ref - t.watch, stats::Zone::Watch);
    add(ref + t.elevated, ref + t.suspicious, stats::Zone::Elevated);
    add(ref - t.suspicious, ref - t.elevated, stats::Zone::Elevated);
    add(ref + t.suspicious, high, stats::Zone::Suspicious);
    add(low, ref - t.suspicious, stats::Zone::Suspicious);
}

void HistoryChart::addReferenceBands(double left, double right)
{
    // Each group's points are coloured by their distance from its own reference, so shading one
    // group's zones would put the others' normal points in red: each gets only the outline of
    // its normal zone, in its own colour.
    std::set<int64_t> pinnedTasks;
    for (size_t g = 0; g < m_groups.size(); ++g) {
        const GroupAnalysis& group = m_groups[g];
        const auto reference = charts::referencePoints(group);
        if (!reference || (group.pinnedAccuracy && !pinnedTasks.insert(group.group.taskId).second))
            continue;
        const double watch = zonesOf(group).thresholds.watch;
        const QColor color = charts::groupColor(static_cast<int>(g));
        QColor fill = color;
        fill.setAlphaF(0.07);
        QColor outline = color;
        outline.setAlphaF(0.55);
        auto* band = charts::areaOf({{left, *reference + watch}, {right, *reference + watch}},
                                    {{left, *reference - watch}, {right, *reference - watch}});
        band->setPen(QPen(outline, 1.0, Qt::DotLine));
        band->setBrush(fill);
        chart()->addSeries(band);
        chart()->legend()->markers(band).value(0)->setVisible(false);
    }
    if (m_groups.size() > 1) {
        // A legend entry with no key: the reason the zones are not shaded.
        auto* note = new QLineSeries;
        note->setPen(Qt::NoPen);
        note->setName(QStringLiteral("zones: select one group<br>or pin a baseline to shade them"));
        chart()->addSeries(note);
    }
}

void HistoryChart::addPins(double left, double right)
{
    std::set<int64_t> pinnedTasks;
    for (const GroupAnalysis& group : m_groups) {
        if (!group.pinnedAccuracy || !pinnedTasks.insert(group.group.taskId).second)
            continue;
        auto* pin = new QLineSeries;
        pin->append({{left, *group.pinnedAccuracy * 100.0}, {right, *group.pinnedAccuracy * 100.0}});
        pin->setPen(QPen(palette().color(QPalette::Text), 1.8, Qt::DashLine));
        pin->setName(QStringLiteral("pinned ") + QString::fromStdString(group.pinnedLabel));
        chart()->addSeries(pin);
    }
}

void HistoryChart::addRuns(double left, double right)
{
    const QColor base = palette().color(QPalette::Base);

    charts::RunScatter flags;
    QList<QPointF> flagPoints;
    for (size_t g = 0; g < m_groups.size(); ++g) {
        const GroupAnalysis& group = m_groups[g];
        const GroupMarker& marker = kMarkers[g % std::size(kMarkers)];
        QVector<charts::RunPoint> points[4];
        double first = INFINITY;
        double last = -INFINITY;
        for (const store::RunRow& run : group.runs) {
            const stats::RunStat* stat = charts::drawnRunStat(group, run);
            const auto x = m_x.find(run.id);
            if (!stat || x == m_x.end())
                continue;
            const QPointF point(x->second, stat->accuracy * 100.0);
            points[static_cast<size_t>(stat->zone)].push_back({point, run.id, group.group.id});
            first = std::min(first, x->second);
            last = std::max(last, x->second);
            if (!stat->rules.empty()) {
                flagPoints << point;
                flags.runIds.push_back(run.id);
                flags.groupIds.push_back(group.group.id);
            }
        }
        if (group.summary && std::isfinite(first)) {
            // The line reaches a little past the group's first and last run, so that it shows
            // beside a dense cluster of points (and a lone run's mean is more than a dot).
            const double reach = (right - left) * 0.015;
            auto* mean = new QLineSeries;
            mean->append(
                {{first - reach, group.summary->mean * 100.0}, {last + reach, group.summary->mean * 100.0}});
            mean->setPen(QPen(charts::groupColor(static_cast<int>(g)), 2.0));
            mean->setName(
                QStringLiteral("%1 group %2, mean %3")
                    .arg(QString::fromUtf8(marker.symbol))
                    .arg(group.group.id)
                    .arg(QString::fromStdString(workspace::fixedText(group.summary->mean * 100.0, 2))));
            chart()->addSeries(mean);
        }
        for (stats::Zone zone : kZones) {
            const auto z = static_cast<size_t>(zone);
            if (points[z].isEmpty())
                continue;
            const QImage image =
                charts::markerImage(marker.glyph, m_markerSize, zoneColor(zone, palette()), base);
            m_scatters += charts::splitIntoSeries(points[z], [&] {
                auto* series = new QScatterSeries;
                charts::useLightMarker(series, image, m_markerSize);
                series->setColor(zoneColor(zone, palette()));
                series->setBorderColor(base);
                return series;
            });
        }
    }
    // Added after every mean line, so the points lie on top of the lines.
    for (const charts::RunScatter& scatter : m_scatters) {
        chart()->addSeries(scatter.series);
        chart()->legend()->markers(scatter.series).value(0)->setVisible(false);
        connectPoints(scatter.series);
    }
    // Legend entries for the zone colours: empty series, drawn nowhere.
    for (stats::Zone zone : kZones) {
        auto* key = new QScatterSeries;
        key->setName(charts::zoneLegendText(zone, m_groups).toHtmlEscaped());
        key->setMarkerSize(9);
        key->setColor(zoneColor(zone, palette()));
        key->setBorderColor(base);
        chart()->addSeries(key);
    }
    if (!flagPoints.isEmpty()) {
        flags.series = new QScatterSeries;
        flags.series->setName(QStringLiteral("control-rule flag"));
        // Colour and pen draw the legend's key; the light marker draws the points. A ring around
        // the point, not much bigger than it, so that many flags do not cover the chart.
        const double flagSize = m_markerSize * 1.7 + 3;
        const QColor red = zoneColor(stats::Zone::Suspicious, palette());
        charts::useLightMarker(
            flags.series,
            charts::markerImage(charts::MarkerGlyph::Square, flagSize, Qt::transparent, red, 1.6), flagSize);
        flags.series->setColor(Qt::transparent);
        flags.series->setPen(QPen(red, 1.6));
        flags.series->replace(flagPoints);
        chart()->addSeries(flags.series);
        m_flags.push_back(flags);
        connectPoints(flags.series);
    }
    chart()->legend()->markers(addHighlightRing(m_markerSize)).value(0)->setVisible(false);
}

void HistoryChart::connectPoints(QScatterSeries* series)
{
    connect(series, &QScatterSeries::clicked, this, [this, series](const QPointF& point) {
        int64_t run = charts::runAt(m_scatters, series, point);
        if (!run)
            run = charts::runAt(m_flags, series, point);
        if (run)
            Q_EMIT runClicked(run);
    });
    connect(series, &QScatterSeries::hovered, this,
            [this, series](const QPointF& point, bool state) { showToolTip(series, point, state); });
}

void HistoryChart::showToolTip(const QScatterSeries* series, const QPointF& point, bool hovering)
{
    if (!hovering) {
        QToolTip::hideText();
        return;
    }
    int64_t runId = charts::runAt(m_scatters, series, point);
    if (!runId)
        runId = charts::runAt(m_flags, series, point);
    for (const GroupAnalysis& group : m_groups)
        if (charts::showRunToolTip(group, runId, chartView()))
            return;
}

int64_t HistoryChart::runNear(QPoint viewportPoint, int radius) const
{
    int64_t nearest = 0;
    double best = radius;
    for (const PlottedRun& run : plottedRuns()) {
        const QPoint at = viewportPosition(run.position);
        const double distance = std::hypot(at.x() - viewportPoint.x(), at.y() - viewportPoint.y());
        if (distance <= best) {
            best = distance;
            nearest = run.runId;
        }
    }
    return nearest;
}

void HistoryChart::contextMenuEvent(QContextMenuEvent* event)
{
    const int64_t runId = runNear(viewport()->mapFrom(this, event->pos()), 10);
    const GroupAnalysis* group = nullptr;
    for (const GroupAnalysis& candidate : m_groups)
        if (runId ? candidate.findRun(runId) != nullptr : m_groups.size() == 1)
            group = &candidate;
    const GroupAnalysis* pinned = nullptr;
    for (const GroupAnalysis& candidate : m_groups)
        if (candidate.pinnedAccuracy && (!group || candidate.group.taskId == group->group.taskId))
            pinned = pinned ? pinned : &candidate;
    if (!group && !pinned) {
        event->ignore();
        return;
    }

    auto* menu = new QMenu(this);
    menu->setObjectName(QStringLiteral("historyContextMenu"));
    menu->setAttribute(Qt::WA_DeleteOnClose);
    if (runId) {
        QAction* pinRun = menu->addAction(QStringLiteral("Pin run %1 as baseline").arg(runId));
        pinRun->setObjectName(QStringLiteral("pinRunAction"));
        connect(pinRun, &QAction::triggered, this, [this, runId] { Q_EMIT pinRunRequested(runId); });
    }
    if (group) {
        const int64_t groupId = group->group.id;
        QAction* pinGroup = menu->addAction(QStringLiteral("Pin group %1 as baseline").arg(groupId));
        pinGroup->setObjectName(QStringLiteral("pinGroupAction"));
        connect(pinGroup, &QAction::triggered, this, [this, groupId] { Q_EMIT pinGroupRequested(groupId); });
    }
    if (pinned) {
        const int64_t taskId = pinned->group.taskId;
        QAction* unpin = menu->addAction(
            QStringLiteral("Remove pin (%1)").arg(QString::fromStdString(pinned->pinnedLabel)));
        unpin->setObjectName(QStringLiteral("unpinAction"));
        connect(unpin, &QAction::triggered, this, [this, taskId] { Q_EMIT unpinRequested(taskId); });
    }
    menu->popup(event->globalPos());
    event->accept();
}

} // namespace nf::ui
