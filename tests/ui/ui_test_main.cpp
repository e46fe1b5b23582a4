// One QApplication for every UI test, offscreen unless the caller chose a platform (run under
// xvfb-run with QT_QPA_PLATFORM=xcb to watch the windows).

#include <QApplication>
#include <QStandardPaths>

#include <gtest/gtest.h>

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication::setAttribute(Qt::AA_Use96Dpi);
    QApplication app(argc, argv);
    // Window state and the dialog's last form go to a throwaway settings file, not the user's.
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName(QStringLiteral("noisefloor-tests"));
    QApplication::setApplicationName(QStringLiteral("noisefloor-tests"));
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
