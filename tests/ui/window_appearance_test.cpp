// Light or dark: the decision (requested scheme, the desktop's answer, the platform's palette),
// the palettes applied and restored, and the zone colours' contrast on both.

#include "core/scratch_dir.h"
#include "form_fixture.h"
#include "window/appearance.h"
#include "zonestyle.h"

#include <gtest/gtest.h>

#include <QApplication>
#include <QDBusVariant>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>
#include <QWidget>
#include <array>
#include <cmath>
#include <memory>

namespace nf::ui {
namespace {

constexpr std::array kZones{stats::Zone::Normal, stats::Zone::Watch, stats::Zone::Elevated,
                            stats::Zone::Suspicious};

// WCAG 2 relative luminance and contrast ratio.
double luminance(const QColor& color)
{
    const auto channel = [](double c) {
        return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) +
           0.0722 * channel(color.blueF());
}

double contrast(const QColor& a, const QColor& b)
{
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

// CIE L*a*b* (D65) and the CIE76 difference: about 2.3 is just noticeable side by side.
std::array<double, 3> lab(const QColor& color)
{
    const auto lin = [](double c) { return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); };
    const double r = lin(color.redF()), g = lin(color.greenF()), b = lin(color.blueF());
    const double x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    const double y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    const double z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    const auto f = [](double t) { return t > 0.008856 ? std::cbrt(t) : 7.787 * t + 16.0 / 116.0; };
    return {116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
}

double deltaE(const QColor& a, const QColor& b)
{
    const auto p = lab(a), q = lab(b);
    return std::hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}

// A translucent band as it shows over the chart's Base.
QColor over(const QColor& band, const QColor& base)
{
    const double a = band.alphaF();
    return QColor::fromRgbF(float(a * band.redF() + (1 - a) * base.redF()),
                            float(a * band.greenF() + (1 - a) * base.greenF()),
                            float(a * band.blueF() + (1 - a) * base.blueF()));
}

struct NamedPalette
{
    const char* name;
    QPalette palette;
};

// Light whatever the platform gives: Fusion's own palette; dark: noisefloor's.
std::vector<NamedPalette> bothPalettes()
{
    const std::unique_ptr<QStyle> fusion(QStyleFactory::create(QStringLiteral("Fusion")));
    return {{"light", fusion->standardPalette()}, {"dark", darkPalette()}};
}

TEST(AppearanceDecision, EachRequestAgainstEachDesktopAnswerAndPlatformPalette)
{
    using C = ColorScheme;
    using D = DesktopScheme;
    struct Case
    {
        C requested;
        D desktop;
        bool platformDark;
        bool dark;
    };
    const Case cases[] = {
        // An explicit choice wins over the desktop and the platform.
        {C::Light, D::NoPreference, false, false},
        {C::Light, D::NoPreference, true, false},
        {C::Light, D::Dark, false, false},
        {C::Light, D::Dark, true, false},
        {C::Light, D::Light, false, false},
        {C::Light, D::Light, true, false},
        {C::Dark, D::NoPreference, false, true},
        {C::Dark, D::NoPreference, true, true},
        {C::Dark, D::Dark, false, true},
        {C::Dark, D::Dark, true, true},
        {C::Dark, D::Light, false, true},
        {C::Dark, D::Light, true, true},
        // Following the desktop: a dark platform palette is kept; else the desktop's word.
        {C::System, D::NoPreference, false, false},
        {C::System, D::NoPreference, true, true},
        {C::System, D::Dark, false, true},
        {C::System, D::Dark, true, true},
        {C::System, D::Light, false, false},
        {C::System, D::Light, true, true},
    };
    for (const Case& c : cases)
        EXPECT_EQ(wantsDark(c.requested, c.desktop, c.platformDark), c.dark)
            << "requested " << colorSchemeKey(c.requested).toStdString() << ", desktop " << int(c.desktop)
            << ", platform dark " << c.platformDark;
}

TEST(AppearanceDecision, ThePortalsAnswerThenGtkTheme)
{
    EXPECT_EQ(desktopSchemeFrom(1u, {}), DesktopScheme::Dark);
    EXPECT_EQ(desktopSchemeFrom(2u, {}), DesktopScheme::Light);
    EXPECT_EQ(desktopSchemeFrom(0u, {}), DesktopScheme::NoPreference);
    EXPECT_EQ(desktopSchemeFrom(std::nullopt, {}), DesktopScheme::NoPreference);
    // GTK_THEME speaks where the portal does not.
    EXPECT_EQ(desktopSchemeFrom(std::nullopt, QStringLiteral("Adwaita:dark")), DesktopScheme::Dark);
    EXPECT_EQ(desktopSchemeFrom(0u, QStringLiteral("Adwaita:dark")), DesktopScheme::Dark);
    EXPECT_EQ(desktopSchemeFrom(std::nullopt, QStringLiteral("Adwaita")), DesktopScheme::NoPreference);
    EXPECT_EQ(desktopSchemeFrom(std::nullopt, QStringLiteral("Adwaita-dark")), DesktopScheme::NoPreference);
    // The portal's own answer wins over it.
    EXPECT_EQ(desktopSchemeFrom(2u, QStringLiteral("Adwaita:dark")), DesktopScheme::Light);
}

TEST(AppearanceDecision, ThePortalsValueIsReadThroughItsVariants)
{
    const auto wrapped = [](const QVariant& value) { return QVariant::fromValue(QDBusVariant(value)); };
    EXPECT_EQ(portalColorScheme(QVariant(1u)), 1u);
    EXPECT_EQ(portalColorScheme(wrapped(QVariant(2u))), 2u);
    // Read answers a variant inside a variant.
    EXPECT_EQ(portalColorScheme(wrapped(wrapped(QVariant(1u)))), 1u);
    EXPECT_EQ(portalColorScheme(wrapped(QVariant(QStringLiteral("dark")))), std::nullopt);
    EXPECT_EQ(portalColorScheme(QVariant()), std::nullopt);
}

TEST(AppearanceDecision, ColorSchemeNamesAndTheOptionsError)
{
    EXPECT_EQ(parseColorScheme(QStringLiteral("dark")), ColorScheme::Dark);
    EXPECT_EQ(parseColorScheme(QStringLiteral("Light")), ColorScheme::Light);
    EXPECT_EQ(parseColorScheme(QStringLiteral("SYSTEM")), ColorScheme::System);
    EXPECT_EQ(parseColorScheme(QStringLiteral("auto")), std::nullopt);
    EXPECT_EQ(parseColorScheme(QString()), std::nullopt);
    QString error;
    EXPECT_FALSE(startAppearance(QStringLiteral("blue"), &error));
    EXPECT_EQ(error, QStringLiteral("--color-scheme: 'blue' is not one of system|light|dark"));
}

TEST(AppearancePalette, DarkSetsEveryRoleOfEveryGroupReadably)
{
    const QPalette p = darkPalette();
    for (const auto group : {QPalette::Active, QPalette::Inactive, QPalette::Disabled})
        for (int role = 0; role < QPalette::NColorRoles; ++role) {
            if (role != QPalette::NoRole) {
                EXPECT_TRUE(p.isBrushSet(group, QPalette::ColorRole(role)))
                    << "group " << group << " role " << role;
            }
        }
    EXPECT_TRUE(isDarkPalette(p));
    EXPECT_GE(contrast(p.color(QPalette::Text), p.color(QPalette::Base)), 7.0);
    EXPECT_GE(contrast(p.color(QPalette::WindowText), p.color(QPalette::Window)), 7.0);
    EXPECT_GE(contrast(p.color(QPalette::ButtonText), p.color(QPalette::Button)), 4.5);
    EXPECT_GE(contrast(p.color(QPalette::HighlightedText), p.color(QPalette::Highlight)), 4.5);
    EXPECT_GE(contrast(p.color(QPalette::ToolTipText), p.color(QPalette::ToolTipBase)), 4.5);
    EXPECT_GE(contrast(p.color(QPalette::Link), p.color(QPalette::Base)), 4.5);
    EXPECT_GE(contrast(p.color(QPalette::PlaceholderText), p.color(QPalette::Base)), 4.5);
    // Disabled text is dimmer than enabled, yet still there.
    EXPECT_LT(contrast(p.color(QPalette::Disabled, QPalette::Text), p.color(QPalette::Base)),
              contrast(p.color(QPalette::Active, QPalette::Text), p.color(QPalette::Base)));
    EXPECT_GE(contrast(p.color(QPalette::Disabled, QPalette::WindowText), p.color(QPalette::Window)), 3.0);
}

class AppearanceApply : public ::testing::Test
{
protected:
    void SetUp() override { test::useScratchSettings(m_settings.path()); }
    void TearDown() override { Appearance::instance().start(ColorScheme::Light); }

    test::ScratchDir m_settings;
};

TEST_F(AppearanceApply, DarkGivesADarkPaletteAndLightRestoresThePlatformsOwn)
{
    Appearance& appearance = Appearance::instance();
    const QPalette platform = appearance.platformPalette();
    if (isDarkPalette(platform))
        GTEST_SKIP() << "the platform's palette is dark here (a dark platform theme): nothing to restore";
    const QString platformStyle = appearance.platformStyle();

    appearance.start(ColorScheme::Dark);
    EXPECT_TRUE(appearance.isDark());
    const QPalette dark = QApplication::palette();
    EXPECT_LT(dark.color(QPalette::Window).lightness(), 80);
    EXPECT_LT(dark.color(QPalette::Base).lightness(), 80);
    EXPECT_GT(dark.color(QPalette::Text).lightness(), 200);
    EXPECT_GT(dark.color(QPalette::WindowText).lightness(), 200);
    EXPECT_EQ(dark.color(QPalette::Disabled, QPalette::Text),
              darkPalette().color(QPalette::Disabled, QPalette::Text));
    QWidget widget;
    EXPECT_EQ(widget.palette().color(QPalette::Base), dark.color(QPalette::Base));

    appearance.start(ColorScheme::Light);
    EXPECT_FALSE(appearance.isDark());
    const QPalette light = QApplication::palette();
    for (const auto group : {QPalette::Active, QPalette::Inactive, QPalette::Disabled})
        for (int role = 0; role < QPalette::NColorRoles; ++role)
            EXPECT_EQ(light.color(group, QPalette::ColorRole(role)),
                      platform.color(group, QPalette::ColorRole(role)))
                << "group " << group << " role " << role;
    EXPECT_EQ(QApplication::style()->name().toLower(), platformStyle.toLower());
}

TEST_F(AppearanceApply, TheCommandLinesChoiceIsNotSavedTheMenusIs)
{
    Appearance& appearance = Appearance::instance();
    appearance.start(ColorScheme::Dark); // --color-scheme dark
    EXPECT_FALSE(QSettings().contains(QStringLiteral("appearance/colorScheme")));
    appearance.choose(ColorScheme::Light); // View > Appearance > Light
    EXPECT_EQ(QSettings().value(QStringLiteral("appearance/colorScheme")).toString(),
              QStringLiteral("light"));
    appearance.choose(ColorScheme::Dark);
    appearance.start(std::nullopt); // the next launch, without the option
    EXPECT_EQ(appearance.scheme(), ColorScheme::Dark);
    EXPECT_TRUE(appearance.isDark());
    appearance.start(ColorScheme::Light); // the option overrides the saved choice
    EXPECT_FALSE(appearance.isDark());
    EXPECT_EQ(QSettings().value(QStringLiteral("appearance/colorScheme")).toString(), QStringLiteral("dark"));
}

TEST_F(AppearanceApply, FollowingTheDesktopSwitchesWhenItsAnswerChanges)
{
    Appearance& appearance = Appearance::instance();
    if (isDarkPalette(appearance.platformPalette()))
        GTEST_SKIP() << "the platform's palette is dark here: following the desktop keeps it";
    appearance.choose(ColorScheme::System);
    appearance.setDesktopScheme(DesktopScheme::Dark);
    EXPECT_TRUE(appearance.isDark());
    EXPECT_TRUE(isDarkPalette(QApplication::palette()));
    appearance.setDesktopScheme(DesktopScheme::Light);
    EXPECT_FALSE(appearance.isDark());
    EXPECT_FALSE(isDarkPalette(QApplication::palette()));
    // An explicit choice no longer listens.
    appearance.choose(ColorScheme::Light);
    appearance.setDesktopScheme(DesktopScheme::Dark);
    EXPECT_FALSE(appearance.isDark());
}

// A platform theme that already gives a dark palette (qt6ct, -platformtheme): stood in for by an
// application palette set before the appearance first looks, so this case runs alone in its
// process (ctest's Appearance.OnADarkPlatform).
TEST(AppearanceDarkPlatform, IsKeptAndLightIsAskedForExplicitly)
{
    if (qEnvironmentVariable("NF_TEST_DARK_PLATFORM") != QLatin1String("1"))
        GTEST_SKIP() << "needs a process of its own: ctest runs it as Appearance.OnADarkPlatform";
    test::ScratchDir settings;
    test::useScratchSettings(settings.path());
    const std::unique_ptr<QStyle> fusion(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette platform = fusion->standardPalette();
    platform.setColor(QPalette::Window, QColor(0x20, 0x20, 0x20));
    platform.setColor(QPalette::WindowText, QColor(0xdd, 0xdd, 0xdd));
    platform.setColor(QPalette::Base, QColor(0x10, 0x10, 0x10));
    platform.setColor(QPalette::Text, QColor(0xdd, 0xdd, 0xdd));
    QApplication::setPalette(platform);
    Appearance& appearance = Appearance::instance();
    ASSERT_TRUE(isDarkPalette(appearance.platformPalette()));

    // Following the desktop, or asked for dark, the platform's own dark palette stays.
    for (const ColorScheme scheme : {ColorScheme::System, ColorScheme::Dark}) {
        appearance.start(scheme);
        EXPECT_TRUE(appearance.isDark());
        EXPECT_EQ(QApplication::palette().color(QPalette::Window), QColor(0x20, 0x20, 0x20))
            << colorSchemeKey(scheme).toStdString();
    }
    // Light is Fusion's light palette, not the platform's dark one.
    appearance.start(ColorScheme::Light);
    EXPECT_FALSE(appearance.isDark());
    EXPECT_FALSE(isDarkPalette(QApplication::palette()));
    EXPECT_EQ(QApplication::palette().color(QPalette::Window),
              fusion->standardPalette().color(QPalette::Window));
    EXPECT_EQ(QApplication::style()->name().toLower(), QStringLiteral("fusion"));
    // And back: the platform's palette as it was.
    appearance.start(ColorScheme::System);
    EXPECT_EQ(QApplication::palette().color(QPalette::Window), QColor(0x20, 0x20, 0x20));
    EXPECT_EQ(QApplication::palette().color(QPalette::Base), QColor(0x10, 0x10, 0x10));
}

TEST(ZoneColours, MarksStandOutFromTheBaseOnLightAndDark)
{
    for (const auto& [name, palette] : bothPalettes()) {
        const QColor base = palette.color(QPalette::Base);
        for (const stats::Zone zone : kZones) {
            // Graphical objects need 3:1 against what they are drawn on (WCAG 2.1, 1.4.11).
            EXPECT_GE(contrast(zoneColor(zone, palette), base), 3.0)
                << name << " " << zoneName(zone).toStdString() << " "
                << zoneColor(zone, palette).name().toStdString();
            // Text in a zone's hue (errors, warnings) needs 4.5:1 against the window.
            EXPECT_GE(contrast(zoneTextColor(zone, palette), palette.color(QPalette::Window)), 4.5)
                << name << " " << zoneName(zone).toStdString();
        }
    }
}

TEST(ZoneColours, KeepTheirHueOrderGreenYellowOrangeRed)
{
    for (const auto& [name, palette] : bothPalettes()) {
        const auto hue = [&](stats::Zone zone) { return zoneColor(zone, palette).hslHueF() * 360.0; };
        EXPECT_GT(hue(stats::Zone::Normal), 90.0) << name;
        EXPECT_LT(hue(stats::Zone::Normal), 160.0) << name;
        EXPECT_GT(hue(stats::Zone::Watch), 40.0) << name;
        EXPECT_LT(hue(stats::Zone::Watch), 62.0) << name;
        EXPECT_GT(hue(stats::Zone::Elevated), 15.0) << name;
        EXPECT_LT(hue(stats::Zone::Elevated), 40.0) << name;
        EXPECT_LT(hue(stats::Zone::Suspicious), 12.0) << name;
        // The bands keep the hue of their marks.
        for (const stats::Zone zone : kZones)
            EXPECT_LT(std::abs(zoneBandColor(zone, palette).hslHueF() * 360.0 - hue(zone)), 12.0)
                << name << " " << zoneName(zone).toStdString();
    }
}

TEST(ZoneColours, BandsAreSeenOnTheBaseAndTellEachOtherApart)
{
    for (const auto& [name, palette] : bothPalettes()) {
        const QColor base = palette.color(QPalette::Base);
        std::vector<QColor> shown;
        for (const stats::Zone zone : kZones) {
            shown.push_back(over(zoneBandColor(zone, palette), base));
            EXPECT_GE(deltaE(shown.back(), base), 8.0) << name << " " << zoneName(zone).toStdString();
        }
        for (size_t i = 0; i < shown.size(); ++i)
            for (size_t j = i + 1; j < shown.size(); ++j)
                EXPECT_GE(deltaE(shown[i], shown[j]), 5.0) << name << " " << zoneName(kZones[i]).toStdString()
                                                           << " vs " << zoneName(kZones[j]).toStdString();
    }
}

} // namespace
} // namespace nf::ui
