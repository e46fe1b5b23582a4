#include "models/statusicons.h"

#include "store/store.h"

#include <QHash>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace nf::ui {
namespace {

enum class Shape { Check, Cross, Stop, Warning, Clock };

// Drawn on a 16-unit grid and scaled, so the 16 px and 32 px (high-dpi) versions match.
QPixmap drawIcon(Shape shape, const QColor& color, int size)
{
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.scale(size / 16.0, size / 16.0);
    painter.setPen(Qt::NoPen);
    painter.setBrush(color);
    if (shape == Shape::Warning) {
        QPainterPath triangle;
        triangle.moveTo(8, 1);
        triangle.lineTo(15.5, 14.5);
        triangle.lineTo(0.5, 14.5);
        triangle.closeSubpath();
        painter.drawPath(triangle);
    } else {
        painter.drawEllipse(QRectF(1, 1, 14, 14));
    }
    QPen mark(Qt::white, 2.0, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    painter.setPen(mark);
    painter.setBrush(Qt::NoBrush);
    switch (shape) {
    case Shape::Check:
        painter.drawPolyline(QPolygonF({QPointF(4.5, 8.3), QPointF(7, 10.8), QPointF(11.5, 5.5)}));
        break;
    case Shape::Cross:
        painter.drawLine(QPointF(5.2, 5.2), QPointF(10.8, 10.8));
        painter.drawLine(QPointF(10.8, 5.2), QPointF(5.2, 10.8));
        break;
    case Shape::Stop:
        painter.setPen(Qt::NoPen);
        painter.setBrush(Qt::white);
        painter.drawRect(QRectF(5, 5, 6, 6));
        break;
    case Shape::Warning:
        painter.drawLine(QPointF(8, 5.5), QPointF(8, 9.5));
        painter.drawPoint(QPointF(8, 12.3));
        break;
    case Shape::Clock:
        mark.setWidthF(1.6);
        painter.setPen(mark);
        painter.drawLine(QPointF(8, 8), QPointF(8, 4.2));
        painter.drawLine(QPointF(8, 8), QPointF(10.8, 9.6));
        break;
    }
    return pixmap;
}

QIcon makeIcon(Shape shape, const QColor& color)
{
    QIcon icon;
    icon.addPixmap(drawIcon(shape, color, 16));
    icon.addPixmap(drawIcon(shape, color, 32));
    return icon;
}

} // namespace

QIcon runStatusIcon(const QString& status)
{
    // Icons need the GUI thread's QApplication; the model only asks from data().
    static QHash<QString, QIcon> cache;
    auto it = cache.constFind(status);
    if (it != cache.constEnd())
        return *it;
    QIcon icon;
    if (const auto known = store::runStatusFromString(status.toStdString())) {
        switch (*known) {
        case store::RunStatus::Completed:
            icon = makeIcon(Shape::Check, QColor(0x2e, 0x9d, 0x4a));
            break;
        case store::RunStatus::Failed:
            icon = makeIcon(Shape::Cross, QColor(0xd6, 0x45, 0x41));
            break;
        case store::RunStatus::Cancelled:
            icon = makeIcon(Shape::Stop, QColor(0x8a, 0x8f, 0x98));
            break;
        case store::RunStatus::Interrupted:
            icon = makeIcon(Shape::Warning, QColor(0xe6, 0x7e, 0x22));
            break;
        case store::RunStatus::Running:
            icon = makeIcon(Shape::Clock, QColor(0x2d, 0x7d, 0xd2));
            break;
        }
    }
    cache.insert(status, icon);
    return icon;
}

QString runStatusInWords(store::RunStatus status)
{
    switch (status) {
    case store::RunStatus::Completed:
        return QStringLiteral("completed");
    case store::RunStatus::Failed:
        return QStringLiteral("failed: stopped by an error");
    case store::RunStatus::Cancelled:
        return QStringLiteral("cancelled by the user");
    case store::RunStatus::Interrupted:
        return QStringLiteral("interrupted: its process ended before the run finished");
    case store::RunStatus::Running:
        return QStringLiteral("running");
    }
    return {};
}

QString runStatusInWords(const QString& status)
{
    const auto known = store::runStatusFromString(status.toStdString());
    return known ? runStatusInWords(*known) : status;
}

} // namespace nf::ui
