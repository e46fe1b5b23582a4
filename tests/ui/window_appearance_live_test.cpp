// Switching light and dark while the window is open (View > Appearance), the screenshot in dark,
// and the desktop portal answering over a private session bus.

#include "charts/distributionchart.h"
#include "core/scratch_dir.h"
#include "form_fixture.h"
#include "pages/comparepage.h"
#include "pages/distributionpage.h"
#include "window/appearance.h"
#include "window/mainwindow.h"
#include "window/screenshot.h"
#include "window_fixture.h"
#include "zonestyle.h"

#include <gtest/gtest.h>

#include <QAction>
#include <QApplication>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusVariant>
#include <QGraphicsView>
#include <QImage>
#include <QLabel>
#include <QSettings>
#include <QTest>
#include <QThread>

namespace nf::ui {
namespace {

using test::WindowFixture;

class AppearanceLive : public ::testing::Test
{
protected:
    void SetUp() override
    {
        test::useScratchSettings(m_settings.path());
        if (isDarkPalette(Appearance::instance().platformPalette()))
            GTEST_SKIP() << "the platform's palette is dark here: light and dark would not differ";
    }
    void TearDown() override { Appearance::instance().start(ColorScheme::Light); }

    test::ScratchDir m_settings;
};

QColor runColour(const MainWindow& window, int64_t runId)
{
    for (const auto& run : window.distributionPage()->chart()->plottedRuns())
        if (run.runId == runId)
            return run.color;
    return {};
}

TEST_F(AppearanceLive, TheViewMenuSwitchesTheOpenWindowAndItsChartsLive)
{
    WindowFixture fixture;
    MainWindow window;
    ASSERT_TRUE(fixture.showBothOnDistribution(window));

    const QPalette light = QApplication::palette();
    const QPalette dark = darkPalette();
    auto* chartView =
        window.distributionPage()->chart()->findChild<QGraphicsView*>(QStringLiteral("chartView"));
    auto* summary = window.distributionPage()->findChild<QLabel*>(QStringLiteral("distributionSummary"));
    auto* warning = window.comparePage()->findChild<QLabel*>(QStringLiteral("environmentWarning"));
    auto* prompt = window.comparePage()->findChild<QLabel*>(QStringLiteral("comparePrompt"));
    ASSERT_NE(chartView, nullptr);
    ASSERT_NE(summary, nullptr);
    ASSERT_NE(warning, nullptr);
    ASSERT_NE(prompt, nullptr);
    const QString lightPrompt = prompt->text();
    const int64_t suspicious = fixture.runsA[4]; // +5.5 points: suspicious (window_test.cpp)
    ASSERT_EQ(runColour(window, suspicious), zoneColor(stats::Zone::Suspicious, light));
    ASSERT_NE(zoneColor(stats::Zone::Suspicious, light), zoneColor(stats::Zone::Suspicious, dark));

    auto* toDark = window.findChild<QAction*>(QStringLiteral("appearance_dark"));
    auto* toLight = window.findChild<QAction*>(QStringLiteral("appearance_light"));
    ASSERT_NE(toDark, nullptr);
    ASSERT_NE(toLight, nullptr);
    toDark->trigger();
    EXPECT_TRUE(toDark->isChecked());
    EXPECT_FALSE(toLight->isChecked());
    EXPECT_EQ(QSettings().value(QStringLiteral("appearance/colorScheme")).toString(), QStringLiteral("dark"));
    // The chart rebuilt its background, its points and its legend for the dark Base; the summary's
    // rich text and the Compare page's warning were recoloured too.
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return chartView->backgroundBrush().color() == dark.color(QPalette::Base); }));
    EXPECT_EQ(runColour(window, suspicious), zoneColor(stats::Zone::Suspicious, dark));
    EXPECT_TRUE(summary->text().contains(zoneColor(stats::Zone::Normal, dark).name()))
        << summary->text().toStdString();
    EXPECT_FALSE(summary->text().contains(zoneColor(stats::Zone::Normal, light).name()));
    EXPECT_EQ(warning->palette().color(QPalette::WindowText), zoneTextColor(stats::Zone::Elevated, dark));
    EXPECT_NE(prompt->text(), lightPrompt) << "the Compare prompt's muted hint kept its light colour";
    const QImage drawn = window.distributionPage()->chart()->renderImage(QSize(400, 300));
    EXPECT_LT(QColor(drawn.pixel(2, 2)).lightness(), 80) << "the chart's corner is drawn light on dark";

    toLight->trigger();
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return chartView->backgroundBrush().color() == light.color(QPalette::Base); }));
    EXPECT_EQ(runColour(window, suspicious), zoneColor(stats::Zone::Suspicious, light));
    EXPECT_TRUE(summary->text().contains(zoneColor(stats::Zone::Normal, light).name()));
    EXPECT_EQ(warning->palette().color(QPalette::WindowText), zoneTextColor(stats::Zone::Elevated, light));
}

TEST_F(AppearanceLive, TheScreenshotIsTakenInTheSchemeApplied)
{
    WindowFixture fixture;
    test::ScratchDir out;
    ScreenshotRequest request;
    request.databasePath = QString::fromStdString(fixture.path().string());
    request.tab = QStringLiteral("distribution");
    request.groups = QString::number(fixture.groupA);
    request.size = QStringLiteral("900x600");
    const auto windowColour = [&](const char* name) {
        request.output = QString::fromStdString((out / name).string());
        QString error;
        EXPECT_TRUE(takeScreenshot(request, &error)) << error.toStdString();
        const QImage image(request.output);
        // The status bar's left end: the window's own background.
        return image.isNull() ? QColor() : QColor(image.pixel(2, image.height() - 3));
    };
    EXPECT_TRUE(startAppearance(QStringLiteral("dark"), nullptr));
    EXPECT_LT(windowColour("dark.png").lightness(), 80);
    EXPECT_TRUE(startAppearance(QStringLiteral("light"), nullptr));
    EXPECT_GT(windowColour("light.png").lightness(), 160);
}

