#pragma once

// Pieces the chart widgets share: which runs are drawn, their tooltip, the zone legend's words,
// deterministic jitter, and palette-derived colours. Internal to ui/charts/.

#include "charts/chartwidget.h"
#include "groupanalysis.h"

#include <QColor>
#include <QImage>
#include <QList>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QVector>
#include <cstdint>
#include <functional>
#include <vector>

QT_BEGIN_NAMESPACE
class QAbstractAxis;
class QChart;
class QFontMetrics;
class QPalette;
class QScatterSeries;
QT_END_NAMESPACE

namespace nf::ui::charts {

// A run is drawn when it completed, is not hidden, and the summary has its statistics (so not a
// reproduction): the same runs the zone colours are defined for.
const stats::RunStat* drawnRunStat(const GroupAnalysis& group, const store::RunRow& run);

// The reference a group's zones are measured from, in points: the pin when one is set, else the
// summary's median or mean; empty for a group with neither.
std::optional<double> referencePoints(const GroupAnalysis& group);

// "run 12 · seed 3\naccuracy 86.13\ndeviation +0.42 points (watch)\nz 1.3" and the rules that fired,
// in words. With the group's zones in noise units, the deviation in units too: "(normal, 1.6
// noise units)".
QString runToolTip(const store::RunRow& run, const stats::RunStat& stat, const stats::ZoneScale& zones = {});
// Shows that tooltip at the cursor over `view` when `group` holds the run and its statistics;
// false when it does not.
bool showRunToolTip(const GroupAnalysis& group, int64_t runId, QWidget* view);

// "normal |d| < 1", "watch 1–3", "elevated 3–5", "suspicious |d| ≥ 5". Qt Charts draws its own
// legend's labels as rich text, where a bare "<" starts a tag: escape it for that legend.
QString zoneLegendText(stats::Zone zone, const stats::ZoneThresholds& thresholds);
// The legend of groups drawn together, each placed in its own zones (zonesOf): the zone's bounds
// when they are the same for all ("normal < 2 noise units (15.0 pts)"); else what they share
// ("normal |d| < 1 or < 2 noise units", the noise units' points differing by group); the bare name
// when even that differs.
QString zoneLegendText(stats::Zone zone, const std::vector<GroupAnalysis>& groups);

// The part of each group's config that tells it from the others drawn with it ("greedy, MC-dropout"
// where every group is "fp32, cpu, bs 256"); a lone group's whole config. In the groups' order.
QStringList distinguishingConfigs(const std::vector<GroupAnalysis>& groups);
// Where the groups' model names start with the same words ("demo MLP, 1 epoch", "demo MLP, 3
// epochs"), the words after them ("1 epoch", "3 epochs"); else empty. In the groups' order.
QStringList distinguishingModelEnds(const std::vector<GroupAnalysis>& groups);
// "<center>group 3<br>demo M… 3 epochs<br>greedy,<br>MC-dropout<br>n 40 · sd 0.41</center>" for the
// label under a group's slot, every line within `widthPixels`: the model's name on one line, its
// shared start elided before `modelEnd`; the config (what tells groups apart) wrapped onto up to
// three lines before it is elided, none when empty. Distinct for distinct groups however narrow
// (the axis keys on it).
QString groupSlotHtml(const GroupAnalysis& group, const QFontMetrics& metrics, int widthPixels,
                      const QString& config = {}, const QString& modelEnd = {});

// In [-1, 1], the same for a run id every time, so a redraw never moves a point.
double jitter(int64_t runId);

// `a` blended towards `b` by `t` in [0, 1].
QColor mix(const QColor& a, const QColor& b, double t);

// Qualitative colours for groups (mean lines): distinct from the zone colours and readable on a
// light and a dark background.
QColor groupColor(int index);

// Marker shapes drawn into light-marker images.
enum class MarkerGlyph { Circle, Square, Triangle, Diamond, Pentagon, Star };
// A marker drawn once and stamped at every point of a series (QXYSeries::setLightMarker): Qt
// Charts then makes no graphics item per point, which keeps thousands of runs fast. Drawn at
// twice `size` pixels so that it stays sharp on high-density screens.
QImage markerImage(MarkerGlyph glyph, double size, const QColor& fill, const QColor& border,
                   double borderWidth = 0.9);

// Draws the series' points with `marker`, stamped as an image. Qt Charts 6.4 still makes a
// (transparent) graphics item per point; keeping the shape and visibility the item starts with
// spares it deleting and creating them all a second time.
void useLightMarker(QScatterSeries* series, const QImage& marker, double size);

// Colours every axis, the title and the legend of the chart from the palette.
void applyPaletteToChart(QChart* chart, const QPalette& palette);

// Scatter series of runs with the run and group of every point, so that a point read back from a
// series (hover, click, a test) names its run.
struct RunScatter
{
    QScatterSeries* series = nullptr;
    QVector<int64_t> runIds;
    QVector<int64_t> groupIds;
};
struct RunPoint
{
    QPointF position;
    int64_t runId = 0;
    int64_t groupId = 0;
};
// The points spread over as many series from `make` as it takes to keep each under a few hundred
// points: Qt Charts 6.4 adds a graphics item per point to one group item, which slows down with
// the square of a series' points. At least one series, empty when there are no points.
QVector<RunScatter> splitIntoSeries(const QVector<RunPoint>& points,
                                    const std::function<QScatterSeries*()>& make);

// The run drawn at exactly this point of `series`, or 0.
int64_t runAt(const QVector<RunScatter>& scatters, const QScatterSeries* series, const QPointF& point);
// Every point of the series as drawn: position and colour read from the series themselves.
QVector<ChartWidget::PlottedRun> readBack(const QVector<RunScatter>& scatters);

} // namespace nf::ui::charts
