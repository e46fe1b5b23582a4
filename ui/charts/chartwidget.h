#pragma once

// Base of the chart widgets: owns the chart view (nothing outside ui/charts/ includes QtCharts, so
// replacing Qt Charts, deprecated from Qt 6.10, touches this folder only) and exports the chart.

#include <QColor>
#include <QPointF>
#include <QVector>
#include <QWidget>
#include <cstdint>

QT_BEGIN_NAMESPACE
class QChart;
class QPainter;
class QChartView;
class QScatterSeries;
QT_END_NAMESPACE

namespace nf::ui {

class ChartWidget : public QWidget
{
    Q_OBJECT
public:
    explicit ChartWidget(QWidget* parent = nullptr);
    ~ChartWidget() override;

    // A run as drawn, read back from the chart's own series: what a test or a click sees.
    struct PlottedRun
    {
        int64_t runId = 0;
        int64_t groupId = 0;
        QPointF position; // in the chart's value coordinates
        QColor color;
    };
    virtual QVector<PlottedRun> plottedRuns() const = 0;
    // Where a value (x, y in the chart's coordinates) is drawn, in the chart view's viewport
    // pixels: what a test clicks, and what the context menu compares the cursor with.
    QPoint viewportPosition(const QPointF& value) const;
    // The widget that receives the chart's mouse events.
    QWidget* viewport() const;

    // The chart as an image of the given size (the widget's own size when empty).
    QImage renderImage(QSize size = {}) const;
    // Writes PNG or SVG by the file's suffix; returns false with `error` set when it cannot.
    bool saveImage(const QString& path, QString* error = nullptr) const;

    // Draws a ring around this run's point (0: none), in the charts that add one
    // (addHighlightRing); clicking the ring names the run.
    void setHighlightedRun(int64_t runId);

Q_SIGNALS:
    void runClicked(qint64 runId);

protected:
    QChart* chart() const;
    QChartView* chartView() const;
    // Swaps in a new, empty chart for a rebuild. The old one leaves the scene at once (its items
    // would otherwise linger, drawn, until the event loop deletes them) and is deleted later, so
    // a rebuild started from one of its series' own signals is safe.
    QChart* resetChart();
    // Rebuilds the chart's colours (axes, labels, background) from the widget's palette; called
    // on construction and when the palette changes (dark mode).
    virtual void applyPalette();
    // Shortens labels that depend on the chart's width (DistributionChart's group labels): on
    // resize, and before an image of another size is drawn. Labels change before a layout, never
    // from inside one, or Qt Charts keeps stale label positions.
    virtual void fitLabelsToWidth(double chartWidth);
    // Adds the (empty) highlight ring for points of `markerSize` to the chart: once per rebuild,
    // after the runs so that it lies over them; resetChart drops it with the old chart.
    QScatterSeries* addHighlightRing(double markerSize);
    // Puts the ring on the highlighted run's points as plottedRuns() reads them back.
    void updateHighlight();
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void renderTo(QPainter* painter, QSize size) const;

    QChartView* m_view = nullptr;
    int64_t m_highlighted = 0;
    QScatterSeries* m_ring = nullptr;
};

} // namespace nf::ui
