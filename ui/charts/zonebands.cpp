#include "charts/zonebands.h"

#include "charts/seriesshapes.h"
#include "zonestyle.h"

#include <QAreaSeries>
#include <QLineSeries>
#include <algorithm>
#include <cmath>
#include <functional>
#include <utility>

namespace nf::ui::charts {

namespace {

// The suspicious band is shaded only this far past its threshold, as a share of the elevated
// band's width, fading out in steps: enough to show where it starts, not a wall of red.
constexpr double kSuspiciousReach = 0.5;
constexpr double kSuspiciousFade[] = {1.0, 0.6, 0.3};

} // namespace

double zoneReachPoints(const stats::ZoneThresholds& thresholds)
{
    return thresholds.watch + (thresholds.elevated - thresholds.watch) / 4.0;
}

bool sameThresholds(const stats::ZoneThresholds& a, const stats::ZoneThresholds& b)
{
    constexpr double tolerance = 1e-9;
    return std::abs(a.watch - b.watch) < tolerance && std::abs(a.elevated - b.elevated) < tolerance &&
           std::abs(a.suspicious - b.suspicious) < tolerance;
}

double exactTickStep(double span, int ticks)
{
    const double raw = span / std::max(1, ticks);
    double step = 0.25;
    while (step / 2.0 >= raw && step > 1.0 / 1024.0)
        step /= 2.0;
    if (step >= raw)
        return step;
    for (const double candidate : {0.5, 1.0, 2.0, 2.5, 5.0, 10.0, 20.0, 25.0, 50.0})
        if (candidate >= raw)
            return candidate;
    return 100.0;
}

QString tickLabelFormat(double step)
{
    int decimals = 0;
    const auto scaled = [&] { return step * std::pow(10.0, decimals); };
    while (decimals < 4 && std::abs(scaled() - std::round(scaled())) > 1e-9)
        ++decimals;
    return QStringLiteral("%.") + QString::number(decimals) + QStringLiteral("f");
}

QVector<ZoneBandSeries> zoneBandSeries(const QVector<ZoneBandSlot>& slots, double floor, double ceiling,
                                       const QPalette& palette)
{
    using Span = std::optional<std::pair<double, double>>;
    QVector<ZoneBandSeries> bands;
    const auto band = [&](const std::function<Span(const ZoneBandSlot&)>& range, stats::Zone zone,
                          double strength) {
        QList<QPointF> upper;
        QList<QPointF> lower;
        for (const ZoneBandSlot& slot : slots) {
            const Span span = range(slot);
            const double lo = span ? std::clamp(span->first, floor, ceiling) : floor;
            const double hi = span ? std::max(lo, std::clamp(span->second, floor, ceiling)) : floor;
            upper << QPointF(slot.left, lo) << QPointF(slot.left, hi) << QPointF(slot.right, hi)
                  << QPointF(slot.right, lo);
            lower << QPointF(slot.left, lo) << QPointF(slot.right, lo);
        }
        auto* area = areaOf(upper, lower);
        area->setPen(Qt::NoPen);
        QColor color = zoneBandColor(zone, palette);
        color.setAlphaF(static_cast<float>(color.alphaF() * strength));
        area->setBrush(color);
        bands.push_back({area, zone});
    };
    // [from, to] points past the reference, above or below it.
    const auto around = [](const ZoneBandSlot& slot, double from, double to, bool above) -> Span {
        if (!slot.reference)
            return std::nullopt;
        const double ref = *slot.reference;
        return above ? std::pair(ref + from, ref + to) : std::pair(ref - to, ref - from);
    };
    band([&](const ZoneBandSlot& s) { return around(s, -s.thresholds.watch, s.thresholds.watch, true); },
         stats::Zone::Normal, 1.0);
    for (const bool above : {true, false}) {
        band(
            [&](const ZoneBandSlot& s) {
                return around(s, s.thresholds.watch, s.thresholds.elevated, above);
            },
            stats::Zone::Watch, 1.0);
        band(
            [&](const ZoneBandSlot& s) {
                return around(s, s.thresholds.elevated, s.thresholds.suspicious, above);
            },
            stats::Zone::Elevated, 1.0);
        const auto steps = static_cast<double>(std::size(kSuspiciousFade));
        for (size_t step = 0; step < std::size(kSuspiciousFade); ++step)
            band(
                [&](const ZoneBandSlot& s) {
                    const stats::ZoneThresholds& t = s.thresholds;
                    const double reach = kSuspiciousReach * (t.suspicious - t.elevated);
                    return around(s, t.suspicious + reach * static_cast<double>(step) / steps,
                                  t.suspicious + reach * static_cast<double>(step + 1) / steps, above);
                },
                stats::Zone::Suspicious, kSuspiciousFade[step]);
    }
    return bands;
}

QVector<ZoneBandSpan> readBackZoneBands(const QVector<ZoneBandSeries>& bands, int slots)
{
    // Each band's outline holds four points per slot, in slot order: (left, low), (left, high),
    // (right, high), (right, low).
    QVector<ZoneBandSpan> spans;
    for (const ZoneBandSeries& band : bands) {
        const QList<QPointF> outline = band.series->upperSeries()->points();
        for (int slot = 0; slot < slots && outline.size() >= 4 * (slot + 1); ++slot) {
            const double low = outline[4 * slot].y();
            const double high = outline[4 * slot + 1].y();
            if (high > low)
                spans.push_back({slot, band.zone, low, high});
        }
    }
    return spans;
}

} // namespace nf::ui::charts
