#pragma once

#include "charts/chartsupport.h"
#include "charts/chartwidget.h"
#include "charts/zonebands.h"
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
// the group's fluctuation zones shaded around its reference (green/yellow/orange, and a fading
// strip of red just past the suspicious threshold: a band run to the plot's edges would paint
// most of a chart of groups far apart red while every run is normal), the expected-noise band
// (reference ± noiseFloorPoints), and a legend with the thresholds. Zones are the group's own
// (in noise units on a small task, said above the plot). Zoomed to each group, every run is drawn
// as its deviation from its group's reference instead, on one axis centred at 0. Hidden runs and
// runs that did not complete are not drawn. Tooltip on a point: run id, seed, accuracy,
// deviation, zone, z. Clicking a point emits runClicked.
class DistributionChart : public ChartWidget
{
    Q_OBJECT
public:
    enum class Style { BoxPlot, Histogram };

    // One group's stretch of a zone's shading, read back from the chart's series (points on the
    // value axis as drawn): what a test checks.
    struct ShadedBand
    {
        int64_t groupId = 0;
        stats::Zone zone = stats::Zone::Normal;
        double low = 0;
        double high = 0;
    };

    explicit DistributionChart(QWidget* parent = nullptr);
    ~DistributionChart() override;

    void setGroups(const std::vector<GroupAnalysis>& groups);
    const std::vector<GroupAnalysis>& groups() const { return m_groups; }
    void setStyle(Style style);
    Style style() const;
    // Each run as its deviation in points from its group's reference, every group on one axis
    // centred at 0: groups ten points apart each show their own 0.3-point spread.
    void setZoomEachGroup(bool zoom);
    bool zoomEachGroup() const { return m_zoom; }

    QVector<PlottedRun> plottedRuns() const override;
    QVector<ShadedBand> shadedBands() const;
    // What the value axis shows: "accuracy (%)", or the deviation from each group's reference.
    QString valueAxisTitle() const;
    // The note above the plot (HTML): the groups whose zones are in noise units, and why; empty
    // when every group's zones are in points.
    QString zoneNote() const { return m_note; }
    // The labels under the groups' slots as the axis has them (HTML), in the groups' order.
    QStringList slotLabels() const { return m_slotLabels; }

protected:
    void applyPalette() override;
    void fitLabelsToWidth(double chartWidth) override;

private:
    struct Slot;
    void rebuild();
    void addZoneBands(const QVector<Slot>& slots, const QValueAxis* y);
    void addGroupShapes(const QVector<Slot>& slots, const QValueAxis* y);
    void addRuns(const QVector<Slot>& slots);
    void addLegend();
    void showToolTip(const QScatterSeries* series, const QPointF& point, bool hovering);
    const GroupAnalysis* groupOf(int64_t groupId) const;

    std::vector<GroupAnalysis> m_groups;
    Style m_style = Style::BoxPlot;
    bool m_zoom = false;
    QVector<charts::RunScatter> m_scatters;
    QVector<charts::ZoneBandSeries> m_bands;
    QCategoryAxis* m_slotsAxis = nullptr;
    QValueAxis* m_valueAxis = nullptr;
    QStringList m_slotLabels; // as on the axis, one per group
    QStringList m_configs;    // what tells each group from the others, one per group
    QStringList m_modelEnds;  // the ends of the model names that differ, one per group
    QString m_note;
};

} // namespace nf::ui
