#pragma once

// The fluctuation zones shaded around references, and the value axis they sit on: shared by the
// Distribution and History charts. Internal to ui/charts/.

#include "stats/types.h"

#include <QString>
#include <QVector>
#include <optional>

QT_BEGIN_NAMESPACE
class QAreaSeries;
class QPalette;
QT_END_NAMESPACE

namespace nf::ui::charts {

// How far around a reference an axis always reaches: the normal band and a quarter of the watch
// band, so that a group that hardly varies still shows where its zones begin.
double zoneReachPoints(const stats::ZoneThresholds& thresholds);

// Equal within rounding: zones computed the same way from the same numbers.
bool sameThresholds(const stats::ZoneThresholds& a, const stats::ZoneThresholds& b);

// A tick step that adds up exactly in binary (a power of two up to 0.25, then 0.5, 1, 2, 2.5, 5,
// 10, ...), about span / ticks: Qt Charts places dynamic ticks by adding the step to the first,
// and the zero tick of a deviation axis must read "0.0", never "-0.0".
double exactTickStep(double span, int ticks);
// "%.1f" for a step of 0.5 or 2.5: the fewest decimals that write every tick of the step exactly.
QString tickLabelFormat(double step);

// One slot of zones: a reference (points on the value axis; none: nothing shaded) and the
// thresholds in points, between x = left and right.
struct ZoneBandSlot
{
    double left = 0;
    double right = 0;
    std::optional<double> reference;
    stats::ZoneThresholds thresholds;
};

struct ZoneBandSeries
{
    QAreaSeries* series = nullptr;
    stats::Zone zone = stats::Zone::Normal;
};

// Every slot's zones as translucent areas, one series per band (and per fading step) for all
// slots together, the slots joined through zero-height stretches at `floor`: normal, watch and
// elevated in full, and the suspicious band only a strip past its threshold that fades out, so
// that slots far apart do not paint the plot red between them. Clamped to [floor, ceiling].
QVector<ZoneBandSeries> zoneBandSeries(const QVector<ZoneBandSlot>& slots, double floor, double ceiling,
                                       const QPalette& palette);

// The stretch of a band over one slot, read back from the series as drawn.
struct ZoneBandSpan
{
    int slot = 0;
    stats::Zone zone = stats::Zone::Normal;
    double low = 0;
    double high = 0;
};
// The bands with some height, in series order, then slot order.
QVector<ZoneBandSpan> readBackZoneBands(const QVector<ZoneBandSeries>& bands, int slots);

} // namespace nf::ui::charts
