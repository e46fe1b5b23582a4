#pragma once

// Run status icons, drawn with QPainter (no image files), readable on light and dark palettes.

#include "store/run_status.h"

#include <QIcon>
#include <QString>

namespace nf::ui {

// The icon of a store run status ("completed", "failed", ...), cached; a null icon for an unknown
// status. Completed: green check, failed: red cross, cancelled: grey stop, interrupted: orange
// warning, running: blue clock.
QIcon runStatusIcon(const QString& status);
// The status as a sentence fragment for tooltips: "completed", "failed: stopped by an error", ...
QString runStatusInWords(store::RunStatus status);
// The same for a stored status word; an unknown word is returned as it is.
QString runStatusInWords(const QString& status);

} // namespace nf::ui
