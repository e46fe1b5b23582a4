#pragma once

// Text coloured in a zone's hue that stays readable when the palette changes under it (the
// desktop or View ▸ Appearance switching between light and dark while the window is open).

#include "stats/types.h"

#include <QtGlobal>
#include <optional>

QT_BEGIN_NAMESPACE
class QWidget;
QT_END_NAMESPACE

namespace nf::ui {

// Sets `widget`'s WindowText to zoneTextColor(zone) for the palette around it, now and after each
// palette change; nullopt gives the widget back its palette's own text colour.
void setZoneTextColor(QWidget* widget, std::optional<stats::Zone> zone);

} // namespace nf::ui
