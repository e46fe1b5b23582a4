#pragma once

// A note drawn at the top of a chart, above the plot: what a reader must know before reading the
// chart (the zones of a small task are in noise units, not points). Part of the chart, so that an
// exported image says it too. Wraps to the chart's width. Internal to ui/charts/.

#include <QColor>
#include <QFont>
#include <QGraphicsItem>
#include <QString>

QT_BEGIN_NAMESPACE
class QChart;
class QTextDocument;
QT_END_NAMESPACE

namespace nf::ui::charts {

class ChartNote : public QGraphicsItem
{
public:
    ChartNote(const QString& html, const QFont& font, const QColor& textColor);
    ~ChartNote() override;

    // The height the note takes at `width` pixels.
    double heightFor(double width) const;
    void setWidth(double width);
    QString html() const { return m_html; }

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    QString m_html;
    QTextDocument* m_document;
    double m_width = 0;
};

// Puts `html` above the plot of `chart`, keeping the chart's top margin as tall as the note at the
// chart's width. Nothing for empty `html`. The note is the chart's child item.
ChartNote* attachChartNote(QChart* chart, const QString& html, const QColor& textColor);

} // namespace nf::ui::charts
