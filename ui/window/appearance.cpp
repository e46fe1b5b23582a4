#include "window/appearance.h"

#include <QActionGroup>
#include <QApplication>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDBusVariant>
#include <QLoggingCategory>
#include <QMenu>
#include <QPainter>
#include <QProxyStyle>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>
#include <QStyleOption>
#include <array>
#include <memory>

namespace nf::ui {

// QT_LOGGING_RULES="noisefloor.appearance=true" says what was decided and why.
Q_LOGGING_CATEGORY(lcAppearance, "noisefloor.appearance", QtWarningMsg)

namespace {

const QString kSettingKey = QStringLiteral("appearance/colorScheme");
const QString kPortalService = QStringLiteral("org.freedesktop.portal.Desktop");
const QString kPortalPath = QStringLiteral("/org/freedesktop/portal/desktop");
const QString kPortalInterface = QStringLiteral("org.freedesktop.portal.Settings");
const QString kAppearanceNamespace = QStringLiteral("org.freedesktop.appearance");
const QString kColorSchemeKey = QStringLiteral("color-scheme");

constexpr std::array<std::pair<ColorScheme, const char*>, 3> kSchemes{{
    {ColorScheme::System, "system"},
    {ColorScheme::Light, "light"},
    {ColorScheme::Dark, "dark"},
}};

QString gtkTheme()
{
    return qEnvironmentVariable("GTK_THEME");
}

// Qt 6.4's Fusion outlines check boxes and radio buttons in a shade darker than the window, which
// on a dark window leaves an unticked box all but invisible; this draws the outline half way to
// the text colour (Qt 6.5's Fusion has its own dark outlines).
class DarkFusionStyle : public QProxyStyle
{
public:
    DarkFusionStyle() : QProxyStyle(QStyleFactory::create(QStringLiteral("Fusion"))) {}

