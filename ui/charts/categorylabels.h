#pragma once

// The names of a vertical category axis, drawn beside the plot by the chart widget itself:
// Qt Charts 6.4 gives each category label the plot's height over the categories less padding and
// elides the rest to "...", which leaves nothing of 30 subject names on a 600-pixel chart. Here
// each name is drawn at its bar, in a smaller font when the bars are close. Internal to ui/charts/.

#include <QColor>
#include <QFont>
#include <QGraphicsItem>
#include <QStringList>

QT_BEGIN_NAMESPACE
class QAbstractSeries;
class QChart;
QT_END_NAMESPACE

namespace nf::ui::charts {

class CategoryLabels : public QGraphicsItem
{
public:
    // `names` in category order (the first at the bottom), drawn right-aligned left of the plot.
    CategoryLabels(QChart* chart, QAbstractSeries* series, const QStringList& names, const QColor& color);

    // The widest name, in pixels: the room the chart keeps left of the plot.
    double namesWidth() const;
    // Follows the plot after a layout.
    void refresh();

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    QChart* m_chart;
    QAbstractSeries* m_series;
    QStringList m_names;
    QFont m_font;
    QColor m_color;
};

// The height of one of `count` categories of `series` in pixels (the plot's height for one), and
// `font` made small enough for it, down to a size still readable: labels drawn at bars.
double categoryStep(QChart* chart, QAbstractSeries* series, int count);
QFont fontForStep(QFont font, double step);

// Adds the labels as the chart's child item and keeps a left margin as wide as the names.
CategoryLabels* attachCategoryLabels(QChart* chart, QAbstractSeries* series, const QStringList& names,
                                     const QColor& color);

} // namespace nf::ui::charts
