#pragma once

// Series that draw shapes rather than data points: filled polygons, polylines, a box plot and a
// sideways histogram, in the chart's value coordinates. Internal to ui/charts/.

#include <QBrush>
#include <QList>
#include <QPen>
#include <QPointF>
#include <vector>

QT_BEGIN_NAMESPACE
class QAbstractSeries;
class QAreaSeries;
class QLineSeries;
QT_END_NAMESPACE

namespace nf::ui::charts {

QLineSeries* lineOf(const QList<QPointF>& points);
// A filled polygon: QAreaSeries closes `outline` back along `base`, so any outline works, not
// only a function of x.
QAreaSeries* areaOf(const QList<QPointF>& outline, const QList<QPointF>& base);

struct ShapeStyle
{
    QPen outline;
    QBrush fill;
    QPen median;
};

// Tukey box plot of `sorted` (quartiles by R's type 7, whiskers at the furthest values within
// 1.5 IQR) centred on x = `centerX`: the whiskers, the box and the median line, in drawing order.
QList<QAbstractSeries*> boxPlotSeries(const std::vector<double>& sorted, double centerX, double halfWidth,
                                      const ShapeStyle& style);

// Counts of `sorted` in bins of `binWidth` (on multiples of it) as bars growing to the right
// from x = `left`, the fullest bin `maxLength` long.
QAreaSeries* histogramSeries(const std::vector<double>& sorted, double left, double maxLength,
                             double binWidth, const ShapeStyle& style);

} // namespace nf::ui::charts
