#include "window/storeedits.h"

#include "workspace/settings.h"
#include "store/store.h"
#include "window/errorbox.h"

#include <QMessageBox>

namespace nf::ui {

StoreEdits::StoreEdits(QWidget* window) : QObject(window), m_window(window) {}

bool StoreEdits::edit(const QString& what, const std::function<void()>& change)
{
    if (!m_store)
        return false;
    try {
        change();
        return true;
    } catch (const std::exception& e) {
        showErrorBox(m_window, what, QString::fromUtf8(e.what()));
        return false;
    }
}

void StoreEdits::setRunTags(qint64 runId, const QString& tags)
{
    // On failure the browser shows what is stored.
    if (!edit(QStringLiteral("Tags"), [&] { m_store->setRunTags(runId, tags.toStdString()); }))
        Q_EMIT changed(/*soon=*/true);
}

void StoreEdits::setRunNotes(qint64 runId, const QString& notes)
{
    if (!edit(QStringLiteral("Notes"), [&] { m_store->setRunNotes(runId, notes.toStdString()); }))
        Q_EMIT changed(/*soon=*/true);
}

void StoreEdits::pinRun(qint64 runId)
{
    if (edit(QStringLiteral("Pin"), [&] { workspace::pinRun(*m_store, runId); }))
        Q_EMIT changed(false);
}

void StoreEdits::pinGroup(qint64 groupId)
{
    if (edit(QStringLiteral("Pin"), [&] { workspace::pinGroup(*m_store, groupId); }))
        Q_EMIT changed(false);
}

void StoreEdits::unpin(qint64 taskId)
{
    edit(QStringLiteral("Unpin"), [&] { workspace::unpinTask(*m_store, taskId); });
    Q_EMIT changed(false);
}

void StoreEdits::setRunsHidden(const QList<qint64>& runIds, bool hidden)
{
    if (!m_store || runIds.isEmpty())
        return;
    edit(QStringLiteral("Hide runs"), [&] {
        m_store->inTransaction([&] {
            for (const qint64 id : runIds)
                m_store->setRunHidden(id, hidden);
        });
    });
    Q_EMIT changed(false);
}

bool StoreEdits::deleteRuns(const QList<qint64>& runIds, bool confirm)
{
    if (!m_store || runIds.isEmpty())
        return false;
    if (confirm) {
        const auto answer = QMessageBox::question(
            m_window, QStringLiteral("Delete runs"),
            QStringLiteral("Delete %1 run(s) and every answer they stored? The group statistics are updated; "
                           "this cannot be undone.")
                .arg(runIds.size()),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Yes)
            return false;
    }
    return edit(QStringLiteral("Delete runs"), [&] {
        m_store->inTransaction([&] {
            for (const qint64 id : runIds)
                m_store->deleteRun(id);
        });
    });
}

void StoreEdits::setDifferenceThatMatters(qint64 taskId, double points)
{
    edit(QStringLiteral("Difference that matters"), [&] { workspace::setDifferenceThatMatters(*m_store, taskId, points); });
}

} // namespace nf::ui