    void drawPrimitive(PrimitiveElement element, const QStyleOption* option, QPainter* painter,
                       const QWidget* widget) const override
    {
        QProxyStyle::drawPrimitive(element, option, painter, widget);
        if (element != PE_IndicatorCheckBox && element != PE_IndicatorRadioButton)
            return;
        const QColor window = option->palette.color(QPalette::Window);
        const QColor text = option->palette.color(QPalette::WindowText);
        QColor outline;
        outline.setRgbF((window.redF() + text.redF()) / 2, (window.greenF() + text.greenF()) / 2,
                        (window.blueF() + text.blueF()) / 2);
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(QPen(outline, 1));
        painter->setBrush(Qt::NoBrush);
        const QRectF box = QRectF(option->rect).adjusted(0.5, 0.5, -0.5, -0.5);
        if (element == PE_IndicatorRadioButton)
            painter->drawEllipse(box);
        else
            painter->drawRect(box);
        painter->restore();
    }
};

} // namespace

std::optional<ColorScheme> parseColorScheme(const QString& text)
{
    for (const auto& [scheme, key] : kSchemes)
        if (text.compare(QLatin1String(key), Qt::CaseInsensitive) == 0)
            return scheme;
    return std::nullopt;
}

QString colorSchemeKey(ColorScheme scheme)
{
    for (const auto& [each, key] : kSchemes)
        if (each == scheme)
            return QLatin1String(key);
    return {};
}

QStringList colorSchemeKeys()
{
    QStringList keys;
    for (const auto& entry : kSchemes)
        keys << QLatin1String(entry.second);
    return keys;
}

DesktopScheme desktopSchemeFrom(std::optional<uint> portalValue, const QString& gtkTheme)
{
    if (portalValue == 1u)
        return DesktopScheme::Dark;
    if (portalValue == 2u)
        return DesktopScheme::Light;
    // GTK_THEME names a theme and, after a colon, its variant: "Adwaita:dark".
    if (gtkTheme.endsWith(QLatin1String(":dark"), Qt::CaseInsensitive))
        return DesktopScheme::Dark;
    return DesktopScheme::NoPreference;
}

std::optional<uint> portalColorScheme(const QVariant& value)
{
    QVariant inner = value;
    // Read answers v(v(u)) on every portal version; SettingChanged hands v(u). Unwrap what is there.
    for (int depth = 0; depth < 3 && inner.metaType() == QMetaType::fromType<QDBusVariant>(); ++depth)
        inner = inner.value<QDBusVariant>().variant();
    switch (inner.metaType().id()) {
    case QMetaType::UInt:
    case QMetaType::Int:
    case QMetaType::UShort:
    case QMetaType::UChar:
        return inner.toUInt();
    default:
        return std::nullopt;
    }
}

bool wantsDark(ColorScheme requested, DesktopScheme desktop, bool platformPaletteDark)
{
    switch (requested) {
    case ColorScheme::Light:
        return false;
    case ColorScheme::Dark:
        return true;
    case ColorScheme::System:
        break;
    }
    // A platform theme that already gives a dark palette (qt6ct, a dark KDE theme, `-platformtheme`)
    // knows the desktop better than a second opinion.
    if (platformPaletteDark)
        return true;
    return desktop == DesktopScheme::Dark;
}

bool styleFollowsPalette(const QString& styleName)
{
    static const QStringList kFollowing{QStringLiteral("fusion"), QStringLiteral("windows"),
                                        QStringLiteral("breeze"), QStringLiteral("oxygen")};
    return kFollowing.contains(styleName, Qt::CaseInsensitive);
}

QPalette darkPalette()
{
    const QColor window(0x2b, 0x2d, 0x31);
    const QColor base(0x1e, 0x20, 0x23);
    const QColor text(0xe6, 0xe7, 0xe9);
    const QColor disabledText(0x7c, 0x80, 0x88);
    const QColor button(0x35, 0x38, 0x3d);
    const QColor highlight(0x2d, 0x6c, 0xb5);

    QPalette p;
    for (const auto group : {QPalette::Active, QPalette::Inactive, QPalette::Disabled}) {
        p.setColor(group, QPalette::Window, window);
        p.setColor(group, QPalette::WindowText, text);
        p.setColor(group, QPalette::Base, base);
        p.setColor(group, QPalette::AlternateBase, QColor(0x26, 0x28, 0x2c));
        p.setColor(group, QPalette::ToolTipBase, QColor(0x3a, 0x3d, 0x42));
        p.setColor(group, QPalette::ToolTipText, text);
        p.setColor(group, QPalette::PlaceholderText, QColor(0x8b, 0x90, 0x99));
        p.setColor(group, QPalette::Text, text);
        p.setColor(group, QPalette::Button, button);
        p.setColor(group, QPalette::ButtonText, text);
        p.setColor(group, QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
        // The bevel shades around the button colour, as Fusion derives them.
        p.setColor(group, QPalette::Light, QColor(0x4a, 0x4d, 0x53));
        p.setColor(group, QPalette::Midlight, QColor(0x3f, 0x42, 0x47));
        p.setColor(group, QPalette::Mid, QColor(0x24, 0x26, 0x29));
        p.setColor(group, QPalette::Dark, QColor(0x18, 0x19, 0x1b));
        p.setColor(group, QPalette::Shadow, QColor(0x0b, 0x0b, 0x0c));
        p.setColor(group, QPalette::Highlight, highlight);
        p.setColor(group, QPalette::HighlightedText, Qt::white);
        p.setColor(group, QPalette::Link, QColor(0x6c, 0xb6, 0xff));
        p.setColor(group, QPalette::LinkVisited, QColor(0xb3, 0x92, 0xf0));
    }
    p.setColor(QPalette::Disabled, QPalette::WindowText, disabledText);
    p.setColor(QPalette::Disabled, QPalette::Text, disabledText);
    p.setColor(QPalette::Disabled, QPalette::ButtonText, disabledText);
    p.setColor(QPalette::Disabled, QPalette::ToolTipText, disabledText);
    p.setColor(QPalette::Disabled, QPalette::PlaceholderText, QColor(0x5f, 0x63, 0x6a));
    p.setColor(QPalette::Disabled, QPalette::Base, window);
    p.setColor(QPalette::Disabled, QPalette::Button, QColor(0x30, 0x32, 0x36));
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x44, 0x47, 0x4d));
    p.setColor(QPalette::Disabled, QPalette::HighlightedText, QColor(0xa0, 0xa4, 0xaa));
    p.setColor(QPalette::Disabled, QPalette::Link, QColor(0x5a, 0x7a, 0x9a));
    p.setColor(QPalette::Disabled, QPalette::LinkVisited, QColor(0x7a, 0x6a, 0x9a));
    return p;
}

