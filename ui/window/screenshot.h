#pragma once

// `noisefloor --screenshot`: the main window rendered offscreen to a PNG, for the README and for
// looking at a screen without a display.

#include <QString>

namespace nf::ui {

class MainWindow;

struct ScreenshotRequest
{
    QString databasePath;
    QString output;
    QString tab;    // distribution|history|compare|items|environment; empty: distribution
    QString groups; // "1,4"; empty: the window's own choice
    QString size;   // "1400x860"
};

// Names the bad option or value in `error`: an unknown tab, a group that is not in the database.
bool applyViewOptions(MainWindow& window, const QString& tab, const QString& groups, QString* error);

// Opens the database read-write (it must exist), applies the options, waits for background work
// (a comparison, the items table) and writes the PNG. Returns false with `error` set.
bool takeScreenshot(const ScreenshotRequest& request, QString* error);

} // namespace nf::ui
