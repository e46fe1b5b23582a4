#include "window/mainwindow.h"

#include "dialogs/settingsdialog.h"
#include "models/browserdata.h"
#include "pages/comparepage.h"
#include "pages/distributionpage.h"
#include "pages/historypage.h"
#include "pages/welcomepage.h"
#include "store/store.h"
#include "window/appearance.h"
#include "window/clusterwatch.h"
#include "window/errorbox.h"
#include "window/evaluationcontrol.h"
#include "window/exports.h"
#include "window/importflow.h"
#include "window/runbrowserpanel.h"
#include "window/storeedits.h"
#include "window/tabpages.h"

#include <QCloseEvent>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>

// The icon and other resources are compiled into the static nf_ui library: a static library's
// resources must be registered by name, from the global namespace, before first use.
static void registerResources()
{
    Q_INIT_RESOURCE(noisefloor);
}

namespace nf::ui {

// QT_LOGGING_RULES="noisefloor.timing=true" prints where a refresh spends its time.
Q_LOGGING_CATEGORY(lcTiming, "noisefloor.timing", QtWarningMsg)

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    registerResources();
    setObjectName(QStringLiteral("mainWindow"));
    m_refreshSoon = new QTimer(this);
    m_refreshSoon->setSingleShot(true);
    m_refreshSoon->setInterval(50);
    connect(m_refreshSoon, &QTimer::timeout, this, &MainWindow::refresh);
    m_poll = new QTimer(this);
    m_poll->setInterval(1000);
    connect(m_poll, &QTimer::timeout, this, &MainWindow::pollDataVersion);

    buildLayout();
    buildActions();
    connectClusterWatch();
    restoreWindowState();
    // Files and folders dropped anywhere on the window are imported (databases merged).
    setAcceptDrops(true);
}

MainWindow::~MainWindow()
{
    // Pages and views are destroyed after the members: nothing may call back into this window then.
    disconnect(m_pages, nullptr, this, nullptr);
    disconnect(m_browser, nullptr, this, nullptr);
    delete m_evaluations; // cancels and joins the evaluation before the store goes
}

