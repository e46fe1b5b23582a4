#pragma once

#include "charts/chartwidget.h"
#include "stats/compare.h"

#include <optional>
#include <vector>

QT_BEGIN_NAMESPACE
class QValueAxis;
QT_END_NAMESPACE

namespace nf::ui {

// Per-subject difference B - A in accuracy points as horizontal bars (green above zero, red
// below), sorted by delta, each with a whisker for its 95% interval on other questions of the
// subject; at most `maxBars` subjects with the largest |delta| when there are more (no cap when
// maxBars <= 0). Subjects without a delta (in one group only) are left out. The delta axis takes
// in every whisker, so a subject's interval is never cut off at the plot's edge.
class SubjectDeltaChart : public ChartWidget
{
    Q_OBJECT
public:
    explicit SubjectDeltaChart(QWidget* parent = nullptr);
    ~SubjectDeltaChart() override;

    void setDeltas(const std::vector<stats::SubjectDelta>& deltas, int maxBars = 30);
    // The subjects drawn, top to bottom, with their delta in points.
    QVector<QPair<QString, double>> bars() const;

    // A whisker as drawn, read back from the chart's own series (points).
    struct Whisker
    {
        QString subject;
        double lo = 0.0;
        double hi = 0.0;
        int row = 0; // 0: the top bar
    };
    // Top to bottom; subjects without an interval (a single item) have none.
    QVector<Whisker> whiskers() const;
    // The delta axis' range in points.
    QPair<double, double> deltaRange() const;
    // Where each bar's value is written (chart coordinates), the bottom bar first.
    QVector<QRectF> valueLabelBoxes() const;
    QRectF plotArea() const;

    QVector<PlottedRun> plottedRuns() const override { return {}; }

protected:
    void applyPalette() override;
    // The values written beyond the whiskers need room in pixels: the axis range follows the width.
    void fitLabelsToWidth(double chartWidth) override;

private:
    class ValueLabels; // the values written beyond the whiskers (subjectdeltachart.cpp)
    struct Bar
    {
        QString subject;
        double deltaPoints = 0.0;
        std::optional<double> loPoints;
        std::optional<double> hiPoints;
        qint64 items = 0;
    };
    void rebuild();
    void showBarToolTip(bool hovering, int category);

    QVector<Bar> m_bars; // top to bottom
    QValueAxis* m_deltaAxis = nullptr;
    ValueLabels* m_valueLabels = nullptr; // owned by the chart
    // What the delta axis must show (points), and the widest value written left and right of it (pixels).
    double m_low = 0.0;
    double m_high = 0.0;
    double m_leftLabels = 0.0;
    double m_rightLabels = 0.0;
    double m_namesWidth = 0.0;
};

} // namespace nf::ui
