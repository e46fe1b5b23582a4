#include "zonestyle.h"

#include "workspace/number_text.h"

#include <QGuiApplication>
#include <QStringList>
#include <QVector>
#include <algorithm>
#include <cmath>

namespace nf::ui {

namespace {

// What the charts draw on: the Base, with Text on it.
bool darkBase(const QPalette& palette)
{
    return palette.color(QPalette::Base).lightness() < palette.color(QPalette::Text).lightness();
}

struct ZoneShade
{
    QColor mark;
    QColor band; // the band's hue; its alpha is set apart
};

// Green, yellow, orange, red on both. On white, the watch yellow that reads as yellow is too pale
// for a mark (2:1), so marks take a darker gold and the band keeps the bright hue.
ZoneShade zoneShade(stats::Zone zone, bool dark)
{
    switch (zone) {
    case stats::Zone::Normal:
        return dark ? ZoneShade{QColor(0x3f, 0xb9, 0x50), QColor(0x3f, 0xb9, 0x50)}
                    : ZoneShade{QColor(0x2e, 0x9d, 0x4f), QColor(0x2e, 0x9d, 0x4f)};
    case stats::Zone::Watch:
        return dark ? ZoneShade{QColor(0xd4, 0xb1, 0x06), QColor(0xd4, 0xb1, 0x06)}
                    : ZoneShade{QColor(0xad, 0x8a, 0x00), QColor(0xd4, 0xb1, 0x06)};
    case stats::Zone::Elevated:
        return dark ? ZoneShade{QColor(0xf0, 0x88, 0x3e), QColor(0xf0, 0x80, 0x30)}
                    : ZoneShade{QColor(0xe8, 0x71, 0x0a), QColor(0xe8, 0x71, 0x0a)};
    case stats::Zone::Suspicious:
        return dark ? ZoneShade{QColor(0xf8, 0x51, 0x49), QColor(0xf8, 0x51, 0x49)}
                    : ZoneShade{QColor(0xd6, 0x2a, 0x2a), QColor(0xd6, 0x2a, 0x2a)};
    }
    return {};
}

} // namespace

QColor zoneColor(stats::Zone zone, const QPalette& palette)
{
    return zoneShade(zone, darkBase(palette)).mark;
}

QColor zoneBandColor(stats::Zone zone, const QPalette& palette)
{
    const bool dark = darkBase(palette);
    QColor color = zoneShade(zone, dark).band;
    if (dark)
        color.setAlpha(zone == stats::Zone::Normal ? 64 : 58);
    else
        color.setAlpha(zone == stats::Zone::Normal ? 46 : 38);
    return color;
}

bool isDarkPalette(const QPalette& palette)
{
    return palette.color(QPalette::Active, QPalette::Window).lightness() <
           palette.color(QPalette::Active, QPalette::WindowText).lightness();
}

QColor zoneTextColor(stats::Zone zone, const QPalette& palette)
{
    const bool dark = isDarkPalette(palette);
    switch (zone) {
    case stats::Zone::Normal:
        return dark ? QColor(0x56, 0xd3, 0x64) : QColor(0x17, 0x73, 0x3a);
    case stats::Zone::Watch:
        return dark ? QColor(0xe3, 0xc4, 0x40) : QColor(0x7d, 0x66, 0x08);
    case stats::Zone::Elevated:
        return dark ? QColor(0xf0, 0xa0, 0x50) : QColor(0xa3, 0x4a, 0x06);
    case stats::Zone::Suspicious:
        return dark ? QColor(0xff, 0x7b, 0x72) : QColor(0xb3, 0x26, 0x1e);
    }
    return {};
}

QColor zoneColor(stats::Zone zone)
{
    return zoneColor(zone, QGuiApplication::palette());
}

QColor zoneBandColor(stats::Zone zone)
{
    return zoneBandColor(zone, QGuiApplication::palette());
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

const stats::ZoneScale& zonesOf(const GroupAnalysis& group)
{
    return group.summary ? group.summary->zones : group.zones;
}

namespace {

QString pointsText(double points, int decimals)
{
    return QString::fromStdString(workspace::fixedText(points, decimals));
}

QString groupList(const QStringList& ids)
{
    if (ids.size() == 1)
        return QStringLiteral("group ") + ids.front();
    return QStringLiteral("groups ") + ids.mid(0, ids.size() - 1).join(QStringLiteral(", ")) +
           QStringLiteral(" and ") + ids.back();
}

} // namespace

QString zoneBoundsText(stats::Zone zone, const stats::ZoneScale& zones, bool withPoints)
{
    const auto number = [](double value) { return QString::number(value, 'g', 4); };
    const stats::ZoneThresholds& t = zones.thresholds;
    if (zones.unit == stats::ZoneUnit::Points) {
        switch (zone) {
        case stats::Zone::Normal:
            return QStringLiteral("|d| < ") + number(t.watch);
        case stats::Zone::Watch:
            return number(t.watch) + QStringLiteral("–") + number(t.elevated);
        case stats::Zone::Elevated:
            return number(t.elevated) + QStringLiteral("–") + number(t.suspicious);
        case stats::Zone::Suspicious:
            return QStringLiteral("|d| ≥ ") + number(t.suspicious);
        }
        return {};
    }
    const stats::ZoneThresholds& m = zones.noiseMultiples;
    const auto pts = [&](double from, double to) -> QString {
        if (!withPoints)
            return QString();
        const QString range =
            to > 0 ? pointsText(from, 1) + QStringLiteral("–") + pointsText(to, 1) : pointsText(from, 1);
        return QStringLiteral(" (") + range + QStringLiteral(" pts)");
    };
    switch (zone) {
    case stats::Zone::Normal:
        return QStringLiteral("< ") + number(m.watch) + QStringLiteral(" noise units") + pts(t.watch, 0);
    case stats::Zone::Watch:
        return number(m.watch) + QStringLiteral("–") + number(m.elevated) + QStringLiteral(" units") +
               pts(t.watch, t.elevated);
    case stats::Zone::Elevated:
        return number(m.elevated) + QStringLiteral("–") + number(m.suspicious) + QStringLiteral(" units") +
               pts(t.elevated, t.suspicious);
    case stats::Zone::Suspicious:
        return QStringLiteral("≥ ") + number(m.suspicious) + QStringLiteral(" units") + pts(t.suspicious, 0);
    }
    return {};
}

QString zoneRangeText(stats::Zone zone, const stats::ZoneScale& zones)
{
    return zoneName(zone) + QLatin1Char(' ') + zoneBoundsText(zone, zones);
}

QString noiseUnitReason(const stats::ZoneScale& zones)
{
    if (zones.unit != stats::ZoneUnit::Noise)
        return {};
    // The how is said here in the app's own words.
    return QString::fromStdString(zones.why);
}

QString noiseUnitNoteHtml(const std::vector<const GroupAnalysis*>& groups)
{
    struct Sentence
    {
        QString reason;
        QStringList ids;
        QList<double> units;
    };
    QVector<Sentence> sentences;
    QStringList inPoints;
    const stats::ZoneScale* first = nullptr;
    for (const GroupAnalysis* group : groups) {
        const stats::ZoneScale& zones = zonesOf(*group);
        const QString id = QString::number(group->group.id);
        if (zones.unit != stats::ZoneUnit::Noise) {
            inPoints << id;
            continue;
        }
        first = first ? first : &zones;
        const QString reason = noiseUnitReason(zones);
        auto same = std::find_if(sentences.begin(), sentences.end(),
                                 [&](const Sentence& s) { return s.reason == reason; });
        if (same == sentences.end())
            same = sentences.insert(sentences.end(), Sentence{reason, {}, {}});
        same->ids << id;
        same->units << zones.unitPoints;
    }
    if (!first)
        return {};
    QStringList parts;
    for (const Sentence& s : sentences) {
        const bool oneUnit = std::all_of(s.units.begin(), s.units.end(), [&](double unit) {
            return std::abs(unit - s.units.front()) < 5e-3;
        });
        QString units;
        if (oneUnit) {
            units = pointsText(s.units.front(), 2) + QStringLiteral(" points");
        } else {
            QStringList each;
            for (qsizetype i = 0; i < s.ids.size(); ++i)
                each << pointsText(s.units[i], 2) + (i == 0 ? QStringLiteral(" points") : QString()) +
                            QStringLiteral(" for group ") + s.ids[i];
            units = each.join(QStringLiteral(", "));
        }
        parts << QStringLiteral("<b>Zones in noise units</b> for %1: %2 (1 unit = %3).")
                     .arg(groupList(s.ids), s.reason.toHtmlEscaped(), units);
    }
    const auto number = [](double value) { return QString::number(value, 'g', 4); };
    const stats::ZoneThresholds& m = first->noiseMultiples;
    parts << QStringLiteral("Normal &lt; %1 units, watch &lt; %2, elevated &lt; %3, suspicious beyond.")
                 .arg(number(m.watch), number(m.elevated), number(m.suspicious));
    if (!inPoints.isEmpty())
        parts << QStringLiteral("The zones of %1 are in points.").arg(groupList(inPoints));
    return parts.join(QLatin1Char(' '));
}

} // namespace nf::ui
