#include "charts/legendrow.h"

#include <QChart>
#include <QFontMetricsF>
#include <QLegend>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace nf::ui::charts {

namespace {

constexpr double kKeyWidth = 16;
constexpr double kKeyGap = 5;
constexpr double kEntryGap = 18;
constexpr double kRowGap = 4;
constexpr double kPadding = 6;
constexpr int kChartMargin = 4;

} // namespace

LegendRow::LegendRow(QVector<LegendEntry> entries, const QFont& font, const QColor& textColor,
                     const QColor& background)
    : m_entries(std::move(entries)), m_font(font), m_textColor(textColor), m_background(background)
{}

double LegendRow::entryWidth(const LegendEntry& entry) const
{
    return kKeyWidth + kKeyGap + QFontMetricsF(m_font).horizontalAdvance(entry.text);
}

QVector<QVector<int>> LegendRow::rows(double width) const
{
    QVector<QVector<int>> rows;
    double used = 0;
    for (int i = 0; i < m_entries.size(); ++i) {
        const double entry = entryWidth(m_entries[i]);
        if (rows.isEmpty() || (used + kEntryGap + entry > width && !rows.back().isEmpty())) {
            rows.push_back({});
            used = -kEntryGap;
        }
        rows.back().push_back(i);
        used += kEntryGap + entry;
    }
    return rows;
}

double LegendRow::heightFor(double width) const
{
    if (m_entries.isEmpty())
        return 0;
    const double line = QFontMetricsF(m_font).height();
    const auto count = static_cast<double>(rows(width).size());
    return 2 * kPadding + count * line + (count - 1) * kRowGap;
}

void LegendRow::setWidth(double width)
{
    prepareGeometryChange();
    m_width = width;
}

QRectF LegendRow::boundingRect() const
{
    return QRectF(0, 0, m_width, heightFor(m_width));
}

void LegendRow::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    const QFontMetricsF metrics(m_font);
    const double line = metrics.height();
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setFont(m_font);
    double y = kPadding;
    for (const QVector<int>& row : rows(m_width)) {
        double rowWidth = -kEntryGap;
        for (int i : row)
            rowWidth += kEntryGap + entryWidth(m_entries[i]);
        double x = std::max(0.0, (m_width - rowWidth) / 2);
        const double middle = y + line / 2;
        for (int i : row) {
            const LegendEntry& entry = m_entries[i];
            const QRectF key(x, middle - 5, kKeyWidth, 10);
            switch (entry.key) {
            case LegendEntry::Key::Dot:
                painter->setPen(QPen(m_background, 1));
                painter->setBrush(entry.color);
                painter->drawEllipse(QPointF(key.center()), 5, 5);
                break;
            case LegendEntry::Key::Line:
            case LegendEntry::Key::DashedLine:
                painter->setPen(QPen(entry.color, 2,
                                     entry.key == LegendEntry::Key::Line ? Qt::SolidLine : Qt::DashLine,
                                     Qt::FlatCap));
                painter->drawLine(QPointF(key.left(), middle), QPointF(key.right(), middle));
                break;
            case LegendEntry::Key::HatchedBox:
                painter->setPen(QPen(entry.color, 1, Qt::DashLine));
                painter->setBrush(QBrush(entry.color, Qt::BDiagPattern));
                painter->drawRect(key);
                break;
            }
            x += kKeyWidth + kKeyGap;
            painter->setPen(m_textColor);
            const double textWidth = metrics.horizontalAdvance(entry.text);
            painter->drawText(QRectF(x, y, textWidth + 1, line), Qt::AlignLeft | Qt::AlignVCenter,
                              entry.text);
            x += textWidth + kEntryGap;
        }
        y += line + kRowGap;
    }
    painter->restore();
}

LegendRow* attachLegendRow(QChart* chart, const QVector<LegendEntry>& entries, const QColor& textColor,
                           const QColor& background)
{
    chart->legend()->hide();
    auto* row = new LegendRow(entries, chart->legend()->font(), textColor, background);
    row->setParentItem(chart);
    row->setZValue(1000);
    const auto place = [chart, row] {
        const QRectF area = chart->rect();
        const double width = std::max(0.0, area.width() - 2 * kChartMargin);
        const double height = row->heightFor(width);
        row->setWidth(width);
        row->setPos(area.left() + kChartMargin, area.bottom() - kChartMargin - height);
        // The plot ends above the legend: a bottom margin as tall as its rows.
        QMargins margins = chart->margins();
        const int bottom = kChartMargin + static_cast<int>(std::ceil(height));
        if (margins.bottom() != bottom) {
            margins.setBottom(bottom);
            chart->setMargins(margins);
        }
    };
    QObject::connect(chart, &QGraphicsWidget::geometryChanged, chart, place);
    place();
    return row;
}

} // namespace nf::ui::charts
