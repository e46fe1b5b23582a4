// The main window's menus and the actions they run: evaluations, pins, hiding and deleting runs.

#include "window/mainwindow.h"

#include "analysis/settings.h"
#include "dialogs/newevaluationdialog.h"
#include "models/browserdata.h"
#include "models/runbrowsermodel.h"
#include "models/runfilterproxy.h"
#include "pages/welcomepage.h"
#include "store/store.h"
#include "worker/evaluationqueue.h"
#include "worker/evaluationworker.h"
#include "worker/moreruns.h"
#include "engine/resume_plan.h"

#include <QAction>
#include <QApplication>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QLabel>
#include <QLineEdit>
#include <QStackedWidget>
#include <QTabWidget>
#include <QToolBar>
#include <QTreeView>

namespace nf::ui {

void MainWindow::buildActions()
{
    auto* file = menuBar()->addMenu(QStringLiteral("&File"));
    file->addAction(QStringLiteral("&Open database…"), QKeySequence::Open, this, &MainWindow::openDatabaseDialog);
    file->addAction(QStringLiteral("&Import…"), QKeySequence(Qt::CTRL | Qt::Key_I), this, &MainWindow::chooseImportFiles)
        ->setToolTip(QStringLiteral("LLaMA-Factory results.json, lm-eval results_*.json, noisefloor .jsonl; or drop "
                                    "files and folders on the window"));
    file->addAction(QStringLiteral("Import &folder…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I), this,
                    &MainWindow::chooseImportFolder);
    file->addAction(QStringLiteral("&Merge database…"), this, &MainWindow::chooseMergeDatabase);
    file->addSeparator();
    file->addAction(QStringLiteral("Export &chart (PNG, SVG)…"), QKeySequence(Qt::CTRL | Qt::Key_E), this,
                    &MainWindow::exportChart);
    file->addAction(QStringLiteral("Export selected runs as CS&V…"), this, &MainWindow::exportRunsCsv);
    file->addAction(QStringLiteral("Export comparison &report (Markdown)…"), this, &MainWindow::exportReport);
    file->addSeparator();
    file->addAction(QStringLiteral("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    auto* evaluate = menuBar()->addMenu(QStringLiteral("&Evaluate"));
    auto* newEval = evaluate->addAction(QStringLiteral("&New evaluation…"), QKeySequence::New, this,
                                        &MainWindow::newEvaluation);
    newEval->setObjectName(QStringLiteral("newEvaluationAction"));
    newEval->setIcon(QIcon::fromTheme(QStringLiteral("media-playback-start")));
    evaluate->addAction(QStringLiteral("Run the &demo"), this, &MainWindow::runDemo);
    m_cancelAction = evaluate->addAction(QStringLiteral("&Cancel evaluation"), QKeySequence(Qt::CTRL | Qt::Key_Period),
                                         this, [this] {
                                             if (m_queue)
                                                 m_queue->cancelCurrent();
                                         });
    m_cancelAction->setEnabled(false);

    auto* edit = menuBar()->addMenu(QStringLiteral("E&dit"));
    edit->addAction(QStringLiteral("&Hide selected runs"), QKeySequence(Qt::CTRL | Qt::Key_H), this,
                    [this] { setRunsHidden(selectedRunIds(), true); });
    edit->addAction(QStringLiteral("&Unhide selected runs"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_H), this,
                    [this] { setRunsHidden(selectedRunIds(), false); });
    edit->addAction(QStringLiteral("&Delete selected runs…"), QKeySequence::Delete, this,
                    [this] { deleteRuns(selectedRunIds()); });
    edit->addSeparator();
    edit->addAction(QStringLiteral("&Settings (zones, difference that matters, repeats)…"), QKeySequence::Preferences,
                    this, &MainWindow::editSettings)
        ->setObjectName(QStringLiteral("settingsAction"));

    auto* view = menuBar()->addMenu(QStringLiteral("&View"));
    view->addAction(QStringLiteral("&Refresh"), QKeySequence::Refresh, this, &MainWindow::refresh);
    view->addAction(QStringLiteral("&Filter runs"), QKeySequence::Find, m_filter, [this] { m_filter->setFocus(); });
    const char* tabNames[] = {"&Distribution", "&History", "&Compare", "&Items", "&Environment"};
    for (int i = 0; i < 5; ++i)
        view->addAction(QString::fromLatin1(tabNames[i]), QKeySequence(Qt::CTRL | (Qt::Key_1 + i)), this,
                        [this, i] { m_tabs->setCurrentIndex(i); });

    auto* toolbar = addToolBar(QStringLiteral("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolbar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addAction(newEval);
    toolbar->addAction(m_cancelAction);
    toolbar->addSeparator();
    toolbar->addAction(QStringLiteral("Export chart…"), this, &MainWindow::exportChart);
}

void MainWindow::browserContextMenu(const QPoint& position)
{
    const QModelIndex proxyIndex = m_browser->indexAt(position);
    if (!proxyIndex.isValid())
        return;
    const QModelIndex index = m_proxy->mapToSource(proxyIndex);
    const auto kind = RunBrowserModel::kindOf(index);
    QMenu menu(this);
    if (kind == RunBrowserModel::Kind::Run || kind == RunBrowserModel::Kind::Group) {
        const qint64 groupId = index.data(RunBrowserModel::GroupIdRole).toLongLong();
        const qint64 taskId = index.data(RunBrowserModel::TaskIdRole).toLongLong();
        if (kind == RunBrowserModel::Kind::Run) {
            const qint64 runId = index.data(RunBrowserModel::RunIdRole).toLongLong();
            const bool completed = index.data(RunBrowserModel::StatusRole).toString() == QLatin1String("completed");
            menu.addAction(QStringLiteral("Pin run %1 as the baseline").arg(runId), this, [this, runId] { pinRun(runId); })
                ->setEnabled(completed);
            const auto run = m_store ? m_store->run(runId) : std::nullopt;
            if (run && engine::canResume(run->status, run->sourceKind()))
                menu.addAction(QStringLiteral("Resume run %1").arg(runId), this, [this, runId] { resumeRun(runId); })
                    ->setObjectName(QStringLiteral("resumeRunAction"));
        }
        menu.addAction(QStringLiteral("Pin group %1 as the baseline").arg(groupId), this,
                       [this, groupId] { pinGroup(groupId); });
        bool pinned = false;
        try {
            pinned = m_store && analysis::pinForTask(*m_store, taskId);
        } catch (const std::exception&) {
            // An unreadable pin setting: no Remove entry; pinning anew replaces it.
        }
        if (pinned)
            menu.addAction(QStringLiteral("Remove the pin of this task"), this, [this, taskId] { unpin(taskId); });
        menu.addSeparator();
        menu.addAction(QStringLiteral("Run 5 more repeats of group %1").arg(groupId), this,
                       [this, groupId] { queueMoreRepeats(0, groupId, 0, 5); });
        if (m_groupIds.size() >= 2)
            menu.addAction(QStringLiteral("Compare the two most recently selected groups"), this,
                           [this] { showTab(Tab::Compare); });
    }
    const auto runs = selectedRunIds();
    if (!runs.isEmpty()) {
        menu.addSeparator();
        menu.addAction(QStringLiteral("Hide %1 run(s)").arg(runs.size()), this, [this, runs] { setRunsHidden(runs, true); });
        menu.addAction(QStringLiteral("Unhide %1 run(s)").arg(runs.size()), this,
                       [this, runs] { setRunsHidden(runs, false); });
        menu.addAction(QStringLiteral("Delete %1 run(s)…").arg(runs.size()), this, [this, runs] { deleteRuns(runs); });
    }
    if (!menu.isEmpty())
        menu.exec(m_browser->viewport()->mapToGlobal(position));
}

void MainWindow::pinRun(qint64 runId)
{
    try {
        analysis::pinRun(*m_store, runId);
        refresh();
    } catch (const std::exception& e) {
        showError(QStringLiteral("Pin"), QString::fromUtf8(e.what()));
    }
}

void MainWindow::pinGroup(qint64 groupId)
{
    try {
        analysis::pinGroup(*m_store, groupId);
        refresh();
    } catch (const std::exception& e) {
        showError(QStringLiteral("Pin"), QString::fromUtf8(e.what()));
    }
}

void MainWindow::unpin(qint64 taskId)
{
    try {
        analysis::unpinTask(*m_store, taskId);
    } catch (const std::exception& e) {
        showError(QStringLiteral("Unpin"), QString::fromUtf8(e.what()));
    }
    refresh();
}

void MainWindow::setRunsHidden(const QList<qint64>& runIds, bool hidden)
{
    if (!m_store || runIds.isEmpty())
        return;
    try {
        m_store->inTransaction([&] {
            for (const qint64 id : runIds)
                m_store->setRunHidden(id, hidden);
        });
    } catch (const std::exception& e) {
        showError(QStringLiteral("Hide runs"), QString::fromUtf8(e.what()));
    }
    refresh();
}

bool MainWindow::deleteRuns(const QList<qint64>& runIds, bool confirm)
{
    if (!m_store || runIds.isEmpty())
        return false;
    if (confirm) {
        const auto answer = QMessageBox::question(
            this, QStringLiteral("Delete runs"),
            QStringLiteral("Delete %1 run(s) and every answer they stored? The group statistics are updated; "
                           "this cannot be undone.")
                .arg(runIds.size()),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Yes)
            return false;
    }
    try {
        m_store->inTransaction([&] {
            for (const qint64 id : runIds)
                m_store->deleteRun(id);
        });
    } catch (const std::exception& e) {
        showError(QStringLiteral("Delete runs"), QString::fromUtf8(e.what()));
        return false;
    }
    m_runIds.clear();
    refresh();
    return true;
}

void MainWindow::runDemo()
{
    EvaluationJob job;
    job.kind = EvaluationJob::Kind::Demo;
    job.title = QStringLiteral("demo");
    m_demoRunning = true;
    enqueue(std::move(job));
}

void MainWindow::newEvaluation()
{
    auto* dialog = new NewEvaluationDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        EvaluationJob job;
        job.kind = EvaluationJob::Kind::Plans;
        job.plans = dialog->plans();
        job.title = dialog->jobTitle();
        enqueue(std::move(job));
    });
    dialog->open();
}

void MainWindow::resumeRun(qint64 runId)
{
    if (!m_store)
        return;
    EvaluationJob job;
    job.kind = EvaluationJob::Kind::Plans;
    try {
        job.plans.push_back(engine::resumePlanForRun(*m_store, runId));
    } catch (const std::exception& e) {
        showError(QStringLiteral("Resume run"), QString::fromUtf8(e.what()));
        return;
    }
    job.title = QStringLiteral("resume run %1: %2").arg(runId).arg(describePlans(job.plans));
    enqueue(std::move(job));
}

void MainWindow::enqueue(EvaluationJob job)
{
    if (!m_queue)
        return;
    m_queue->enqueue(std::move(job));
    m_cancel->show();
    m_cancelAction->setEnabled(true);
    m_runBar->show();
    m_overallBar->show();
}

void MainWindow::queueMoreRepeats(qint64 groupA, qint64 groupB, int moreA, int moreB)
{
    EvaluationJob job;
    job.kind = EvaluationJob::Kind::Plans;
    try {
        // Each plan names its group: the worker checks the loaded model is still the group's.
        const auto add = [&](qint64 group, int more) {
            if (group <= 0 || more <= 0)
                return;
            for (auto& plan : morePlansForGroup(*m_store, group, more)) {
                job.plans.push_back(std::move(plan));
                job.addsToGroups.push_back(group);
            }
        };
        add(groupA, moreA);
        add(groupB, moreB);
    } catch (const std::exception& e) {
        showError(QStringLiteral("More repeats"), QString::fromUtf8(e.what()));
        return;
    }
    if (job.plans.empty())
        return;
    job.title = QStringLiteral("%1 more repeats").arg(moreA + moreB);
    enqueue(std::move(job));
}

void MainWindow::storeDifferenceThatMatters(qint64 taskId, double points)
{
    if (!m_store)
        return;
    try {
        analysis::setDifferenceThatMatters(*m_store, taskId, points);
    } catch (const std::exception& e) {
        // The Compare tab still uses the value for this session; say why it was not kept.
        showError(QStringLiteral("Difference that matters"), QString::fromUtf8(e.what()));
    }
}

void MainWindow::onProgress(const EvaluationProgress& progress)
{
    if (m_stack->currentWidget() == m_welcome)
        m_welcome->showProgress(progress);
    m_runBar->setMaximum(1000);
    m_overallBar->setMaximum(1000);
    m_runBar->setValue(progress.itemsTotal > 0 ? int(1000 * progress.itemsDone / progress.itemsTotal) : 0);
    m_overallBar->setValue(progress.overallTotal > 0 ? int(1000 * progress.overallDone / progress.overallTotal) : 0);
    QString text = progress.title + QStringLiteral(": ") + progress.phase;
    if (progress.runCount > 0 && progress.phase == QLatin1String("evaluating"))
        text += QStringLiteral(" · run %1/%2 (seed %3)").arg(progress.runIndex + 1).arg(progress.runCount).arg(progress.seed);
    if (progress.itemsPerSecond > 0)
        text += QStringLiteral(" · %1 items/s").arg(progress.itemsPerSecond, 0, 'f', 0);
    if (progress.etaSeconds >= 0)
        text += QStringLiteral(" · ETA %1 s").arg(progress.etaSeconds, 0, 'f', 0);
    if (progress.jobsWaiting > 0)
        text += QStringLiteral(" · %1 job(s) queued").arg(progress.jobsWaiting);
    m_statusText->setText(text);
}

void MainWindow::onJobFinished(const JobOutcome& outcome)
{
    m_statusText->setText(QStringLiteral("%1: %2 run(s) completed%3%4")
                              .arg(outcome.title)
                              .arg(outcome.completed)
                              .arg(outcome.skipped ? QStringLiteral(", %1 already stored").arg(outcome.skipped) : QString(),
                                   outcome.cancelled ? QStringLiteral(", cancelled") : QString()));
    const bool wasDemo = m_demoRunning;
    m_demoRunning = false;
    m_welcome->resetProgress();
    refresh();
    if (!outcome.groups.empty() && (wasDemo || m_groupIds.isEmpty())) {
        QList<qint64> groups;
        for (const auto id : outcome.groups)
            groups << id;
        m_browser->expandToDepth(2);
        selectGroups(groups);
    }
}

void MainWindow::onQueueIdle()
{
    m_cancel->hide();
    m_cancelAction->setEnabled(false);
    m_runBar->hide();
    m_overallBar->hide();
}

void MainWindow::onJobFailed(const QString& title, const QString& message)
{
    m_statusText->setText(title + QStringLiteral(" failed: ") + message);
    if (m_demoRunning)
        m_welcome->showFailure(message);
    m_demoRunning = false;
    refresh();
    showError(QStringLiteral("Evaluation failed"), title + QStringLiteral(": ") + message);
}

} // namespace nf::ui
