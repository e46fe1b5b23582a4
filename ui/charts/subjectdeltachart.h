#pragma once

#include "charts/chartwidget.h"
#include "stats/compare.h"

#include <vector>

namespace nf::ui {

// Per-subject difference B - A in accuracy points as horizontal bars (green above zero, red
// below), sorted by delta; at most `maxBars` subjects with the largest |delta| when there are more
// (no cap when maxBars <= 0). Subjects without a delta (in one group only) are left out.
class SubjectDeltaChart : public ChartWidget
{
    Q_OBJECT
public:
    explicit SubjectDeltaChart(QWidget* parent = nullptr);
    ~SubjectDeltaChart() override;

    void setDeltas(const std::vector<stats::SubjectDelta>& deltas, int maxBars = 30);
    // The subjects drawn, top to bottom, with their delta in points.
    QVector<QPair<QString, double>> bars() const;

    QVector<PlottedRun> plottedRuns() const override { return {}; }

protected:
    void applyPalette() override;

private:
    void rebuild();

    QVector<QPair<QString, double>> m_bars;
};

} // namespace nf::ui
