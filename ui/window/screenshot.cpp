#include "window/screenshot.h"

#include "store/store.h"
#include "window/mainwindow.h"
#include "window/tabs.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QImage>
#include <QTimer>

#include <functional>

namespace nf::ui {
namespace {

// Runs the event loop until `done` (checked every 20 ms) or the timeout, whichever comes first.
void waitUntil(const std::function<bool()>& done, int timeoutMs)
{
    QEventLoop loop;
    QTimer poll;
    QElapsedTimer clock;
    clock.start();
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done() || clock.elapsed() > timeoutMs)
            loop.quit();
    });
    poll.start(20);
    loop.exec();
}

} // namespace

bool applyViewOptions(MainWindow& window, const QString& tab, const QString& groups, QString* error)
{
    if (!groups.isEmpty()) {
        QList<qint64> ids;
        for (const auto& part : groups.split(u',', Qt::SkipEmptyParts)) {
            bool ok = false;
            const qint64 id = part.trimmed().toLongLong(&ok);
            if (!ok || !window.store()->group(id)) {
                *error = QStringLiteral("--select: group '%1' is not in %2").arg(part.trimmed(), window.databasePath());
                return false;
            }
            ids << id;
        }
        window.selectGroups(ids);
    }
    if (!tab.isEmpty()) {
        const auto chosen = tabForKey(tab);
        if (!chosen) {
            *error = QStringLiteral("--tab: '%1' is not one of %2").arg(tab, tabKeys().join(u'|'));
            return false;
        }
        window.showTab(*chosen);
    }
    return true;
}

bool takeScreenshot(const ScreenshotRequest& request, QString* error)
{
    if (!QFileInfo::exists(request.databasePath)) {
        *error = request.databasePath + QStringLiteral(": no such database");
        return false;
    }
    QSize size(1400, 860);
    if (!request.size.isEmpty()) {
        const auto parts = request.size.split(u'x');
        bool okW = false, okH = false;
        if (parts.size() == 2)
            size = QSize(parts[0].toInt(&okW), parts[1].toInt(&okH));
        if (!okW || !okH || size.width() < 200 || size.height() < 200) {
            *error = QStringLiteral("--size: '%1' is not WIDTHxHEIGHT (at least 200x200)").arg(request.size);
            return false;
        }
    }
    MainWindow window;
    if (!window.openDatabase(request.databasePath, error, /*remember=*/false))
        return false;
    window.setWindowState(Qt::WindowNoState); // a maximised geometry restored from settings ignores --size
    window.resize(size);
    if (!applyViewOptions(window, request.tab, request.groups, error))
        return false;
    window.show();
    // Let layouts settle and background work (a comparison's bootstrap, the items table) finish.
    QElapsedTimer settle;
    settle.start();
    waitUntil([&] { return settle.elapsed() > 200 && !window.backgroundWorkPending(); }, 30000);
    if (window.backgroundWorkPending()) {
        *error = QStringLiteral("the window was still computing after 30 s; no screenshot written");
        return false;
    }
    waitUntil([&] { return settle.elapsed() > 400; }, 1000);
    const QImage image = window.grab().toImage();
    if (image.isNull() || !image.save(request.output, "PNG")) {
        *error = request.output + QStringLiteral(": cannot write the PNG");
        return false;
    }
    return true;
}

} // namespace nf::ui
