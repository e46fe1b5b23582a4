#pragma once

// The edits the user makes to the open database from the window: tags and notes typed in the
// browser, pins, hiding and deleting runs, the difference that matters set on the Compare tab.
// An edit that fails is named in an error box (a store error must not escape a slot: Qt would
// terminate); changed() asks the window to read the store again.

#include <QList>
#include <QObject>

#include <functional>

QT_BEGIN_NAMESPACE
class QWidget;
QT_END_NAMESPACE

namespace nf::store {
class Store;
}

namespace nf::ui {

class StoreEdits : public QObject
{
    Q_OBJECT
public:
    // Error boxes and the delete confirmation open over `window`.
    explicit StoreEdits(QWidget* window);

    void setStore(store::Store* store) { m_store = store; }

    void setRunTags(qint64 runId, const QString& tags);
    void setRunNotes(qint64 runId, const QString& notes);
    void pinRun(qint64 runId);
    void pinGroup(qint64 groupId);
    void unpin(qint64 taskId);
    void setRunsHidden(const QList<qint64>& runIds, bool hidden);
    // Asks first when `confirm`; true when the runs were deleted.
    bool deleteRuns(const QList<qint64>& runIds, bool confirm = true);
    // Kept for the task; on failure the Compare tab still uses the value for this session.
    void setDifferenceThatMatters(qint64 taskId, double points);

Q_SIGNALS:
    // The store changed (or may show something other than the browser): read it again. `soon`:
    // after the current event, as an editor in the browser is still closing.
    void changed(bool soon);

private:
    bool edit(const QString& what, const std::function<void()>& change);

    QWidget* m_window;
    store::Store* m_store = nullptr;
};

} // namespace nf::ui
