#pragma once

// A legend drawn by the chart widget itself, in a row (or rows) under the plot: Qt Charts' own
// legend counts the markers of every series, shown or not, and cuts labels short on a chart
// drawn with many shape series. Internal to ui/charts/.

#include <QColor>
#include <QFont>
#include <QGraphicsItem>
#include <QString>
#include <QVector>

QT_BEGIN_NAMESPACE
class QChart;
QT_END_NAMESPACE

namespace nf::ui::charts {

struct LegendEntry
{
    enum class Key { Dot, Line, DashedLine, HatchedBox };
    Key key = Key::Dot;
    QColor color;
    QString text; // plain text
};

class LegendRow : public QGraphicsItem
{
public:
    LegendRow(QVector<LegendEntry> entries, const QFont& font, const QColor& textColor,
              const QColor& background);

    // The height the entries take across `width` pixels, on as many rows as they need.
    double heightFor(double width) const;
    void setWidth(double width);

    QVector<LegendEntry> entries() const { return m_entries; }

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    double entryWidth(const LegendEntry& entry) const;
    QVector<QVector<int>> rows(double width) const;

    QVector<LegendEntry> m_entries;
    QFont m_font;
    QColor m_textColor;
    QColor m_background;
    double m_width = 0;
};

// Hides the chart's own legend and puts `entries` under the plot, keeping the chart's bottom
// margin as tall as the rows they take at the chart's width. The row is the chart's child item.
LegendRow* attachLegendRow(QChart* chart, const QVector<LegendEntry>& entries, const QColor& textColor,
                           const QColor& background);

} // namespace nf::ui::charts
