#include "zonetext.h"

#include "zonestyle.h"

#include <QApplication>
#include <QEvent>
#include <QWidget>

namespace nf::ui {
namespace {

// Lives on the widget as its child; reapplies the colour when the palette around it changes.
class ZoneTextColor : public QObject
{
public:
    ZoneTextColor(QWidget* widget, stats::Zone zone) : QObject(widget), m_widget(widget), m_zone(zone)
    {
        widget->installEventFilter(this);
    }

    void setZone(stats::Zone zone)
    {
        m_zone = zone;
        apply();
    }

    void apply()
    {
        // The palette the widget would have without its own text colour: its parent's, or the
        // application's for a window.
        const QPalette around =
            m_widget->parentWidget() ? m_widget->parentWidget()->palette() : QApplication::palette(m_widget);
        QPalette own = m_widget->palette();
        own.setColor(QPalette::WindowText, zoneTextColor(m_zone, around));
        // The same colour again changes nothing and sends no PaletteChange: no loop.
        m_widget->setPalette(own);
    }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (watched == m_widget && event->type() == QEvent::PaletteChange)
            apply();
        return false;
    }

private:
    QWidget* m_widget;
    stats::Zone m_zone;
};

} // namespace

void setZoneTextColor(QWidget* widget, std::optional<stats::Zone> zone)
{
    ZoneTextColor* keeper = nullptr;
    for (QObject* child : widget->children())
        if (auto* found = dynamic_cast<ZoneTextColor*>(child))
            keeper = found;
    if (!zone) {
        delete keeper;
        widget->setPalette(QPalette()); // no role of its own: the parent's palette again
        return;
    }
    if (!keeper)
        keeper = new ZoneTextColor(widget, *zone);
    keeper->setZone(*zone);
}

} // namespace nf::ui
