#include "window/mainwindow.h"

#include "analysis/settings.h"
#include "common/error.h"
#include "dialogs/newevaluationdialog.h"
#include "models/browserdata.h"
#include "models/runbrowsermodel.h"
#include "models/runfilterproxy.h"
#include "models/treestate.h"
#include "pages/comparepage.h"
#include "pages/distributionpage.h"
#include "pages/environmentpage.h"
#include "pages/historypage.h"
#include "pages/itemspage.h"
#include "pages/welcomepage.h"
#include "store/store.h"
#include "worker/evaluationqueue.h"
#include "worker/moreruns.h"

#include <QApplication>
#include <QCheckBox>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QCloseEvent>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>

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
    setWindowIcon(QIcon(QStringLiteral(":/noisefloor/noisefloor.svg")));
    buildLayout();
    buildActions();
    restoreWindowState();
    // Files and folders dropped anywhere on the window are imported (databases merged).
    setAcceptDrops(true);

    m_refreshSoon = new QTimer(this);
    m_refreshSoon->setSingleShot(true);
    m_refreshSoon->setInterval(50);
    connect(m_refreshSoon, &QTimer::timeout, this, &MainWindow::refresh);

    m_poll = new QTimer(this);
    m_poll->setInterval(1000);
    connect(m_poll, &QTimer::timeout, this, &MainWindow::pollDataVersion);
}

MainWindow::~MainWindow()
{
    // Pages and views are destroyed after the members: nothing may call back into this window then.
    disconnect(m_tabs, nullptr, this, nullptr);
    disconnect(m_browser->selectionModel(), nullptr, this, nullptr);
    delete m_queue; // cancels and joins the worker before the store goes
}

