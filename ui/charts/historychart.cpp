#include "charts/historychart.h"

#include "charts/seriesshapes.h"
#include "charts/timeaxis.h"
#include "zonestyle.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QContextMenuEvent>
#include <QCursor>
#include <QDateTime>
#include <QDateTimeAxis>
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

void HistoryChart::setHighlightedRun(int64_t runId)
{
    m_highlighted = runId;
    updateHighlight();
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

void HistoryChart::rebuild()
{
    QChart* target = resetChart();
    m_scatters.clear();
    m_flags.clear();
    m_ring = nullptr;
    m_startMs.clear();

    double left = INFINITY;
    double right = -INFINITY;
    double low = INFINITY;
    double high = -INFINITY;
    qsizetype most = 0;
    for (const GroupAnalysis& group : m_groups) {
        most = std::max<qsizetype>(most, static_cast<qsizetype>(group.runs.size()));
        for (const store::RunRow& run : group.runs) {
            const auto time = charts::startMs(run.startedAt);
            if (!time || !charts::drawnRunStat(group, run))
                continue;
            m_startMs[run.id] = *time;
            left = std::min(left, *time);
            right = std::max(right, *time);
            low = std::min(low, *run.accuracy * 100.0);
            high = std::max(high, *run.accuracy * 100.0);
        }
        if (group.pinnedAccuracy) {
            low = std::min(low, *group.pinnedAccuracy * 100.0);
            high = std::max(high, *group.pinnedAccuracy * 100.0);
        }
    }
    if (!m_groups.empty()) {
        if (const auto reference = charts::referencePoints(m_groups.front())) {
            const double reach = m_groups.front().thresholds.watch + 0.5;
            low = std::min(low, *reference - reach);
            high = std::max(high, *reference + reach);
        }
    }
    if (!std::isfinite(left)) {
        right = static_cast<double>(QDateTime::currentMSecsSinceEpoch());
        left = right - 24 * 3600 * 1000.0;
    }
    const charts::TimeAxisRange time = charts::timeAxisRange(left, right);
    left = time.left;
    right = time.right;
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
    auto* x = new QDateTimeAxis;
    x->setRange(QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(left)),
                QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(right)));
    x->setFormat(time.format);
    x->setTickCount(time.ticks);
    x->setTitleText(time.format == QLatin1String("HH:mm")
                        ? QStringLiteral("run start, ") +
                              QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(left))
                                  .toString(QStringLiteral("yyyy-MM-dd")) +
                              QStringLiteral(" (local time)")
                        : QStringLiteral("run start (local time)"));
    auto* y = new QValueAxis;
    y->setRange(low, high);
    y->applyNiceNumbers();
    y->setLabelFormat(y->max() - y->min() <= 6 ? QStringLiteral("%.1f") : QStringLiteral("%.0f"));
    y->setTitleText(QStringLiteral("accuracy (%)"));
    target->addAxis(x, Qt::AlignBottom);
    target->addAxis(y, Qt::AlignLeft);

    addBands(left, right, y->min(), y->max());
    addRuns(left, right);
    for (QAbstractSeries* series : target->series()) {
        series->attachAxis(x);
        series->attachAxis(y);
    }
    updateHighlight();
    ChartWidget::applyPalette();
}

