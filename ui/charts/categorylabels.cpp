#include "charts/categorylabels.h"

#include <QChart>
#include <QFontMetricsF>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace nf::ui::charts {

namespace {

constexpr double kGap = 8;         // between a name and the plot
constexpr double kMostWidth = 260; // longer names are shortened in the middle
constexpr int kMargin = 4;         // the chart's own margin

} // namespace

CategoryLabels::CategoryLabels(QChart* chart, QAbstractSeries* series, const QStringList& names,
                               const QColor& color)
    : m_chart(chart), m_series(series), m_names(names), m_font(chart->font()), m_color(color)
{}

double CategoryLabels::namesWidth() const
{
    const QFontMetricsF metrics(m_font);
    double widest = 0;
    for (const QString& name : m_names)
        widest = std::max(widest, metrics.horizontalAdvance(name));
    return std::ceil(widest);
}

double categoryStep(QChart* chart, QAbstractSeries* series, int count)
{
    if (count <= 1)
        return chart->plotArea().height();
    return std::abs(chart->mapToPosition(QPointF(0, 1), series).y() -
                    chart->mapToPosition(QPointF(0, 0), series).y());
}

QFont fontForStep(QFont font, double step)
{
    const double lineHeight = QFontMetricsF(font).height();
    if (lineHeight > step && font.pointSizeF() > 0)
        font.setPointSizeF(std::max(6.0, font.pointSizeF() * step / lineHeight));
    return font;
}

void CategoryLabels::refresh()
{
    prepareGeometryChange();
    update();
}

QRectF CategoryLabels::boundingRect() const
{
    return m_chart->rect();
}

void CategoryLabels::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    if (m_names.isEmpty())
        return;
    const QRectF plot = m_chart->plotArea();
    const double step = categoryStep(m_chart, m_series, static_cast<int>(m_names.size()));
    // Close bars get a smaller font; never overlapping names.
    const QFont font = fontForStep(m_font, step);
    const QFontMetricsF metrics(font);
    painter->save();
    painter->setFont(font);
    painter->setPen(m_color);
    const double right = plot.left() - kGap;
    for (int i = 0; i < m_names.size(); ++i) {
        const double y = m_chart->mapToPosition(QPointF(0, i), m_series).y();
        const QString text = metrics.elidedText(m_names[i], Qt::ElideMiddle, std::max(10.0, right - kMargin));
        painter->drawText(QRectF(kMargin, y - step / 2, right - kMargin, step),
                          Qt::AlignRight | Qt::AlignVCenter, text);
    }
    painter->restore();
}

CategoryLabels* attachCategoryLabels(QChart* chart, QAbstractSeries* series, const QStringList& names,
                                     const QColor& color)
{
    auto* labels = new CategoryLabels(chart, series, names, color);
    labels->setParentItem(chart);
    QMargins margins = chart->margins();
    margins.setLeft(kMargin + static_cast<int>(std::min(labels->namesWidth(), kMostWidth) + kGap));
    chart->setMargins(margins);
    const auto refresh = [labels] { labels->refresh(); };
    QObject::connect(chart, &QChart::plotAreaChanged, chart, refresh);
    QObject::connect(chart, &QGraphicsWidget::geometryChanged, chart, refresh);
    return labels;
}

} // namespace nf::ui::charts