void MainWindow::buildLayout()
{
    m_stack = new QStackedWidget(this);
    m_welcome = new WelcomePage(m_stack);
    connect(m_welcome, &WelcomePage::demoRequested, this, &MainWindow::runDemo);
    connect(m_welcome, &WelcomePage::newEvaluationRequested, this, &MainWindow::newEvaluation);
    connect(m_welcome, &WelcomePage::openDatabaseRequested, this, &MainWindow::openDatabaseDialog);
    connect(m_welcome, &WelcomePage::importRequested, this, &MainWindow::chooseImportFiles);

    // Left: filter, browser, the selected run's details.
    auto* left = new QWidget(this);
    m_filter = new QLineEdit(left);
    m_filter->setObjectName(QStringLiteral("browserFilter"));
    m_filter->setPlaceholderText(QStringLiteral("Filter: model, seed 3, tag, status…"));
    m_filter->setClearButtonEnabled(true);
    m_showHidden = new QCheckBox(QStringLiteral("Show hidden runs"), left);
    m_showHidden->setObjectName(QStringLiteral("showHidden"));
    m_model = new RunBrowserModel(this);
    m_proxy = new RunFilterProxy(this);
    m_proxy->setSourceModel(m_model);
    m_browser = new QTreeView(left);
    m_browser->setObjectName(QStringLiteral("runBrowser"));
    m_browser->setModel(m_proxy);
    m_browser->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_browser->setSortingEnabled(true);
    m_browser->sortByColumn(-1, Qt::AscendingOrder);
    m_browser->setUniformRowHeights(true);
    m_browser->setContextMenuPolicy(Qt::CustomContextMenu);
    m_browser->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_browser->header()->setStretchLastSection(true);
    m_browser->header()->setMinimumSectionSize(40);
    m_browser->header()->resizeSection(0, 250);
    m_browser->setAlternatingRowColors(true);
    m_details = new QLabel(left);
    m_details->setObjectName(QStringLiteral("runDetails"));
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setMinimumHeight(60);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_filter);
    leftLayout->addWidget(m_showHidden);
    leftLayout->addWidget(m_browser, 1);
    leftLayout->addWidget(m_details);

    connect(m_filter, &QLineEdit::textChanged, m_proxy, &RunFilterProxy::setFilterText);
    connect(m_showHidden, &QCheckBox::toggled, m_proxy, &RunFilterProxy::setShowHidden);
    connect(m_browser->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::onSelectionChanged);
    connect(m_browser, &QTreeView::customContextMenuRequested, this, &MainWindow::browserContextMenu);
    // A store error must not leave a slot (Qt would terminate): say it, and show what is stored.
    connect(m_model, &RunBrowserModel::runTagsEdited, this, [this](qint64 runId, const QString& tags) {
        try {
            m_store->setRunTags(runId, tags.toStdString());
        } catch (const std::exception& e) {
            showError(QStringLiteral("Tags"), QString::fromUtf8(e.what()));
            m_refreshSoon->start();
        }
    });
    connect(m_model, &RunBrowserModel::runNotesEdited, this, [this](qint64 runId, const QString& notes) {
        try {
            m_store->setRunNotes(runId, notes.toStdString());
        } catch (const std::exception& e) {
            showError(QStringLiteral("Notes"), QString::fromUtf8(e.what()));
            m_refreshSoon->start();
        }
    });

    // Right: one page per tab.
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("tabs"));
    m_distribution = new DistributionPage(m_tabs);
    m_history = new HistoryPage(m_tabs);
    m_compare = new ComparePage(m_tabs);
    m_items = new ItemsPage(m_tabs);
    m_environment = new EnvironmentPage(m_tabs);
    m_tabs->addTab(m_distribution, QStringLiteral("Distribution"));
    m_tabs->addTab(m_history, QStringLiteral("History"));
    m_tabs->addTab(m_compare, QStringLiteral("Compare"));
    m_tabs->addTab(m_items, QStringLiteral("Items"));
    m_tabs->addTab(m_environment, QStringLiteral("Environment"));
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::updatePage);
    connect(m_distribution, &DistributionPage::runClicked, this, &MainWindow::onRunClicked);
    connect(m_history, &HistoryPage::runClicked, this, &MainWindow::onRunClicked);
    connect(m_history, &HistoryPage::pinRunRequested, this, &MainWindow::pinRun);
    connect(m_history, &HistoryPage::pinGroupRequested, this, &MainWindow::pinGroup);
    connect(m_history, &HistoryPage::unpinRequested, this, &MainWindow::unpin);
    connect(m_compare, &ComparePage::moreRepeatsRequested, this, &MainWindow::queueMoreRepeats);
    connect(m_compare, &ComparePage::differenceThatMattersChanged, this, &MainWindow::storeDifferenceThatMatters);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(QStringLiteral("mainSplitter"));
    m_splitter->addWidget(left);
    m_splitter->addWidget(m_tabs);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({470, 930});

    m_stack->addWidget(m_welcome);
    m_stack->addWidget(m_splitter);
    setCentralWidget(m_stack);

    // Status bar: what runs, its progress and the whole job's, items/s and ETA, Cancel.
    m_statusText = new QLabel(this);
    m_statusText->setObjectName(QStringLiteral("statusText"));
    m_runBar = new QProgressBar(this);
    m_runBar->setObjectName(QStringLiteral("runProgress"));
    m_runBar->setMaximumWidth(160);
    m_runBar->setFormat(QStringLiteral("run %p%"));
    m_overallBar = new QProgressBar(this);
    m_overallBar->setObjectName(QStringLiteral("overallProgress"));
    m_overallBar->setMaximumWidth(160);
    m_overallBar->setFormat(QStringLiteral("all %p%"));
    m_cancel = new QPushButton(QStringLiteral("Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancel->setToolTip(QStringLiteral("Stop the evaluation: the run in flight is stored as cancelled, "
                                        "completed runs stay"));
    statusBar()->addWidget(m_statusText, 1);
    statusBar()->addPermanentWidget(m_runBar);
    statusBar()->addPermanentWidget(m_overallBar);
    statusBar()->addPermanentWidget(m_cancel);
    m_runBar->hide();
    m_overallBar->hide();
    m_cancel->hide();
}

void MainWindow::restoreWindowState()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1360, 820);
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
    m_tabs->setCurrentIndex(settings.value(QStringLiteral("window/tab"), 0).toInt());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_queue && m_queue->busy()) {
        const auto answer = QMessageBox::question(
            this, QStringLiteral("Evaluation running"),
            QStringLiteral("An evaluation is running. Quit and store the run in flight as cancelled? "
                           "Completed runs are kept."));
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
    }
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/splitter"), m_splitter->saveState());
    settings.setValue(QStringLiteral("window/tab"), m_tabs->currentIndex());
    event->accept();
}