void HistoryChart::addBands(double left, double right, double low, double high)
{
    if (m_groups.empty())
        return;
    const GroupAnalysis& first = m_groups.front();
    const auto reference = charts::referencePoints(first);
    if (!reference)
        return;
    const stats::ZoneThresholds& t = first.thresholds;
    const auto add = [&](double lo, double hi, stats::Zone zone) {
        lo = std::clamp(lo, low, high);
        hi = std::clamp(hi, low, high);
        if (hi <= lo)
            return;
        auto* band = charts::areaOf({{left, hi}, {right, hi}}, {{left, lo}, {right, lo}});
        band->setPen(Qt::NoPen);
        band->setBrush(zoneBandColor(zone));
        chart()->addSeries(band);
        chart()->legend()->markers(band).value(0)->setVisible(false);
    };
    const double ref = *reference;
    add(ref - t.watch, ref + t.watch, stats::Zone::Normal);
    add(ref + t.watch, ref + t.elevated, stats::Zone::Watch);
    add(ref - t.elevated, ref - t.watch, stats::Zone::Watch);
    add(ref + t.elevated, ref + t.suspicious, stats::Zone::Elevated);
    add(ref - t.suspicious, ref - t.elevated, stats::Zone::Elevated);
    add(ref + t.suspicious, high, stats::Zone::Suspicious);
    add(low, ref - t.suspicious, stats::Zone::Suspicious);

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
    const stats::ZoneThresholds thresholds =
        m_groups.empty() ? stats::ZoneThresholds{} : m_groups.front().thresholds;
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
            const auto time = m_startMs.find(run.id);
            if (!stat || time == m_startMs.end())
                continue;
            const QPointF point(time->second, stat->accuracy * 100.0);
            points[static_cast<size_t>(stat->zone)].push_back({point, run.id, group.group.id});
            first = std::min(first, time->second);
            last = std::max(last, time->second);
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
            mean->setName(QStringLiteral("%1 group %2, mean %3")
                              .arg(QString::fromUtf8(marker.symbol))
                              .arg(group.group.id)
                              .arg(group.summary->mean * 100.0, 0, 'f', 2));
            chart()->addSeries(mean);
        }
        for (stats::Zone zone : kZones) {
            const auto z = static_cast<size_t>(zone);
            if (points[z].isEmpty())
                continue;
            const QImage image = charts::markerImage(marker.glyph, m_markerSize, zoneColor(zone), base);
            m_scatters += charts::splitIntoSeries(points[z], [&] {
                auto* series = new QScatterSeries;
                charts::useLightMarker(series, image, m_markerSize);
                series->setColor(zoneColor(zone));
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
        key->setName(charts::zoneLegendText(zone, thresholds).toHtmlEscaped());
        key->setMarkerSize(9);
        key->setColor(zoneColor(zone));
        key->setBorderColor(base);
        chart()->addSeries(key);
    }
    if (!flagPoints.isEmpty()) {
        flags.series = new QScatterSeries;
        flags.series->setName(QStringLiteral("control-rule flag"));
        // Colour and pen draw the legend's key; the light marker draws the points. A ring around
        // the point, not much bigger than it, so that many flags do not cover the chart.
        const double flagSize = m_markerSize * 1.7 + 3;
        const QColor red = zoneColor(stats::Zone::Suspicious);
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
    m_ring = new QScatterSeries;
    m_ring->setMarkerShape(QScatterSeries::MarkerShapeCircle);
    m_ring->setMarkerSize(m_markerSize + 9);
    m_ring->setColor(Qt::transparent);
    m_ring->setPen(QPen(palette().color(QPalette::Text), 2.2));
    chart()->addSeries(m_ring);
    chart()->legend()->markers(m_ring).value(0)->setVisible(false);
    connect(m_ring, &QScatterSeries::clicked, this, [this] {
        if (m_highlighted)
            Q_EMIT runClicked(m_highlighted);
    });
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

void HistoryChart::updateHighlight()
{
    if (!m_ring)
        return;
    QList<QPointF> ring;
    for (const PlottedRun& run : plottedRuns())
        if (run.runId == m_highlighted)
            ring << run.position;
    m_ring->replace(ring);
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
    for (const GroupAnalysis& group : m_groups) {
        const store::RunRow* run = group.findRun(runId);
        const stats::RunStat* stat = group.findRunStat(runId);
        if (run && stat) {
            QToolTip::showText(QCursor::pos(), charts::runToolTip(*run, *stat), chartView());
            return;
        }
    }
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
