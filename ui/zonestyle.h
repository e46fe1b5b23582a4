#pragma once

// The fluctuation zones' colours and words, shared by the charts, the tables and the legend:
// normal green, watch yellow, elevated orange, suspicious red. Readable on light and dark palettes.

#include "stats/types.h"

#include <QColor>
#include <QString>

namespace nf::ui {

QColor zoneColor(stats::Zone zone);
// The same hue, translucent, for the shaded bands behind the points.
QColor zoneBandColor(stats::Zone zone);
QString zoneName(stats::Zone zone); // "normal", "watch", "elevated", "suspicious"
QString zoneMeaning(stats::Zone zone); // "ordinary experimental error", ...

} // namespace nf::ui
