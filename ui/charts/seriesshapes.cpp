#include "charts/seriesshapes.h"

#include <QAreaSeries>
#include <QLineSeries>
#include <algorithm>
#include <cmath>

namespace nf::ui::charts {

namespace {

// Linear interpolation between order statistics (R's type 7), on sorted values.
double quantile(const std::vector<double>& sorted, double q)
{
    const double position = q * static_cast<double>(sorted.size() - 1);
    const auto below = static_cast<size_t>(std::floor(position));
    const size_t above = std::min(below + 1, sorted.size() - 1);
    return sorted[below] + (sorted[above] - sorted[below]) * (position - static_cast<double>(below));
}

} // namespace

QLineSeries* lineOf(const QList<QPointF>& points)
{
    auto* series = new QLineSeries;
    series->replace(points);
    return series;
}

QAreaSeries* areaOf(const QList<QPointF>& outline, const QList<QPointF>& base)
{
    auto* upper = new QLineSeries;
    upper->replace(outline);
    auto* lower = new QLineSeries;
    lower->replace(base);
    auto* area = new QAreaSeries(upper, lower);
    upper->setParent(area);
    lower->setParent(area);
    return area;
}

QList<QAbstractSeries*> boxPlotSeries(const std::vector<double>& sorted, double centerX, double halfWidth,
                                      const ShapeStyle& style)
{
    if (sorted.empty())
        return {};
    const double q1 = quantile(sorted, 0.25);
    const double median = quantile(sorted, 0.5);
    const double q3 = quantile(sorted, 0.75);
    const double iqr = q3 - q1;
    const double low = *std::lower_bound(sorted.begin(), sorted.end(), q1 - 1.5 * iqr);
    const double high = *(std::upper_bound(sorted.begin(), sorted.end(), q3 + 1.5 * iqr) - 1);
    const double cx = centerX;
    const double w = halfWidth;
    // Both whiskers and their caps as one polyline: it runs up through the box, which covers it.
    auto* whiskers = lineOf({{cx - w / 2, low},
                             {cx + w / 2, low},
                             {cx, low},
                             {cx, high},
                             {cx - w / 2, high},
                             {cx + w / 2, high}});
    whiskers->setPen(style.outline);
    auto* box = areaOf({{cx - w, q3}, {cx + w, q3}}, {{cx - w, q1}, {cx + w, q1}});
    box->setBrush(style.fill);
    box->setPen(style.outline);
    auto* medianLine = lineOf({{cx - w, median}, {cx + w, median}});
    medianLine->setPen(style.median);
    return {whiskers, box, medianLine};
}

QAreaSeries* histogramSeries(const std::vector<double>& sorted, double left, double maxLength,
                             double binWidth, const ShapeStyle& style)
{
    if (sorted.empty() || !(binWidth > 0))
        return nullptr;
    const double bottom = std::floor(sorted.front() / binWidth) * binWidth;
    const int bins = std::max(1, static_cast<int>(std::floor((sorted.back() - bottom) / binWidth)) + 1);
    std::vector<int> counts(static_cast<size_t>(bins), 0);
    for (double value : sorted)
        ++counts[static_cast<size_t>(std::clamp(static_cast<int>((value - bottom) / binWidth), 0, bins - 1))];
    const double most = *std::max_element(counts.begin(), counts.end());
    QList<QPointF> outline{{left, bottom}};
    for (int b = 0; b < bins; ++b) {
        const double length = maxLength * counts[static_cast<size_t>(b)] / most;
        outline << QPointF(left + length, bottom + b * binWidth)
                << QPointF(left + length, bottom + (b + 1) * binWidth);
    }
    const double top = bottom + bins * binWidth;
    outline << QPointF(left, top);
    auto* histogram = areaOf(outline, {{left, bottom}, {left, top}});
    histogram->setBrush(style.fill);
    histogram->setPen(style.outline);
    return histogram;
}

} // namespace nf::ui::charts
