#pragma once

// Light or dark: the app follows the desktop's colour scheme, or the user's choice.
//
// Qt 6.4 (Debian 12) has no QStyleHints::colorScheme and its gtk3 platform theme hands out a light
// palette whatever GNOME or KDE are set to, so the desktop is asked directly, through the XDG
// desktop portal (org.freedesktop.appearance color-scheme), and GTK_THEME=...:dark as a fallback.
//
// Precedence: `--color-scheme` for this launch (not saved), else View ▸ Appearance (saved as
// appearance/colorScheme), else "system": a platform palette that is already dark (a dark
// platform theme, qt6ct) is kept; otherwise the portal's answer, then GTK_THEME; no answer is light.
//
// Style: the style in use is kept when it paints from the palette (Windows, Breeze, Oxygen),
// whoever chose it, `-style` included. Any other style draws its own colours and would leave light
// controls on a dark window, so Fusion replaces it while noisefloor's own palette is applied, and
// the original style comes back with the platform's palette. Fusion itself (Qt's default here)
// gets lighter outlines for check boxes and radio buttons on dark, which Qt 6.4's do not have.

#include "zonestyle.h"

#include <QObject>
#include <QPalette>
#include <QString>
#include <QStringList>
#include <optional>

QT_BEGIN_NAMESPACE
class QDBusVariant;
class QMenu;
class QVariant;
QT_END_NAMESPACE

namespace nf::ui {

enum class ColorScheme { System, Light, Dark };
// What the desktop says it prefers.
enum class DesktopScheme { NoPreference, Dark, Light };

// "system", "light", "dark" (any case); nullopt for anything else.
std::optional<ColorScheme> parseColorScheme(const QString& text);
QString colorSchemeKey(ColorScheme scheme);
QStringList colorSchemeKeys(); // system, light, dark

// The portal's color-scheme value (1 prefer dark, 2 prefer light, 0 or anything else none) when
// it answered, then GTK_THEME ("Adwaita:dark" means dark) when it did not say.
DesktopScheme desktopSchemeFrom(std::optional<uint> portalValue, const QString& gtkTheme);
// The portal's value out of a Read reply or a SettingChanged argument: a uint, possibly inside one
// or two variants (Read wraps the value in a second one). nullopt when it is not a number.
std::optional<uint> portalColorScheme(const QVariant& value);

// isDarkPalette (a window darker than its text) is zonestyle.h's, which the zones' colours use too.
// The one decision, pure: true for dark.
bool wantsDark(ColorScheme requested, DesktopScheme desktop, bool platformPaletteDark);
// Whether this style (QStyle::name(), any case) paints its controls from the application palette.
bool styleFollowsPalette(const QString& styleName);
// noisefloor's dark palette: every role of every group, Disabled dimmed.
QPalette darkPalette();

// The application's one appearance, made on first use (after the QApplication); it remembers the
// platform's palette and style then.
class Appearance : public QObject
{
    Q_OBJECT
    // The portal slot's argument type, for moc's file only: the header needs no QtDBus.
    Q_MOC_INCLUDE(<QDBusVariant>)
public:
    static Appearance& instance();

    // Applies `scheme` for this launch, or the saved choice when nullopt (not saved). Following the
    // desktop, it first asks the portal and listens to it: a short blocking Read, so that a missing
    // or hung portal or session bus costs at most kPortalTimeoutMs; a late answer still applies.
    void start(std::optional<ColorScheme> scheme);
    ColorScheme scheme() const { return m_scheme; }
    // The user's choice from the View menu: saved for the next launches, applied now.
    void choose(ColorScheme scheme);
    // What the desktop prefers changed (the portal's SettingChanged; tests call it directly).
    void setDesktopScheme(DesktopScheme desktop);
    bool isDark() const { return m_dark; }
    // The palette and the style name the platform gave before anything was applied.
    const QPalette& platformPalette() const { return m_platformPalette; }
    QString platformStyle() const { return m_platformStyle; }

    static constexpr int kPortalTimeoutMs = 250;

Q_SIGNALS:
    // After a palette was applied (the widgets have had their PaletteChange).
    void applied(bool dark);
    void schemeChanged(ColorScheme scheme);

private Q_SLOTS:
    void onPortalSettingChanged(const QString& nameSpace, const QString& key, const QDBusVariant& value);

private:
    Appearance();
    void watchPortal();
    void apply();

    enum class DrawnBy { Platform, Fusion, DarkFusion };

    QPalette m_platformPalette;
    QString m_platformStyle;
    bool m_paletteWasSet = false; // an application palette was set before (not the platform's)
    DrawnBy m_drawnBy = DrawnBy::Platform;
    ColorScheme m_scheme = ColorScheme::System;
    DesktopScheme m_desktop = DesktopScheme::NoPreference;
    bool m_dark = false;
    bool m_watching = false;
};

// View ▸ Appearance: "Follow the desktop", "Light", "Dark" as radio items bound to Appearance.
QMenu* addAppearanceMenu(QMenu* parent);

// `--color-scheme`: empty for the saved choice. Returns false with `error` naming the option and
// the accepted values when `value` is none of them.
bool startAppearance(const QString& value, QString* error);

} // namespace nf::ui
