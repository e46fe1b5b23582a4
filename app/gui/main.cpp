// noisefloor: the desktop program. Everything but argument handling lives in nf_ui.

#include "common/paths.h"
#include "env/environment.h"
#include "nf/version.h"
#include "window/appearance.h"
#include "window/mainwindow.h"
#include "window/screenshot.h"
#include "window/tabs.h"
#include "workspace/import.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QIcon>
#include <QMessageBox>
#include <QSettings>

#include <cstdio>

namespace {

struct Options
{
    QCommandLineOption db{QStringLiteral("db"),
                          QStringLiteral("Database file (default: the last one opened, else the CLI's default)"),
                          QStringLiteral("FILE")};
    QCommandLineOption screenshot{QStringLiteral("screenshot"), QStringLiteral("Render the window to this PNG and exit"),
                                  QStringLiteral("OUT.png")};
    QCommandLineOption tab{QStringLiteral("tab"), nf::ui::tabKeys().join(u'|'), QStringLiteral("TAB")};
    QCommandLineOption select{QStringLiteral("select"), QStringLiteral("Config groups to select, e.g. 1,4"),
                              QStringLiteral("GROUPS")};
    QCommandLineOption size{QStringLiteral("size"), QStringLiteral("Window size for --screenshot (1400x860)"),
                            QStringLiteral("WxH"), QStringLiteral("1400x860")};
    QCommandLineOption colorScheme{
        QStringLiteral("color-scheme"),
        QStringLiteral("system|light|dark for this launch (default: View > Appearance, else the desktop's)"),
        QStringLiteral("SCHEME")};

    void addTo(QCommandLineParser& parser) const
    {
        parser.setApplicationDescription(QStringLiteral("Is this difference real, or run-to-run noise?"));
        parser.addHelpOption();
        parser.addVersionOption();
        parser.addOptions({db, screenshot, tab, select, size, colorScheme});
        parser.addPositionalArgument(
            QStringLiteral("FILE"),
            QStringLiteral("A noisefloor database to open (instead of --db), or runs to import into the database: "
                           "LLaMA-Factory save_dirs, lm-evaluation-harness results, noisefloor JSONL, other "
                           "noisefloor databases to merge"),
            QStringLiteral("[FILE...]"));
    }
};

// --help and --version print and exit; they need no display, so they are answered before the
// QApplication that would need one exists.
bool asksForHelpOrVersion(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "-h" || arg == "--help" || arg == "-?" || arg == "--help-all" || arg == "-v" || arg == "--version")
            return true;
    }
    return false;
}

// `noisefloor FILE...` (the desktop entry's %F): the first noisefloor database names the database
// to open when --db does not; every other file is imported into it (a database is merged). A file
// that does not exist is refused by name, with exit code 2, before any window opens (in a dialog
// too unless `quiet`: started from a file manager, nobody reads stderr).
bool splitFileArguments(const QStringList& files, bool quiet, QString* database, QStringList* imports)
{
    auto refuse = [quiet](const QString& message) {
        std::fprintf(stderr, "noisefloor: %s\n", qPrintable(message));
        if (!quiet)
            QMessageBox::critical(nullptr, QStringLiteral("noisefloor"), message);
        return false;
    };
    for (const QString& file : files) {
        const QFileInfo info(file);
        if (!info.exists())
            return refuse(QStringLiteral("%1: no such file or folder").arg(file));
        const bool isDatabase = info.isFile() && nf::workspace::detectFormat(file.toStdString()) ==
                                                     nf::workspace::SourceFormat::NoisefloorDatabase;
        if (isDatabase && database->isEmpty())
            *database = info.absoluteFilePath();
        else
            *imports << info.absoluteFilePath();
    }
    if (quiet && !imports->isEmpty())
        return refuse(QStringLiteral("--screenshot renders one database; %1 is not one to open (import it first)")
                          .arg(imports->front()));
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    // Before anything can touch CUDA, as the CLI does: runs from both record the same value.
    nf::env::ensureCublasWorkspaceConfig();
    QCoreApplication::setOrganizationName(QStringLiteral("noisefloor"));
    QCoreApplication::setApplicationName(QStringLiteral("noisefloor"));
    QCoreApplication::setApplicationVersion(QLatin1String(nf::kVersion));
    const Options options;
    if (asksForHelpOrVersion(argc, argv)) {
        QCoreApplication core(argc, argv);
        QCommandLineParser parser;
        options.addTo(parser);
        parser.process(core); // prints and exits
    }
    QApplication app(argc, argv);
    // The desktop entry's name without .desktop: Wayland compositors and docks match the window to it.
    QApplication::setDesktopFileName(QStringLiteral(NF_APP_ID));
    // The installed theme's icon where there is one (hicolor, or a theme's own), else the bundled SVG.
    QApplication::setWindowIcon(
        QIcon::fromTheme(QStringLiteral(NF_APP_ID), QIcon(QStringLiteral(":/noisefloor/noisefloor.svg"))));

    QCommandLineParser parser;
    options.addTo(parser);
    // Bad input exits 2, as the CLI's does (QCommandLineParser::process would exit 1).
    if (!parser.parse(QCoreApplication::arguments())) {
        std::fprintf(stderr, "noisefloor: %s\n", qPrintable(parser.errorText()));
        return 2;
    }
    const auto& [db, screenshot, tab, select, size, colorScheme] = options;
    // Before any window exists, so that the first frame (or the screenshot) has its colours.
    if (QString problem; !nf::ui::startAppearance(parser.value(colorScheme), &problem)) {
        std::fprintf(stderr, "noisefloor: %s\n", qPrintable(problem));
        return 2;
    }

    QString path = parser.value(db);
    QStringList imports;
    if (!splitFileArguments(parser.positionalArguments(), parser.isSet(screenshot), &path, &imports))
        return 2;
    if (path.isEmpty())
        path = QSettings().value(QStringLiteral("database/last")).toString();
    if (path.isEmpty())
        path = QString::fromStdString(nf::defaultDatabasePath().string());

    if (parser.isSet(screenshot)) {
        nf::ui::ScreenshotRequest request;
        request.databasePath = path;
        request.output = parser.value(screenshot);
        request.tab = parser.value(tab);
        request.groups = parser.value(select);
        request.size = parser.value(size);
        QString error;
        if (!nf::ui::takeScreenshot(request, &error)) {
            std::fprintf(stderr, "noisefloor: %s\n", qPrintable(error));
            return 2;
        }
        return 0;
    }

    nf::ui::MainWindow window;
    QString error;
    if (!window.openDatabase(path, &error)) {
        std::fprintf(stderr, "noisefloor: %s\n", qPrintable(error));
        const QString fallback = QString::fromStdString(nf::defaultDatabasePath().string());
        // A database the user named is their call; the one remembered from last time may be gone
        // or broken, and a program started from a menu must then still open (and say why).
        if (parser.isSet(db) || path == fallback || !window.openDatabase(fallback)) {
            QMessageBox::critical(nullptr, QStringLiteral("noisefloor"), error);
            return 2;
        }
        QMessageBox::warning(&window, QStringLiteral("noisefloor"),
                             error + QStringLiteral("\n\nOpened the default database instead: ") + fallback);
    }
    if (parser.isSet(tab) || parser.isSet(select)) {
        QString problem;
        if (!nf::ui::applyViewOptions(window, parser.value(tab), parser.value(select), &problem)) {
            std::fprintf(stderr, "noisefloor: %s\n", qPrintable(problem));
            return 2;
        }
    }
    window.show();
    if (!imports.isEmpty())
        window.importPaths(imports); // the import dialog, as for files dropped on the window
    return app.exec();
}
