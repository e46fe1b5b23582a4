#pragma once

// File > Export: the chart of the tab shown, the selected runs as CSV, the comparison as a
// Markdown report with its chart. Each asks for a file name and writes the file atomically; it
// returns the line for the status bar, or an empty string when the user cancelled or an error box
// said what went wrong.

#include <QList>
#include <QString>

QT_BEGIN_NAMESPACE
class QWidget;
QT_END_NAMESPACE

namespace nf::store {
class Store;
}

namespace nf::ui {

class ChartWidget;
class ComparePage;
struct BrowserData;

QString exportChart(QWidget* parent, ChartWidget* chart);
// The runs `runIds`, or with none, every run of the groups `groupIds` (those `data` shows), as
// workspace::writeRunsCsv writes them from `store` (the GUI thread's).
QString exportRunsCsv(QWidget* parent, const store::Store* store, const BrowserData& data, QList<qint64> runIds,
                      const QList<qint64>& groupIds);
// `store` (the GUI thread's) is read for the two groups' chart.
QString exportComparisonReport(QWidget* parent, const store::Store* store, const ComparePage& compare);

} // namespace nf::ui