bool MainWindow::openDatabase(const QString& path, QString* error, bool remember)
{
    if (m_queue && m_queue->busy()) {
        const auto answer = QMessageBox::question(
            this, QStringLiteral("Evaluation running"),
            QStringLiteral("An evaluation is running on the open database. Open another one and store the run "
                           "in flight as cancelled? Completed runs are kept."));
        if (answer != QMessageBox::Yes) {
            if (error)
                *error = QStringLiteral("an evaluation is still running");
            return false;
        }
    }
    std::unique_ptr<store::Store> opened;
    try {
        opened = std::make_unique<store::Store>(path.toStdString());
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
    delete m_queue; // cancels a job in flight and waits for its run to be stored as cancelled
    m_queue = nullptr;
    onQueueIdle();
    m_demoRunning = false;
    m_welcome->resetProgress();
    m_store = std::move(opened);
    m_queue = new EvaluationQueue(path, this);
    connect(m_queue, &EvaluationQueue::progress, this, &MainWindow::onProgress);
    // Runs landing in quick succession (short runs, a job's last run and its end) refresh once.
    connect(m_queue, &EvaluationQueue::runStored, this, [this] { m_refreshSoon->start(); });
    connect(m_queue, &EvaluationQueue::jobFinished, this, &MainWindow::onJobFinished);
    connect(m_queue, &EvaluationQueue::jobFailed, this, &MainWindow::onJobFailed);
    connect(m_queue, &EvaluationQueue::idle, this, &MainWindow::onQueueIdle);
    connect(m_cancel, &QPushButton::clicked, m_queue, &EvaluationQueue::cancelCurrent, Qt::UniqueConnection);

    m_compare->setStore(m_store.get());
    m_environment->setStore(m_store.get());
    m_items->setDatabasePath(path);
    m_welcome->setDatabasePath(path);
    setWindowTitle(QStringLiteral("noisefloor — ") + path);
    if (remember)
        QSettings().setValue(QStringLiteral("database/last"), path);
    m_compareGroupsStale = true;
    m_comparedGroups.clear();
    m_compare->setGroups({}); // nothing of the previous database stays on the Compare tab
    m_groupIds.clear();
    m_selectionOrder.clear();
    m_runIds.clear();
    m_dataVersion = -1;
    refresh();
    if (m_model->rowCount() > 0) {
        m_browser->expandToDepth(2);
        m_browser->resizeColumnToContents(0);
        m_browser->resizeColumnToContents(1);
        QList<qint64> last;
        if (!m_model->browserData().groups.empty())
            last << m_model->browserData().groups.back().row.id;
        selectGroups(last);
    }
    m_poll->start();
    return true;
}

QString MainWindow::databasePath() const
{
    return m_store ? QString::fromStdString(m_store->path().string()) : QString();
}

void MainWindow::refresh()
{
    if (!m_store)
        return;
    // An editor open in the browser (a tag or note being typed) has the focus inside the view.
    if (QWidget* focus = QApplication::focusWidget(); focus && focus != m_browser && m_browser->isAncestorOf(focus)) {
        m_refreshSoon->start(); // a reset would close the tag or note being typed
        return;
    }
    QElapsedTimer clock;
    clock.start();
    BrowserData data;
    try {
        const qint64 version = m_store->dataVersion();
        data = loadBrowserData(*m_store);
        m_dataVersion = version; // only after a good read, so a busy database is read again next tick
    } catch (const std::exception& e) {
        m_statusText->setText(QStringLiteral("Could not read the database: ") + QString::fromUtf8(e.what()));
        return;
    }
    const bool empty = data.runs.empty();
    const qint64 loaded = clock.nsecsElapsed();
    m_restoring = true;
    const auto state = saveTreeState(*m_browser);
    m_model->setBrowserData(std::move(data));
    restoreTreeState(*m_browser, state);
    m_restoring = false;
    // Runs hidden, deleted or filtered away by this refresh leave the selection.
    QList<qint64> runs;
    for (const auto& proxyIndex : m_browser->selectionModel()->selectedRows(0)) {
        const QModelIndex index = m_proxy->mapToSource(proxyIndex);
        if (RunBrowserModel::kindOf(index) == RunBrowserModel::Kind::Run)
            runs << index.data(RunBrowserModel::RunIdRole).toLongLong();
    }
    m_runIds = runs;
    // The details of a run that changed since (one that completed, or was resumed) read anew.
    if (!runs.isEmpty())
        showRunDetails(runs.back());
    // An empty database shows the welcome page (where a demo in progress shows its progress too).
    m_stack->setCurrentWidget(empty ? static_cast<QWidget*>(m_welcome) : m_splitter);

    const qint64 browser = clock.nsecsElapsed();
    m_compareGroupsStale = true; // the Compare tab rereads its group list when it is next shown
    // Groups that went away (deleted runs) leave the selection.
    QList<qint64> kept;
    for (const qint64 id : std::as_const(m_groupIds))
        if (m_model->browserData().findGroup(id))
            kept << id;
    m_groupIds = kept;
    m_selectionOrder.removeIf([this](qint64 id) { return !m_model->browserData().findGroup(id); });
    std::fill(std::begin(m_pageDirty), std::end(m_pageDirty), true);
    updatePages();
    qCDebug(lcTiming, "refresh: load %.1f ms, browser %.1f ms, pages %.1f ms", loaded / 1e6,
            (browser - loaded) / 1e6, (clock.nsecsElapsed() - browser) / 1e6);
    Q_EMIT refreshed();
}

void MainWindow::pollDataVersion()
{
    if (!m_store)
        return;
    try {
        if (m_store->dataVersion() != m_dataVersion)
            refresh();
    } catch (const std::exception&) {
        // A busy database: the next tick tries again.
    }
}

void MainWindow::onSelectionChanged()
{
    if (m_restoring)
        return;
    QList<qint64> groups;
    QList<qint64> runs;
    const auto rows = m_browser->selectionModel()->selectedRows(0);
    for (const auto& proxyIndex : rows) {
        const QModelIndex index = m_proxy->mapToSource(proxyIndex);
        const auto kind = RunBrowserModel::kindOf(index);
        if (kind == RunBrowserModel::Kind::Run) {
            runs << index.data(RunBrowserModel::RunIdRole).toLongLong();
            groups << index.data(RunBrowserModel::GroupIdRole).toLongLong();
        } else if (kind == RunBrowserModel::Kind::Group) {
            groups << index.data(RunBrowserModel::GroupIdRole).toLongLong();
        } else {
            // A model or a task stands for every group under it.
            const qint64 id = index.data(RunBrowserModel::IdRole).toLongLong();
            for (const auto& group : m_model->browserData().groups)
                if ((kind == RunBrowserModel::Kind::Model ? group.row.modelId : group.row.taskId) == id)
                    groups << group.row.id;
        }
    }
    QList<qint64> unique;
    for (const qint64 id : std::as_const(groups))
        if (!unique.contains(id))
            unique << id;
    m_runIds = runs;
    if (!runs.isEmpty())
        showRunDetails(runs.back());
    // Selecting a run of a group already shown keeps the groups shown (a click on a chart point).
    if (!(runs.size() == 1 && unique.size() == 1 && m_groupIds.contains(unique.front()))) {
        m_groupIds = unique;
        // Groups keep the order they were selected in (the view lists a selection in its own
        // order): the Compare tab takes the two most recent.
        m_selectionOrder.removeIf([&unique](qint64 id) { return !unique.contains(id); });
        for (const qint64 id : std::as_const(unique))
            if (!m_selectionOrder.contains(id))
                m_selectionOrder << id;
    }
    m_highlightedRun = runs.size() == 1 ? runs.front() : 0;
    std::fill(std::begin(m_pageDirty), std::end(m_pageDirty), true);
    updatePages();
}

void MainWindow::updatePages()
{
    m_analyses.clear();
    for (const qint64 id : std::as_const(m_groupIds)) {
        try {
            m_analyses.push_back(analyzeGroup(*m_store, id));
            auto& runs = m_analyses.back().runs;
            runs.erase(std::remove_if(runs.begin(), runs.end(), [](const store::RunRow& r) { return r.hidden; }),
                       runs.end());
        } catch (const std::exception&) {
            // Deleted meanwhile: the next refresh drops it from the selection.
        }
    }
    updatePage(m_tabs->currentIndex());
}

void MainWindow::updatePage(int index)
{
    if (index < 0 || index >= 5 || !m_pageDirty[index] || !m_store)
        return;
    m_pageDirty[index] = false;
    switch (static_cast<Tab>(index)) {
    case Tab::Distribution:
        m_distribution->setGroups(m_analyses);
        m_distribution->setHighlightedRun(m_highlightedRun);
        break;
    case Tab::History:
        m_history->setGroups(m_analyses);
        m_history->setHighlightedRun(m_highlightedRun);
        break;
    case Tab::Compare:
        if (m_compareGroupsStale) {
            std::vector<store::GroupRow> groups;
            for (const auto& group : m_model->browserData().groups)
                groups.push_back(group.row);
            // Compared here only when the selection (and so the pair) stays as it was.
            m_compare->setGroups(groups, m_comparedGroups == m_selectionOrder);
            m_compareGroupsStale = false;
        }
        // The browser's selection picks A and B when it changes; a data refresh keeps the user's
        // own choice in the combo boxes and only recomputes.
        if (m_comparedGroups != m_selectionOrder) {
            m_comparedGroups = m_selectionOrder;
            const auto [a, b] = comparablePair();
            m_compare->setPair(a, b);
        }
        break;
    case Tab::Items:
        if (m_analyses.empty())
            m_items->setGroup(0, {});
        else
            m_items->setGroup(m_analyses.front().group.id, QString::fromStdString(m_analyses.front().title));
        break;
    case Tab::Environment: {
        std::vector<store::RunRow> runs;
        for (const qint64 id : std::as_const(m_runIds))
            if (const auto* run = m_model->browserData().findRun(id))
                runs.push_back(*run);
        if (runs.empty()) // no run picked: the latest runs of the selected groups
            for (const auto& analysis : m_analyses)
                for (auto it = analysis.runs.rbegin(); it != analysis.runs.rend() && runs.size() < 12; ++it)
                    runs.push_back(*it);
        m_environment->setRuns(runs);
        break;
    }
    }
}

void MainWindow::selectGroups(const QList<qint64>& groupIds)
{
    QItemSelection selection;
    for (const qint64 id : groupIds) {
        const QModelIndex index = m_proxy->mapFromSource(m_model->indexForGroup(id));
        if (index.isValid()) {
            selection.select(index, index);
            m_browser->scrollTo(index);
        }
    }
    m_browser->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_groupIds = groupIds; // in the caller's order: the first is A on the Compare tab
    m_selectionOrder.clear();
    for (const qint64 id : groupIds)
        if (!m_selectionOrder.contains(id))
            m_selectionOrder << id;
    std::fill(std::begin(m_pageDirty), std::end(m_pageDirty), true);
    updatePages();
}

QPair<qint64, qint64> MainWindow::comparablePair() const
{
    auto taskOf = [this](qint64 group) {
        const auto* found = m_model->browserData().findGroup(group);
        return found ? found->row.taskId : int64_t(-1);
    };
    for (qsizetype later = m_selectionOrder.size() - 1; later > 0; --later) {
        const int64_t task = taskOf(m_selectionOrder[later]);
        for (qsizetype earlier = later - 1; earlier >= 0; --earlier)
            if (task >= 0 && taskOf(m_selectionOrder[earlier]) == task)
                return {m_selectionOrder[earlier], m_selectionOrder[later]};
    }
    if (!m_selectionOrder.isEmpty())
        return {0, m_selectionOrder.back()};
    return {0, 0};
}

void MainWindow::selectRun(qint64 runId)
{
    const QModelIndex index = m_proxy->mapFromSource(m_model->indexForRun(runId));
    if (!index.isValid())
        return;
    m_browser->scrollTo(index);
    m_browser->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                            QItemSelectionModel::Rows);
}

