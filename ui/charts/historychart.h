#pragma once

#include "charts/chartsupport.h"
#include "charts/chartwidget.h"
#include "groupanalysis.h"

#include <QVector>
#include <optional>
#include <unordered_map>
#include <vector>

QT_BEGIN_NAMESPACE
class QScatterSeries;
QT_END_NAMESPACE

namespace nf::ui {

// Accuracy (points) per group against run time (startedAt) or run order: each run a point
// coloured by its zone, the group's mean as a line, runs flagged by a control-chart rule drawn
// with their own marker (tooltip says the rule in words), and a pinned baseline as its own dashed
// line. Zones are each group's own (in noise units on a small task, said above the plot). Zone
// bands are shaded only where they hold for every point (one group, or groups sharing a pinned
// reference and their zones); otherwise each group gets a light dotted band of its own normal zone. The
// context menu on the chart pins the run or group under the cursor as the baseline, or removes
// the pin: intent signals, the main window writes.
class HistoryChart : public ChartWidget
{
    Q_OBJECT
public:
    explicit HistoryChart(QWidget* parent = nullptr);
    ~HistoryChart() override;

    // Time: x is the run's start time. RunOrder: x is the run's place (1, 2, 3, ...) in the start
    // order of every drawn run, so runs made seconds apart do not stack at one x.
    enum class XAxis { Time, RunOrder };
    void setXAxis(XAxis axis);
    XAxis xAxis() const { return m_xAxis; }

    void setGroups(const std::vector<GroupAnalysis>& groups);

    QVector<PlottedRun> plottedRuns() const override;
    // Runs drawn with the control-rule marker.
    QVector<int64_t> flaggedRuns() const;
    // Whether the zone bands are shaded: only when one reference and one set of zones hold for
    // every drawn group.
    bool zoneBandsShown() const { return m_bandsShown; }
    // The zone bands as shaded, in points, by zone: what a test checks. Empty when not shown.
    struct ShadedBand
    {
        stats::Zone zone = stats::Zone::Normal;
        double low = 0;
        double high = 0;
    };
    QVector<ShadedBand> shadedBands() const { return m_shaded; }
    // The note above the plot (HTML): the groups whose zones are in noise units, and why; empty
    // when every group's zones are in points.
    QString zoneNote() const { return m_note; }

Q_SIGNALS:
    void pinRunRequested(qint64 runId);
    void pinGroupRequested(qint64 groupId);
    void unpinRequested(qint64 taskId);

protected:
    void contextMenuEvent(QContextMenuEvent* event) override;
    void applyPalette() override;

private:
    void rebuild();
    // Fills m_x: where each drawn run sits on the x axis of the current mode.
    void placeRuns();
    // The reference every drawn group's zones are measured from, when they all share one.
    std::optional<double> sharedReference() const;
    void addBands(double reference, double left, double right, double low, double high);
    void addReferenceBands(double left, double right);
    void addPins(double left, double right);
    void addRuns(double left, double right);
    void connectPoints(QScatterSeries* series);
    void showToolTip(const QScatterSeries* series, const QPointF& point, bool hovering);
    // The plotted run nearest to `viewportPoint` within `radius` pixels, or 0.
    int64_t runNear(QPoint viewportPoint, int radius) const;

    std::vector<GroupAnalysis> m_groups;
    XAxis m_xAxis = XAxis::RunOrder;
    bool m_bandsShown = false;
    double m_markerSize = 8;
    QVector<charts::RunScatter> m_scatters;  // one per group and zone
    QVector<charts::RunScatter> m_flags;     // the control-rule markers over flagged runs
    std::unordered_map<int64_t, double> m_x; // of the drawn runs, placed once per rebuild
    QVector<ShadedBand> m_shaded;
    QString m_note;
};

} // namespace nf::ui
