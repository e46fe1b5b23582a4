#pragma once

#include "charts/chartsupport.h"
#include "charts/chartwidget.h"
#include "groupanalysis.h"

#include <QStringList>
#include <QVector>
#include <vector>

QT_BEGIN_NAMESPACE
class QCategoryAxis;
class QScatterSeries;
class QValueAxis;
QT_END_NAMESPACE

namespace nf::ui {

// Every selected config group side by side on one accuracy axis (points): each run a jittered
// point coloured by its zone over a box plot (or a sideways histogram) of the group's accuracies,
// the fluctuation zones as shaded bands around the group's reference (green/yellow/orange/red),
// the expected-noise band (reference ± noiseFloorPoints), and a legend with the thresholds.
// Hidden runs and runs that did not complete are not drawn. Tooltip on a point: run id, seed,
// accuracy, deviation, zone, z. Clicking a point emits runClicked.
class DistributionChart : public ChartWidget
{
    Q_OBJECT
public:
    enum class Style { BoxPlot, Histogram };

    explicit DistributionChart(QWidget* parent = nullptr);
    ~DistributionChart() override;

    void setGroups(const std::vector<GroupAnalysis>& groups);
    void setStyle(Style style);
    Style style() const;

    QVector<PlottedRun> plottedRuns() const override;

protected:
    void applyPalette() override;
    void fitLabelsToWidth(double chartWidth) override;

private:
    struct Slot;
    void rebuild();
    void addZoneBands(const QVector<Slot>& slots, QValueAxis* y);
    void addGroupShapes(const QVector<Slot>& slots, const QValueAxis* y);
    void addRuns(const QVector<Slot>& slots);
    void addLegend();
    void showToolTip(const QScatterSeries* series, const QPointF& point, bool hovering);
    const GroupAnalysis* groupOf(int64_t groupId) const;

    std::vector<GroupAnalysis> m_groups;
    Style m_style = Style::BoxPlot;
    QVector<charts::RunScatter> m_scatters;
    QCategoryAxis* m_slotsAxis = nullptr;
    QStringList m_slotLabels; // as on the axis, one per group
};

} // namespace nf::ui