void MainWindow::buildLayout()
{
    m_stack = new QStackedWidget(this);
    m_welcome = new WelcomePage(m_stack);
    m_evaluations = new EvaluationControl(this, m_stack, m_welcome);
    m_imports = new ImportFlow(this);
    connect(m_welcome, &WelcomePage::demoRequested, this, &MainWindow::runDemo);
    connect(m_welcome, &WelcomePage::newEvaluationRequested, this, &MainWindow::newEvaluation);
    connect(m_welcome, &WelcomePage::openDatabaseRequested, this, &MainWindow::openDatabaseDialog);
    connect(m_welcome, &WelcomePage::importRequested, m_imports, &ImportFlow::chooseFiles);
    // Runs landing in quick succession (short runs, a job's last run and its end) refresh once.
    connect(m_evaluations, &EvaluationControl::runStored, m_refreshSoon, qOverload<>(&QTimer::start));
    connect(m_evaluations, &EvaluationControl::jobFinished, this,
            [this](const QList<qint64>& groups, bool demo) { showLanded(groups, demo); });
    connect(m_evaluations, &EvaluationControl::jobFailed, this, [this](const QString& title, const QString& message) {
        refresh();
        showErrorBox(this, QStringLiteral("Evaluation failed"), title + QStringLiteral(": ") + message);
    });
    connect(m_imports, &ImportFlow::landed, this, [this](const std::vector<int64_t>& groups, const QString& message) {
        statusBar()->showMessage(message, 15000);
        showLanded(QList<qint64>(groups.begin(), groups.end()), true);
    });

    m_edits = new StoreEdits(this);
    connect(m_edits, &StoreEdits::changed, this, [this](bool soon) { soon ? m_refreshSoon->start() : refresh(); });

    m_browser = new RunBrowserPanel(m_selection, this);
    connect(m_browser, &RunBrowserPanel::selectionChanged, this, &MainWindow::onBrowserSelection);
    connect(m_browser, &RunBrowserPanel::runTagsEdited, m_edits, &StoreEdits::setRunTags);
    connect(m_browser, &RunBrowserPanel::runNotesEdited, m_edits, &StoreEdits::setRunNotes);
    connect(m_browser, &RunBrowserPanel::pinRunRequested, m_edits, &StoreEdits::pinRun);
    connect(m_browser, &RunBrowserPanel::pinGroupRequested, m_edits, &StoreEdits::pinGroup);
    connect(m_browser, &RunBrowserPanel::unpinRequested, m_edits, &StoreEdits::unpin);
    connect(m_browser, &RunBrowserPanel::resumeRunRequested, this, &MainWindow::resumeRun);
    connect(m_browser, &RunBrowserPanel::moreRepeatsRequested, m_evaluations,
            [this](qint64 groupId, int repeats) { m_evaluations->queueMoreRepeats(0, groupId, 0, repeats); });
    connect(m_browser, &RunBrowserPanel::compareRequested, this, [this] { showTab(Tab::Compare); });
    connect(m_browser, &RunBrowserPanel::runsHiddenRequested, this, &MainWindow::setRunsHidden);
    connect(m_browser, &RunBrowserPanel::deleteRunsRequested, this, [this](const QList<qint64>& runs) { deleteRuns(runs); });

    m_pages = new TabPages(m_selection, m_browser->browserData(), this);
    connect(m_pages->distribution(), &DistributionPage::runClicked, this, &MainWindow::onRunClicked);
    connect(m_pages->history(), &HistoryPage::runClicked, this, &MainWindow::onRunClicked);
    connect(m_pages->history(), &HistoryPage::pinRunRequested, m_edits, &StoreEdits::pinRun);
    connect(m_pages->history(), &HistoryPage::pinGroupRequested, m_edits, &StoreEdits::pinGroup);
    connect(m_pages->history(), &HistoryPage::unpinRequested, m_edits, &StoreEdits::unpin);
    connect(m_pages->compare(), &ComparePage::moreRepeatsRequested, m_evaluations, &EvaluationControl::queueMoreRepeats);
    connect(m_pages->compare(), &ComparePage::differenceThatMattersChanged, m_edits,
            &StoreEdits::setDifferenceThatMatters);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(QStringLiteral("mainSplitter"));
    m_splitter->addWidget(m_browser);
    m_splitter->addWidget(m_pages);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({470, 930});

    m_stack->addWidget(m_welcome);
    m_stack->addWidget(m_splitter);
    setCentralWidget(m_stack);
}

void MainWindow::connectClusterWatch()
{
    m_cluster = new ClusterWatch(this);
    connect(m_cluster, &ClusterWatch::changed, this, &MainWindow::refresh);
    connect(m_cluster, &ClusterWatch::collected, this,
            [this](const QList<qint64>& groups, const QString& message) {
                statusBar()->showMessage(message, 15000);
                showLanded(groups, false);
            });
    connect(m_cluster, &ClusterWatch::problem, this, [this](const QString& message) { announce(message); });
    connect(m_evaluations, &EvaluationControl::clusterJobsSubmitted, this, [this] {
        refresh();
        m_browser->expandGroups(); // the new job's pending rows
        m_cluster->pollNow();
    });
    connect(m_browser, &RunBrowserPanel::cancelJobRequested, m_cluster,
            [this](qint64 id) { m_cluster->cancelJob(id); });
    connect(m_browser, &RunBrowserPanel::pollJobsRequested, m_cluster, &ClusterWatch::pollNow);
    connect(m_browser, &RunBrowserPanel::dismissJobRequested, m_cluster, &ClusterWatch::dismissJob);
}

