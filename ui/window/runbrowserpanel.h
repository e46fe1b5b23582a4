#pragma once

// The main window's left side: the filter, the run browser (models > tasks > groups > runs, and the
// cluster jobs whose runs are still coming), and
// the details of the run selected last. It reads nothing itself: the window hands it each read of
// the store (setBrowserData), and it reports the user's selection and the intents of its context
// menu as signals, which the window routes.

#include "models/browserdata.h"

#include <QList>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QLabel;
class QLineEdit;
class QMenu;
class QModelIndex;
class QPoint;
class QTreeView;
QT_END_NAMESPACE

namespace nf::store {
class Store;
}

namespace nf::ui {

class RunBrowserModel;
class RunFilterProxy;
class SelectionState;

class RunBrowserPanel : public QWidget
{
    Q_OBJECT
public:
    // `selection` is the window's: the context menu acts on the runs and groups it holds.
    RunBrowserPanel(const SelectionState& selection, QWidget* parent = nullptr);

    // Read for the context menu (whether a run can be resumed, a task has a pin); null: none.
    void setStore(const store::Store* store) { m_store = store; }
    // Replaces what the browser shows, keeping its expansion, selection and scroll position, and
    // returns the runs still selected (selectionChanged is not emitted for it).
    QList<qint64> setBrowserData(BrowserData data);
    const BrowserData& browserData() const;
    bool isEmpty() const;
    // Expands the models, tasks and groups and fits the first columns (a database just opened, or
    // runs that just landed).
    void expandGroups();
    void fitColumns();
    // True while a tag or note is being typed in the browser (a reset would close its editor).
    bool editing() const;

    void selectGroups(const QList<qint64>& groupIds);
    void selectRun(qint64 runId);
    void showRunDetails(qint64 runId);
    void focusFilter();

Q_SIGNALS:
    // The user's selection: the groups of the selected rows (a model or a task stands for every
    // group under it), in the view's order, and the runs among them.
    void selectionChanged(const QList<qint64>& groups, const QList<qint64>& runs);
    void runTagsEdited(qint64 runId, const QString& tags);
    void runNotesEdited(qint64 runId, const QString& notes);
    // The context menu's intents.
    void pinRunRequested(qint64 runId);
    void resumeRunRequested(qint64 runId);
    void pinGroupRequested(qint64 groupId);
    void unpinRequested(qint64 taskId);
    void moreRepeatsRequested(qint64 groupId, int repeats);
    void compareRequested();
    void runsHiddenRequested(const QList<qint64>& runIds, bool hidden);
    void deleteRunsRequested(const QList<qint64>& runIds);
    // On a cluster job or one of its pending rows.
    void cancelJobRequested(qint64 jobId);
    void pollJobsRequested();
    void dismissJobRequested(qint64 jobId);

private:
    void onViewSelectionChanged();
    void showContextMenu(const QPoint& position);
    void addJobActions(QMenu& menu, const QModelIndex& index);

    const SelectionState& m_selection;
    const store::Store* m_store = nullptr;
    QLineEdit* m_filter;
    QCheckBox* m_showHidden;
    QTreeView* m_view;
    QLabel* m_details;
    RunBrowserModel* m_model;
    RunFilterProxy* m_proxy;
    bool m_restoring = false; // the view's selection is being restored after a reset
};

} // namespace nf::ui