// The portal's Settings interface as xdg-desktop-portal has it, in a thread of its own: the app
// asks it with a blocking call from the GUI thread.
class FakePortal : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.portal.Settings")
public:
    uint value = 1;
    unsigned long delayMs = 0; // a portal still starting up

public Q_SLOTS:
    QDBusVariant Read(const QString& nameSpace, const QString& key)
    {
        QThread::msleep(delayMs);
        if (nameSpace == QLatin1String("org.freedesktop.appearance") && key == QLatin1String("color-scheme"))
            return QDBusVariant(QVariant::fromValue(QDBusVariant(value))); // v(v(u)), as Read answers
        return QDBusVariant(QVariant());
    }

Q_SIGNALS:
    void SettingChanged(const QString& nameSpace, const QString& key, const QDBusVariant& value);
};

// Each case runs alone, under dbus-run-session (tests/ui/CMakeLists.txt): never on the user's own
// bus, where the name belongs to the real portal, and in a process of its own, as the app asks
// the portal once.
class AppearancePortal : public ::testing::Test
{
protected:
    void SetUp() override
    {
        if (qEnvironmentVariable("NF_TEST_PRIVATE_BUS") != QLatin1String("1"))
            GTEST_SKIP() << "needs a private session bus: ctest runs it as Appearance.Portal.*";
        test::useScratchSettings(m_settings.path());
        if (isDarkPalette(Appearance::instance().platformPalette()))
            GTEST_SKIP() << "the platform's palette is dark here";
    }

    void TearDown() override
    {
        Appearance::instance().start(ColorScheme::Light);
        if (!m_portal)
            return;
        m_bus.unregisterService(QStringLiteral("org.freedesktop.portal.Desktop"));
        m_bus.unregisterObject(QStringLiteral("/org/freedesktop/portal/desktop"));
        QDBusConnection::disconnectFromBus(QStringLiteral("fakePortal"));
        m_thread.quit();
        m_thread.wait();
    }

    FakePortal* startPortal(uint value, unsigned long delayMs = 0)
    {
        m_bus = QDBusConnection::connectToBus(QDBusConnection::SessionBus, QStringLiteral("fakePortal"));
        EXPECT_TRUE(m_bus.isConnected());
        m_portal = new FakePortal;
        m_portal->value = value;
        m_portal->delayMs = delayMs;
        // Registered (which gives it children) before it moves to its thread, its children with it.
        EXPECT_TRUE(
            m_bus.registerObject(QStringLiteral("/org/freedesktop/portal/desktop"), m_portal,
                                 QDBusConnection::ExportAllSlots | QDBusConnection::ExportAllSignals));
        m_portal->moveToThread(&m_thread);
        QObject::connect(&m_thread, &QThread::finished, m_portal, &QObject::deleteLater);
        m_thread.start();
        EXPECT_TRUE(m_bus.registerService(QStringLiteral("org.freedesktop.portal.Desktop")));
        return m_portal;
    }

    test::ScratchDir m_settings;
    QDBusConnection m_bus{QString()};
    QThread m_thread;
    FakePortal* m_portal = nullptr;
};

TEST_F(AppearancePortal, FollowsThePortalsAnswerAndItsChanges)
{
    FakePortal* portal = startPortal(1); // prefer dark
    Appearance& appearance = Appearance::instance();
    appearance.start(ColorScheme::System);
    EXPECT_TRUE(appearance.isDark());
    EXPECT_TRUE(isDarkPalette(QApplication::palette()));

    QMetaObject::invokeMethod(portal, [portal] {
        Q_EMIT portal->SettingChanged(QStringLiteral("org.freedesktop.appearance"),
                                      QStringLiteral("color-scheme"),
                                      QDBusVariant(2u)); // prefer light
    });
    EXPECT_TRUE(QTest::qWaitFor([&] { return !appearance.isDark(); }));
    EXPECT_FALSE(isDarkPalette(QApplication::palette()));
}

TEST_F(AppearancePortal, AnAnswerPastTheTimeoutStillApplies)
{
    // Far past the app's wait: it starts light rather than wait, and turns dark on the answer.
    startPortal(1, 8 * Appearance::kPortalTimeoutMs);
    Appearance& appearance = Appearance::instance();
    appearance.start(ColorScheme::System);
    EXPECT_FALSE(appearance.isDark());
    EXPECT_TRUE(QTest::qWaitFor([&] { return appearance.isDark(); }, 20000));
    EXPECT_TRUE(isDarkPalette(QApplication::palette()));
}

TEST_F(AppearancePortal, WithoutAPortalGtkThemeDecides)
{
    // Read before the appearance is first made (this case runs alone in its process).
    qputenv("GTK_THEME", "Adwaita:dark");
    Appearance& appearance = Appearance::instance();
    appearance.start(ColorScheme::System);
    EXPECT_TRUE(appearance.isDark());
    qunsetenv("GTK_THEME");
}

} // namespace
} // namespace nf::ui

#include "window_appearance_live_test.moc"