void MainWindow::buildActions()
{
    auto* file = menuBar()->addMenu(QStringLiteral("&File"));
    file->addAction(QStringLiteral("&Open database…"), QKeySequence::Open, this, &MainWindow::openDatabaseDialog);
    file->addAction(QStringLiteral("&Import…"), QKeySequence(Qt::CTRL | Qt::Key_I), m_imports, &ImportFlow::chooseFiles)
        ->setToolTip(QStringLiteral("LLaMA-Factory results.json, lm-eval results_*.json, noisefloor .jsonl; or drop "
                                    "files and folders on the window"));
    file->addAction(QStringLiteral("Import &folder…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I), m_imports,
                    &ImportFlow::chooseFolder);
    file->addAction(QStringLiteral("&Merge database…"), m_imports, &ImportFlow::chooseDatabase);
    file->addSeparator();
    const auto exportChartNow = [this] { announce(exportChart(this, m_pages->currentChart())); };
    file->addAction(QStringLiteral("Export &chart (PNG, SVG)…"), QKeySequence(Qt::CTRL | Qt::Key_E), this, exportChartNow);
    file->addAction(QStringLiteral("Export selected runs as CS&V…"), this, [this] {
        announce(exportRunsCsv(this, m_store.get(), m_browser->browserData(), m_selection.runs(), m_selection.groups()));
    });
    file->addAction(QStringLiteral("Export comparison &report (Markdown)…"), this,
                    [this] { announce(exportComparisonReport(this, m_store.get(), *m_pages->compare())); });
    file->addSeparator();
    file->addAction(QStringLiteral("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    auto* evaluate = menuBar()->addMenu(QStringLiteral("&Evaluate"));
    auto* newEval = evaluate->addAction(QStringLiteral("&New evaluation…"), QKeySequence::New, this,
                                        &MainWindow::newEvaluation);
    newEval->setObjectName(QStringLiteral("newEvaluationAction"));
    newEval->setIcon(QIcon::fromTheme(QStringLiteral("media-playback-start")));
    evaluate->addAction(QStringLiteral("Run the &demo"), this, &MainWindow::runDemo);
    evaluate->addAction(m_evaluations->cancelAction());

    auto* edit = menuBar()->addMenu(QStringLiteral("E&dit"));
    edit->addAction(QStringLiteral("&Hide selected runs"), QKeySequence(Qt::CTRL | Qt::Key_H), this,
                    [this] { setRunsHidden(m_selection.runs(), true); });
    edit->addAction(QStringLiteral("&Unhide selected runs"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_H), this,
                    [this] { setRunsHidden(m_selection.runs(), false); });
    edit->addAction(QStringLiteral("&Delete selected runs…"), QKeySequence::Delete, this,
                    [this] { deleteRuns(m_selection.runs()); });
    edit->addSeparator();
    edit->addAction(QStringLiteral("&Settings (zones, difference that matters, repeats)…"), QKeySequence::Preferences,
                    this, &MainWindow::editSettings)
        ->setObjectName(QStringLiteral("settingsAction"));

    auto* view = menuBar()->addMenu(QStringLiteral("&View"));
    view->addAction(QStringLiteral("&Refresh"), QKeySequence::Refresh, this, &MainWindow::refresh);
    view->addAction(QStringLiteral("&Filter runs"), QKeySequence::Find, m_browser, &RunBrowserPanel::focusFilter);
    for (const TabInfo& info : kTabs)
        view->addAction(QLatin1Char('&') + QString::fromLatin1(info.title),
                        QKeySequence(Qt::CTRL | (Qt::Key_1 + tabIndex(info.tab))), this,
                        [this, tab = info.tab] { showTab(tab); });
    view->addSeparator();
    addAppearanceMenu(view);

    auto* toolbar = addToolBar(QStringLiteral("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolbar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addAction(newEval);
    toolbar->addAction(m_evaluations->cancelAction());
    toolbar->addSeparator();
    toolbar->addAction(QStringLiteral("Export chart…"), this, exportChartNow);
}

void MainWindow::restoreWindowState()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1360, 820);
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
    m_pages->setCurrentIndex(settings.value(QStringLiteral("window/tab"), 0).toInt());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!confirmStopEvaluation(QStringLiteral("An evaluation is running. Quit and store the run in flight as "
                                              "cancelled? Completed runs are kept."))) {
        event->ignore();
        return;
    }
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/splitter"), m_splitter->saveState());
    settings.setValue(QStringLiteral("window/tab"), m_pages->currentIndex());
    event->accept();
}

bool MainWindow::confirmStopEvaluation(const QString& question)
{
    return !m_evaluations->busy() ||
           QMessageBox::question(this, QStringLiteral("Evaluation running"), question) == QMessageBox::Yes;
}

bool MainWindow::openDatabase(const QString& path, QString* error, bool remember)
{
    if (!confirmStopEvaluation(QStringLiteral("An evaluation is running on the open database. Open another one "
                                              "and store the run in flight as cancelled? Completed runs are kept."))) {
        if (error)
            *error = QStringLiteral("an evaluation is still running");
        return false;
    }
    std::unique_ptr<store::Store> opened;
    try {
        opened = std::make_unique<store::Store>(path.toStdString());
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
    m_evaluations->openDatabase(path, opened.get()); // waits for a run in flight to be stored as cancelled
    m_cluster->openDatabase(path, opened.get());
    m_store = std::move(opened);
    m_browser->setStore(m_store.get());
    m_edits->setStore(m_store.get());
    m_imports->setDatabasePath(databasePath());
    m_pages->setStore(m_store.get(), path);
    m_welcome->setDatabasePath(path);
    setWindowTitle(QStringLiteral("noisefloor — ") + path);
    if (remember)
        QSettings().setValue(QStringLiteral("database/last"), path);
    m_selection.reset();
    m_pages->compare()->setGroups({}); // nothing of the previous database stays on the Compare tab
    m_dataVersion = -1;
    refresh();
    if (!m_browser->isEmpty()) {
        m_browser->expandGroups();
        m_browser->fitColumns();
        QList<qint64> last;
        if (!m_browser->browserData().groups.empty())
            last << m_browser->browserData().groups.back().row.id;
        selectGroups(last);
    }
    m_poll->start();
    return true;
}

QString MainWindow::databasePath() const
{
    return m_store ? QString::fromStdString(m_store->path().string()) : QString();
}

EvaluationQueue* MainWindow::evaluations() const
{
    return m_evaluations->queue();
}

void MainWindow::refresh()
{
    if (!m_store)
        return;
    if (m_browser->editing()) {
        m_refreshSoon->start(); // a reset would close the tag or note being typed
        return;
    }
    QElapsedTimer clock;
    clock.start();
    BrowserData data;
    try {
        const qint64 version = m_store->dataVersion();
        data = loadBrowserData(*m_store);
        data.jobs = m_cluster->pendingJobs();
        m_dataVersion = version; // only after a good read, so a busy database is read again next tick
    } catch (const std::exception& e) {
        m_evaluations->showStatus(QStringLiteral("Could not read the database: ") + QString::fromUtf8(e.what()));
        return;
    }
    const bool empty = data.runs.empty() && data.jobs.empty();
    const qint64 loaded = clock.nsecsElapsed();
    // Runs hidden, deleted or filtered away by this refresh leave the selection.
    const QList<qint64> runs = m_browser->setBrowserData(std::move(data));
    // An empty database shows the welcome page (where a demo in progress shows its progress too).
    m_stack->setCurrentWidget(empty ? static_cast<QWidget*>(m_welcome) : m_splitter);
    const qint64 browser = clock.nsecsElapsed();
    m_selection.reload(m_browser->browserData(), runs);
    m_pages->showSelection();
    qCDebug(lcTiming, "refresh: load %.1f ms, browser %.1f ms, pages %.1f ms", loaded / 1e6,
            (browser - loaded) / 1e6, (clock.nsecsElapsed() - browser) / 1e6);
    Q_EMIT refreshed();
}

void MainWindow::pollDataVersion()
{
    if (!m_store)
        return;
    try {
        if (m_store->dataVersion() != m_dataVersion || runningRunsChanged(*m_store, m_browser->browserData()))
            refresh();
    } catch (const std::exception&) {
        // A busy database: the next tick tries again.
    }
}

void MainWindow::onBrowserSelection(const QList<qint64>& groups, const QList<qint64>& runs)
{
    m_selection.select(groups, runs);
    m_pages->showSelection();
}

void MainWindow::selectGroups(const QList<qint64>& groupIds)
{
    m_browser->selectGroups(groupIds);
    m_selection.choose(groupIds);
    m_pages->showSelection();
}

void MainWindow::selectRun(qint64 runId)
{
    m_browser->selectRun(runId);
}

void MainWindow::onRunClicked(qint64 runId)
{
    selectRun(runId);
    m_browser->showRunDetails(runId);
}

void MainWindow::showTab(Tab tab)
{
    m_pages->showTab(tab);
}

ComparePage* MainWindow::comparePage() const
{
    return m_pages->compare();
}

DistributionPage* MainWindow::distributionPage() const
{
    return m_pages->distribution();
}

HistoryPage* MainWindow::historyPage() const
{
    return m_pages->history();
}

bool MainWindow::backgroundWorkPending() const
{
    return m_pages->busy() || m_cluster->polling();
}

void MainWindow::showLanded(const QList<qint64>& groups, bool evenOverASelection)
{
    refresh();
    if (!groups.isEmpty() && (evenOverASelection || m_selection.groups().isEmpty())) {
        m_browser->expandGroups();
        selectGroups(groups);
    }
}

void MainWindow::setRunsHidden(const QList<qint64>& runIds, bool hidden)
{
    m_edits->setRunsHidden(runIds, hidden);
}

bool MainWindow::deleteRuns(const QList<qint64>& runIds, bool confirm)
{
    if (!m_edits->deleteRuns(runIds, confirm))
        return false;
    m_selection.runsDeleted();
    refresh();
    return true;
}

void MainWindow::runDemo()
{
    m_evaluations->runDemo();
}

void MainWindow::newEvaluation()
{
    m_evaluations->newEvaluation();
}

void MainWindow::resumeRun(qint64 runId)
{
    m_evaluations->resumeRun(runId);
}

void MainWindow::importPaths(const QStringList& paths)
{
    m_imports->importPaths(paths);
}

void MainWindow::mergeDatabaseFile(const QString& path)
{
    m_imports->mergeDatabaseFile(path);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (m_store && !ImportFlow::droppedPaths(event->mimeData()).isEmpty())
        event->acceptProposedAction();
    else
        QMainWindow::dragEnterEvent(event);
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const QStringList paths = ImportFlow::droppedPaths(event->mimeData());
    if (paths.isEmpty() || !m_store) {
        QMainWindow::dropEvent(event);
        return;
    }
    event->acceptProposedAction();
    importPaths(paths);
}

void MainWindow::openDatabaseDialog()
{
    const QString path = QFileDialog::getSaveFileName(
        this, QStringLiteral("Open or create a database"), QFileInfo(databasePath()).absolutePath(),
        QStringLiteral("noisefloor databases (*.sqlite *.db);;All files (*)"), nullptr,
        QFileDialog::DontConfirmOverwrite);
    if (path.isEmpty())
        return;
    QString error;
    if (!openDatabase(path, &error))
        showErrorBox(this, QStringLiteral("Open database"), error);
}

void MainWindow::editSettings()
{
    if (!m_store)
        return;
    // From the Compare tab, the dialog opens on the task compared there.
    ComparePage* compare = m_pages->compare();
    const bool comparing = m_pages->currentWidget() == compare && compare->comparison();
    SettingsDialog dialog(*m_store, this, comparing ? compare->taskId() : 0);
    if (dialog.exec() == QDialog::Accepted) {
        compare->setStore(m_store.get());
        refresh();
    }
}

void MainWindow::announce(const QString& message)
{
    if (!message.isEmpty())
        statusBar()->showMessage(message, 8000);
}

} // namespace nf::ui
