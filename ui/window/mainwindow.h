#pragma once

#include "groupanalysis.h"

#include <QMainWindow>
#include <QPointer>
#include <QStringList>

#include <memory>
#include <vector>

QT_BEGIN_NAMESPACE
class QAction;
class QCheckBox;
class QDialog;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QTimer;
class QTreeView;
QT_END_NAMESPACE

namespace nf::store {
class Store;
}

namespace nf::ui {

class ChartWidget;
class ComparePage;
class DistributionPage;
class EnvironmentPage;
class EvaluationQueue;
class HistoryPage;
class ItemsPage;
class RunBrowserModel;
class RunFilterProxy;
class WelcomePage;
struct EvaluationJob;
struct EvaluationProgress;
struct JobOutcome;

// Coordinates: the run browser on the left, one page per tab on the right, the evaluation queue,
// and the store of the GUI thread. It routes the pages' intent signals and does not compute: the
// statistics live in core/, the drawing in the pages and charts.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    enum class Tab { Distribution, History, Compare, Items, Environment };

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens (creating) the database, replacing the one open; shows the welcome page when it holds
    // no runs. Returns false with `error` set when it cannot be opened (nothing changes then).
    // `remember`: make it the database the next launch opens (not for --screenshot).
    bool openDatabase(const QString& path, QString* error = nullptr, bool remember = true);
    QString databasePath() const;
    store::Store* store() const { return m_store.get(); }
    EvaluationQueue* evaluations() const { return m_queue; }

    void selectGroups(const QList<qint64>& groupIds);
    void selectRun(qint64 runId);
    QList<qint64> selectedGroups() const { return m_groupIds; }
    void showTab(Tab tab);
    ComparePage* comparePage() const { return m_compare; }
    DistributionPage* distributionPage() const { return m_distribution; }
    HistoryPage* historyPage() const { return m_history; }
    // True while a comparison or a table is still being computed in the background.
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
    void buildActions();
    void buildLayout();
    void restoreWindowState();
    void onSelectionChanged();
    void updatePages();
    void updatePage(int index);
    void pollDataVersion();
    void onRunClicked(qint64 runId);
    void showRunDetails(qint64 runId);
    void onProgress(const EvaluationProgress& progress);
    void onJobFinished(const JobOutcome& outcome);
    void onJobFailed(const QString& title, const QString& message);
    void onQueueIdle();
    void enqueue(EvaluationJob job);
    void showError(const QString& title, const QString& message);
    void browserContextMenu(const QPoint& position);
    void pinRun(qint64 runId);
    void pinGroup(qint64 groupId);
    void unpin(qint64 taskId);
    void queueMoreRepeats(qint64 groupA, qint64 groupB, int moreA, int moreB);
    void storeDifferenceThatMatters(qint64 taskId, double points);
    // The Compare tab's pair: the two most recently selected groups on the same task (A the
    // earlier), else (0, the last selected) for its task's pinned baseline, else (0, 0).
    QPair<qint64, qint64> comparablePair() const;
    QList<qint64> selectedRunIds() const;
    ChartWidget* currentChart() const;

    // File menu (mainwindow_files.cpp)
    void openDatabaseDialog();
    void chooseImportFiles();
    void chooseImportFolder();
    void chooseMergeDatabase();
    void startNextMerge();
    template <typename FlowDialog> void openFlowDialog(FlowDialog* dialog);
    // After an import or a merge: the browser reread, the groups that received runs selected.
    void showLanded(const std::vector<int64_t>& groups, const QString& message);
    void exportChart();
    void exportRunsCsv();
    void exportReport();
    void editSettings();

    std::unique_ptr<store::Store> m_store;
    EvaluationQueue* m_queue = nullptr;
    QStackedWidget* m_stack = nullptr;
    WelcomePage* m_welcome = nullptr;
    QSplitter* m_splitter = nullptr;
    QTreeView* m_browser = nullptr;
    QLineEdit* m_filter = nullptr;
    QCheckBox* m_showHidden = nullptr;
    QLabel* m_details = nullptr;
    RunBrowserModel* m_model = nullptr;
    RunFilterProxy* m_proxy = nullptr;
    QTabWidget* m_tabs = nullptr;
    DistributionPage* m_distribution = nullptr;
    HistoryPage* m_history = nullptr;
    ComparePage* m_compare = nullptr;
    ItemsPage* m_items = nullptr;
    EnvironmentPage* m_environment = nullptr;
    QLabel* m_statusText = nullptr;
    QProgressBar* m_runBar = nullptr;
    QProgressBar* m_overallBar = nullptr;
    QPushButton* m_cancel = nullptr;
    QTimer* m_poll = nullptr;
    QTimer* m_refreshSoon = nullptr;
    QAction* m_cancelAction = nullptr;

    qint64 m_dataVersion = -1;
    QList<qint64> m_groupIds;
    QPointer<QDialog> m_flowDialog; // the Import or Merge dialog open, if any
    QStringList m_pendingMerges;    // databases to merge once it is closed
    QList<qint64> m_runIds;
    QList<qint64> m_selectionOrder; // the selected groups, the most recently selected last
    QList<qint64> m_comparedGroups; // the selection order the Compare tab's pair was last taken from
    std::vector<GroupAnalysis> m_analyses;
    qint64 m_highlightedRun = 0;
    bool m_restoring = false;
    bool m_demoRunning = false;
    bool m_compareGroupsStale = true;
    bool m_pageDirty[5] = {true, true, true, true, true};
};

} // namespace nf::ui
