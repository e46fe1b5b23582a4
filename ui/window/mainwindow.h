#pragma once

#include "window/selectionstate.h"
#include "window/tabs.h"

#include <QMainWindow>

#include <memory>

QT_BEGIN_NAMESPACE
class QSplitter;
class QStackedWidget;
class QTimer;
QT_END_NAMESPACE

namespace nf::store {
class Store;
}

namespace nf::ui {

class ClusterWatch;
class ComparePage;
class DistributionPage;
class EvaluationControl;
class EvaluationQueue;
class HistoryPage;
class ImportFlow;
class RunBrowserPanel;
class StoreEdits;
class TabPages;
class WelcomePage;

// Coordinates: the run browser on the left (RunBrowserPanel), one page per tab on the right
// (TabPages), the evaluations (EvaluationControl) and cluster submissions (ClusterWatch), imports and
// merges (ImportFlow), edits of the
// store (StoreEdits) and the store of the GUI thread. It routes the pages' intent signals and holds
// what is selected (SelectionState); it does not compute: the statistics live in core/, the drawing
// in the pages and charts.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    using Tab = nf::ui::Tab;

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens (creating) the database, replacing the one open; shows the welcome page when it holds
    // no runs. Returns false with `error` set when it cannot be opened (nothing changes then).
    // `remember`: make it the database the next launch opens (not for --screenshot).
    bool openDatabase(const QString& path, QString* error = nullptr, bool remember = true);
    QString databasePath() const;
    store::Store* store() const { return m_store.get(); }
    EvaluationQueue* evaluations() const;
    // The cluster submissions shown in the browser (tests poll it now rather than wait).
    ClusterWatch* clusterWatch() const { return m_cluster; }

    void selectGroups(const QList<qint64>& groupIds);
    void selectRun(qint64 runId);
    QList<qint64> selectedGroups() const { return m_selection.groups(); }
    void showTab(Tab tab);
    ComparePage* comparePage() const;
    DistributionPage* distributionPage() const;
    HistoryPage* historyPage() const;
    // True while a comparison or a table is still being computed in the background, or Slurm asked.
    bool backgroundWorkPending() const;
    // Rereads the browser and the selected groups from the store.
    void refresh();
    // Hides, shows or deletes runs; deleting asks first when `confirm`.
    void setRunsHidden(const QList<qint64>& runIds, bool hidden);
    bool deleteRuns(const QList<qint64>& runIds, bool confirm = true);
    void runDemo();
    void newEvaluation();
    // Queues the continuation of an interrupted, cancelled or failed run ("Resume run" in the
    // browser's menu); a run that cannot be resumed (model file changed, ...) is named in an error box.
    void resumeRun(qint64 runId);
    // File -> Import and files dropped on the window: the Import dialog for these files, folders or
    // globs; noisefloor databases among them go to the Merge dialog instead, one after another.
    void importPaths(const QStringList& paths);
    // File -> Merge database: the Merge dialog for this database file.
    void mergeDatabaseFile(const QString& path);

Q_SIGNALS:
    // After each refresh of the browser and the pages (tests and the screenshot mode wait on it).
    void refreshed();

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildLayout();
    void buildActions();
    void connectClusterWatch();
    void restoreWindowState();
    // Asks whether to stop the evaluation running, if one is.
    bool confirmStopEvaluation(const QString& question);
    void onBrowserSelection(const QList<qint64>& groups, const QList<qint64>& runs);
    void pollDataVersion();
    void onRunClicked(qint64 runId);
    // After an evaluation, an import or a merge: the browser reread, the groups that received runs
    // selected (when nothing is selected, or `evenOverASelection`).
    void showLanded(const QList<qint64>& groups, bool evenOverASelection);
    void editSettings();
    void openDatabaseDialog();
    void announce(const QString& message);

    std::unique_ptr<store::Store> m_store;
    SelectionState m_selection;
    qint64 m_dataVersion = -1;
    QStackedWidget* m_stack = nullptr;
    WelcomePage* m_welcome = nullptr;
    QSplitter* m_splitter = nullptr;
    RunBrowserPanel* m_browser = nullptr;
    TabPages* m_pages = nullptr;
    EvaluationControl* m_evaluations = nullptr;
    ClusterWatch* m_cluster = nullptr;
    ImportFlow* m_imports = nullptr;
    StoreEdits* m_edits = nullptr;
    QTimer* m_poll = nullptr;
    QTimer* m_refreshSoon = nullptr;
};

} // namespace nf::ui