Appearance& Appearance::instance()
{
    // Parented to the application: it goes with it, and it is made after it.
    static Appearance* one = [] {
        auto* made = new Appearance;
        made->setParent(QCoreApplication::instance());
        return made;
    }();
    return *one;
}

Appearance::Appearance()
    : m_platformPalette(QApplication::palette()), m_platformStyle(QApplication::style()->name()),
      m_paletteWasSet(QCoreApplication::testAttribute(Qt::AA_SetPalette))
{
    m_desktop = desktopSchemeFrom(std::nullopt, gtkTheme());
    m_dark = isDarkPalette(m_platformPalette);
}

void Appearance::start(std::optional<ColorScheme> scheme)
{
    if (!scheme)
        scheme = parseColorScheme(QSettings().value(kSettingKey).toString());
    m_scheme = scheme.value_or(ColorScheme::System);
    // An explicit light or dark needs no desktop; choosing "Follow the desktop" later asks it then.
    if (m_scheme == ColorScheme::System)
        watchPortal();
    apply();
    Q_EMIT schemeChanged(m_scheme);
}

void Appearance::choose(ColorScheme scheme)
{
    QSettings().setValue(kSettingKey, colorSchemeKey(scheme));
    if (scheme == m_scheme)
        return;
    m_scheme = scheme;
    if (scheme == ColorScheme::System)
        watchPortal();
    apply();
    Q_EMIT schemeChanged(m_scheme);
}

void Appearance::setDesktopScheme(DesktopScheme desktop)
{
    if (desktop == m_desktop)
        return;
    m_desktop = desktop;
    if (m_scheme == ColorScheme::System)
        apply();
}

void Appearance::watchPortal()
{
    if (m_watching)
        return;
    m_watching = true;
    m_desktop = desktopSchemeFrom(std::nullopt, gtkTheme()); // until the portal says otherwise
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        qCInfo(lcAppearance) << "no session bus: the desktop's colour scheme is GTK_THEME's" << gtkTheme();
        return;
    }
    // QtDBus finds the slot's argument types by name, and a name is known only once its type is
    // registered: without this the connection fails (returns false) until something else did it.
    qRegisterMetaType<QDBusVariant>();
    if (!bus.connect(kPortalService, kPortalPath, kPortalInterface, QStringLiteral("SettingChanged"), this,
                     SLOT(onPortalSettingChanged(QString, QString, QDBusVariant))))
        qCWarning(lcAppearance) << "cannot follow the portal's colour scheme:" << bus.lastError().message();
    QDBusMessage read =
        QDBusMessage::createMethodCall(kPortalService, kPortalPath, kPortalInterface, QStringLiteral("Read"));
    read << kAppearanceNamespace << kColorSchemeKey;
    // Blocking, briefly, so that the first frame already has the right colours. A portal that is
    // still starting (the first call activates it) answers later, through the asynchronous call.
    const QDBusMessage reply = bus.call(read, QDBus::Block, kPortalTimeoutMs);
    if (reply.type() == QDBusMessage::ReplyMessage && !reply.arguments().isEmpty()) {
        const auto value = portalColorScheme(reply.arguments().constFirst());
        qCInfo(lcAppearance) << "portal color-scheme" << (value ? int(*value) : -1);
        m_desktop = desktopSchemeFrom(value, gtkTheme());
        return;
    }
    qCInfo(lcAppearance) << "portal did not answer:" << reply.errorName() << reply.errorMessage();
    if (reply.errorName() != QLatin1String("org.freedesktop.DBus.Error.NoReply"))
        return; // no portal, or one without the appearance namespace: GTK_THEME stays the answer
    auto* watcher = new QDBusPendingCallWatcher(bus.asyncCall(read), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher* call) {
        call->deleteLater();
        const QDBusMessage late = call->reply();
        if (late.type() == QDBusMessage::ReplyMessage && !late.arguments().isEmpty())
            setDesktopScheme(desktopSchemeFrom(portalColorScheme(late.arguments().constFirst()), gtkTheme()));
    });
}