void MainWindow::onRunClicked(qint64 runId)
{
    selectRun(runId);
    showRunDetails(runId);
}

void MainWindow::showRunDetails(qint64 runId)
{
    const auto* run = m_model->browserData().findRun(runId);
    if (!run) {
        m_details->clear();
        return;
    }
    QString text = QStringLiteral("<b>run %1</b> · seed %2 · %3").arg(run->id).arg(run->seed).arg(QString::fromStdString(store::toString(run->status)));
    if (run->accuracy)
        text += QStringLiteral(" · accuracy <b>%1</b>").arg(*run->accuracy * 100.0, 0, 'f', 2);
    text += QStringLiteral("<br>group %1 · uid %2 · %3").arg(run->configId).arg(QString::fromStdString(run->uid), QString::fromStdString(run->source));
    text += QStringLiteral("<br>started %1").arg(QString::fromStdString(run->startedAt));
    if (run->durationSeconds)
        text += QStringLiteral(" · %1 s").arg(*run->durationSeconds, 0, 'f', 1);
    if (run->reproduces)
        text += QStringLiteral(" · reproduces run %1").arg(*run->reproduces);
    if (!run->tags.empty())
        text += QStringLiteral("<br>tags: ") + QString::fromStdString(run->tags).toHtmlEscaped();
    if (!run->notes.empty())
        text += QStringLiteral("<br>notes: ") + QString::fromStdString(run->notes).toHtmlEscaped();
    m_details->setText(text);
}

void MainWindow::showTab(Tab tab)
{
    m_tabs->setCurrentIndex(static_cast<int>(tab));
}

bool MainWindow::backgroundWorkPending() const
{
    return m_compare->busy() || m_items->busy();
}

QList<qint64> MainWindow::selectedRunIds() const
{
    return m_runIds;
}

void MainWindow::showError(const QString& title, const QString& message)
{
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("errorMessage"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace nf::ui
