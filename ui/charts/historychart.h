#pragma once

#include "charts/chartsupport.h"
#include "charts/chartwidget.h"
#include "groupanalysis.h"

#include <QVector>
#include <unordered_map>
#include <vector>

QT_BEGIN_NAMESPACE
class QScatterSeries;
QT_END_NAMESPACE

namespace nf::ui {

// Accuracy (points) against run time (startedAt) per group: each run a point coloured by its
// zone, the group's mean as a line, the zone bands around the reference of the first group, runs
// flagged by a control-chart rule drawn with their own marker (tooltip names the rule), and a
// pinned baseline as its own dashed line. The context menu on the chart pins the run or group
// under the cursor as the baseline, or removes the pin: intent signals, the main window writes.
class HistoryChart : public ChartWidget
{
    Q_OBJECT
public:
    explicit HistoryChart(QWidget* parent = nullptr);
    ~HistoryChart() override;

    void setGroups(const std::vector<GroupAnalysis>& groups);
    void setHighlightedRun(int64_t runId);

    QVector<PlottedRun> plottedRuns() const override;
    // Runs drawn with the control-rule marker.
    QVector<int64_t> flaggedRuns() const;

Q_SIGNALS:
    void pinRunRequested(qint64 runId);
    void pinGroupRequested(qint64 groupId);
    void unpinRequested(qint64 taskId);

protected:
    void contextMenuEvent(QContextMenuEvent* event) override;
    void applyPalette() override;

private:
    void rebuild();
    void addBands(double left, double right, double low, double high);
    void addRuns(double left, double right);
    void connectPoints(QScatterSeries* series);
    void updateHighlight();
    void showToolTip(const QScatterSeries* series, const QPointF& point, bool hovering);
    // The plotted run nearest to `viewportPoint` within `radius` pixels, or 0.
    int64_t runNear(QPoint viewportPoint, int radius) const;

    std::vector<GroupAnalysis> m_groups;
    int64_t m_highlighted = 0;
    double m_markerSize = 8;
    QVector<charts::RunScatter> m_scatters; // one per group and zone
    QVector<charts::RunScatter> m_flags;    // the control-rule markers over flagged runs
    QScatterSeries* m_ring = nullptr;
    std::unordered_map<int64_t, double> m_startMs; // of the drawn runs, parsed once per rebuild
};

} // namespace nf::ui