void Appearance::onPortalSettingChanged(const QString& nameSpace, const QString& key,
                                        const QDBusVariant& value)
{
    if (nameSpace != kAppearanceNamespace || key != kColorSchemeKey)
        return;
    setDesktopScheme(desktopSchemeFrom(portalColorScheme(value.variant()), gtkTheme()));
}

void Appearance::apply()
{
    const bool platformDark = isDarkPalette(m_platformPalette);
    const bool dark = wantsDark(m_scheme, m_desktop, platformDark);
    qCInfo(lcAppearance) << "scheme" << colorSchemeKey(m_scheme) << "desktop" << int(m_desktop)
                         << "platform dark" << platformDark << "->" << (dark ? "dark" : "light");
    const bool platformFits = dark == platformDark;
    // The platform's style draws the platform's palette, and ours when it paints from the palette;
    // Fusion (with visible outlines on dark) draws ours otherwise.
    DrawnBy drawnBy = DrawnBy::Platform;
    const bool platformFusion = m_platformStyle.compare(QLatin1String("fusion"), Qt::CaseInsensitive) == 0;
    if (!platformFits && (platformFusion || !styleFollowsPalette(m_platformStyle)))
        drawnBy = dark ? DrawnBy::DarkFusion : platformFusion ? DrawnBy::Platform : DrawnBy::Fusion;
    if (drawnBy != m_drawnBy) {
        QStyle* style = drawnBy == DrawnBy::DarkFusion ? new DarkFusionStyle
                        : drawnBy == DrawnBy::Fusion   ? QStyleFactory::create(QStringLiteral("Fusion"))
                                                       : QStyleFactory::create(m_platformStyle);
        if (style) {
            qCInfo(lcAppearance) << "style" << QApplication::style()->name() << "->" << style->name()
                                 << (drawnBy == DrawnBy::DarkFusion ? "(Fusion, dark outlines)" : "");
            QApplication::setStyle(style);
            m_drawnBy = drawnBy;
        }
    }
    if (platformFits) {
        // An empty palette hands the application back to the platform's (Qt 6 resolves an
        // application palette without explicit roles against the theme and the style), which
        // then follows the theme's own changes; one set before us is set again as it was.
        QApplication::setPalette(m_paletteWasSet ? m_platformPalette : QPalette());
    } else if (dark) {
        QApplication::setPalette(darkPalette());
    } else {
        // Light asked for on a dark platform: Fusion's own light palette, whatever the style's is.
        const std::unique_ptr<QStyle> fusion(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(fusion->standardPalette());
    }
    m_dark = dark;
    Q_EMIT applied(dark);
}

QMenu* addAppearanceMenu(QMenu* parent)
{
    QMenu* menu = parent->addMenu(QStringLiteral("&Appearance"));
    menu->setObjectName(QStringLiteral("appearanceMenu"));
    auto* group = new QActionGroup(menu);
    group->setExclusive(true);
    Appearance& appearance = Appearance::instance();
    const std::array<std::pair<ColorScheme, QString>, 3> items{{
        {ColorScheme::System, QStringLiteral("Follow the &desktop")},
        {ColorScheme::Light, QStringLiteral("&Light")},
        {ColorScheme::Dark, QStringLiteral("Dar&k")},
    }};
    for (const auto& [scheme, title] : items) {
        QAction* action = menu->addAction(title);
        action->setObjectName(QStringLiteral("appearance_") + colorSchemeKey(scheme));
        action->setCheckable(true);
        action->setChecked(appearance.scheme() == scheme);
        group->addAction(action);
        QObject::connect(action, &QAction::triggered, &appearance,
                         [scheme = scheme] { Appearance::instance().choose(scheme); });
        QObject::connect(&appearance, &Appearance::schemeChanged, action,
                         [action, scheme = scheme](ColorScheme now) { action->setChecked(now == scheme); });
    }
    return menu;
}

bool startAppearance(const QString& value, QString* error)
{
    std::optional<ColorScheme> scheme;
    if (!value.isEmpty()) {
        scheme = parseColorScheme(value);
        if (!scheme) {
            *error = QStringLiteral("--color-scheme: '%1' is not one of %2")
                         .arg(value, colorSchemeKeys().join(u'|'));
            return false;
        }
    }
    Appearance::instance().start(scheme);
    return true;
}

} // namespace nf::ui
