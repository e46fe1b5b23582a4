#include "charts/chartnote.h"

#include <QAbstractTextDocumentLayout>
#include <QChart>
#include <QLegend>
#include <QPainter>
#include <QTextDocument>
#include <cmath>

namespace nf::ui::charts {

namespace {

constexpr int kChartMargin = 4;
constexpr double kPadding = 4;

} // namespace

ChartNote::ChartNote(const QString& html, const QFont& font, const QColor& textColor)
    : m_html(html), m_document(new QTextDocument)
{
    m_document->setDefaultFont(font);
    m_document->setDocumentMargin(0);
    // The palette's text colour, which rich text would otherwise not follow (dark mode).
    m_document->setDefaultStyleSheet(QStringLiteral("body { color: %1; }").arg(textColor.name()));
    m_document->setHtml(QStringLiteral("<body>") + html + QStringLiteral("</body>"));
}

ChartNote::~ChartNote()
{
    delete m_document;
}

double ChartNote::heightFor(double width) const
{
    if (m_html.isEmpty())
        return 0;
    m_document->setTextWidth(std::max(1.0, width));
    return m_document->size().height() + 2 * kPadding;
}

void ChartNote::setWidth(double width)
{
    prepareGeometryChange();
    m_width = width;
    m_document->setTextWidth(std::max(1.0, width));
}

QRectF ChartNote::boundingRect() const
{
    return QRectF(0, 0, m_width, heightFor(m_width));
}

void ChartNote::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    painter->save();
    painter->translate(0, kPadding);
    m_document->drawContents(painter);
    painter->restore();
}

ChartNote* attachChartNote(QChart* chart, const QString& html, const QColor& textColor)
{
    if (html.isEmpty())
        return nullptr;
    auto* note = new ChartNote(html, chart->legend()->font(), textColor);
    note->setParentItem(chart);
    note->setZValue(1000);
    const auto place = [chart, note] {
        const QRectF area = chart->rect();
        const double width = std::max(0.0, area.width() - 4 * kChartMargin);
        const double height = note->heightFor(width);
        note->setWidth(width);
        note->setPos(area.left() + 2 * kChartMargin, area.top() + kChartMargin);
        // The plot starts under the note: a top margin as tall as its lines.
        QMargins margins = chart->margins();
        const int top = kChartMargin + static_cast<int>(std::ceil(height));
        if (margins.top() != top) {
            margins.setTop(top);
            chart->setMargins(margins);
        }
    };
    QObject::connect(chart, &QGraphicsWidget::geometryChanged, chart, place);
    place();
    return note;
}

} // namespace nf::ui::charts
