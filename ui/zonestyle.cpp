#include "zonestyle.h"

namespace nf::ui {

QColor zoneColor(stats::Zone zone)
{
    switch (zone) {
    case stats::Zone::Normal:
        return QColor(0x2e, 0x9d, 0x4f);
    case stats::Zone::Watch:
        return QColor(0xd4, 0xb1, 0x06);
    case stats::Zone::Elevated:
        return QColor(0xe8, 0x71, 0x0a);
    case stats::Zone::Suspicious:
        return QColor(0xd6, 0x2a, 0x2a);
    }
    return {};
}

QColor zoneBandColor(stats::Zone zone)
{
    QColor color = zoneColor(zone);
    color.setAlpha(zone == stats::Zone::Normal ? 46 : 38);
    return color;
}

QString zoneName(stats::Zone zone)
{
    switch (zone) {
    case stats::Zone::Normal:
        return QStringLiteral("normal");
    case stats::Zone::Watch:
        return QStringLiteral("watch");
    case stats::Zone::Elevated:
        return QStringLiteral("elevated");
    case stats::Zone::Suspicious:
        return QStringLiteral("suspicious");
    }
    return {};
}

QString zoneMeaning(stats::Zone zone)
{
    switch (zone) {
    case stats::Zone::Normal:
        return QStringLiteral("ordinary experimental error");
    case stats::Zone::Watch:
        return QStringLiteral("worth a look, not worth over-reading");
    case stats::Zone::Elevated:
        return QStringLiteral("unusual for a repeat of the same config");
    case stats::Zone::Suspicious:
        return QStringLiteral("likely a real problem: investigate");
    }
    return {};
}

} // namespace nf::ui
