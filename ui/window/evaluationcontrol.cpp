#include "window/evaluationcontrol.h"

#include "dialogs/newevaluationdialog.h"
#include "engine/resume_plan.h"
#include "pages/welcomepage.h"
#include "store/store.h"
#include "window/errorbox.h"
#include "worker/evaluationqueue.h"
#include "worker/evaluationworker.h"

#include <QAction>
#include <QLabel>
#include <QMainWindow>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>
#include <QStatusBar>

namespace nf::ui {

EvaluationControl::EvaluationControl(QMainWindow* window, QStackedWidget* stack, WelcomePage* welcome)
    : QObject(window), m_window(window), m_stack(stack), m_welcome(welcome), m_statusText(new QLabel(window)),
      m_runBar(new QProgressBar(window)), m_overallBar(new QProgressBar(window)),
      m_cancel(new QPushButton(QStringLiteral("Cancel"), window)),
      m_cancelAction(new QAction(QStringLiteral("&Cancel evaluation"), this))
{
    m_statusText->setObjectName(QStringLiteral("statusText"));
    m_runBar->setObjectName(QStringLiteral("runProgress"));
    m_runBar->setMaximumWidth(160);
    m_runBar->setFormat(QStringLiteral("run %p%"));
    m_overallBar->setObjectName(QStringLiteral("overallProgress"));
    m_overallBar->setMaximumWidth(160);
    m_overallBar->setFormat(QStringLiteral("all %p%"));
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancel->setToolTip(QStringLiteral("Stop the evaluation: the run in flight is stored as cancelled, "
                                        "completed runs stay"));
    window->statusBar()->addWidget(m_statusText, 1);
    window->statusBar()->addPermanentWidget(m_runBar);
    window->statusBar()->addPermanentWidget(m_overallBar);
    window->statusBar()->addPermanentWidget(m_cancel);
    m_cancelAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    onIdle();

    const auto cancel = [this] {
        if (m_queue)
            m_queue->cancelCurrent();
    };
    connect(m_cancel, &QPushButton::clicked, this, cancel);
    connect(m_cancelAction, &QAction::triggered, this, cancel);
}

EvaluationControl::~EvaluationControl()
{
    delete m_queue;
}

void EvaluationControl::openDatabase(const QString& path, const store::Store* store)
{
    delete m_queue; // cancels a job in flight and waits for its run to be stored as cancelled
    m_queue = nullptr;
    onIdle();
    m_demoRunning = false;
    m_welcome->resetProgress();
    m_store = store;
    m_databasePath = path;
    m_queue = new EvaluationQueue(path, this);
    connect(m_queue, &EvaluationQueue::progress, this, &EvaluationControl::onProgress);
    connect(m_queue, &EvaluationQueue::runStored, this, &EvaluationControl::runStored);
    connect(m_queue, &EvaluationQueue::jobFinished, this, &EvaluationControl::onJobFinished);
    connect(m_queue, &EvaluationQueue::jobFailed, this, &EvaluationControl::onJobFailed);
    connect(m_queue, &EvaluationQueue::idle, this, &EvaluationControl::onIdle);
}

bool EvaluationControl::busy() const
{
    return m_queue && m_queue->busy();
}

void EvaluationControl::showStatus(const QString& text)
{
    m_statusText->setText(text);
}

void EvaluationControl::runDemo()
{
    EvaluationJob job;
    job.kind = EvaluationJob::Kind::Demo;
    job.title = QStringLiteral("demo");
    m_demoRunning = true;
    enqueue(std::move(job));
}

void EvaluationControl::newEvaluation()
{
    auto* dialog = new NewEvaluationDialog(m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setDatabasePath(m_databasePath);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        if (const auto& jobs = dialog->submittedJobs(); !jobs.empty()) {
            QList<qint64> ids;
            QStringList arrays;
            for (const auto& job : jobs) {
                ids << job.id;
                arrays << QString::fromStdString(job.arrayId);
            }
            m_statusText->setText(
                QStringLiteral("%1: submitted to Slurm (array %2); the runs appear as their "
                               "shards are collected")
                    .arg(dialog->jobTitle(), arrays.join(QStringLiteral(", "))));
            Q_EMIT clusterJobsSubmitted(ids);
            return;
        }
        EvaluationJob job;
        job.kind = EvaluationJob::Kind::Plans;
        job.plans = dialog->plans();
        job.title = dialog->jobTitle();
        enqueue(std::move(job));
    });
    dialog->open();
}

void EvaluationControl::resumeRun(qint64 runId)
{
    if (!m_store)
        return;
    EvaluationJob job;
    job.kind = EvaluationJob::Kind::Plans;
    try {
        job.plans.push_back(engine::resumePlanForRun(*m_store, runId));
    } catch (const std::exception& e) {
        showErrorBox(m_window, QStringLiteral("Resume run"), QString::fromUtf8(e.what()));
        return;
    }
    job.title = QStringLiteral("resume run %1: %2").arg(runId).arg(describePlans(job.plans));
    enqueue(std::move(job));
}

void EvaluationControl::queueMoreRepeats(qint64 groupA, qint64 groupB, int moreA, int moreB)
{
    if (!m_store)
        return;
    EvaluationJob job;
    job.kind = EvaluationJob::Kind::Plans;
    try {
        // Each plan names its group: the worker checks the loaded model is still the group's.
        const auto add = [&](qint64 group, int more) {
            if (group <= 0 || more <= 0)
                return;
            for (auto& plan : engine::morePlansForGroup(*m_store, group, more)) {
                job.plans.push_back(std::move(plan));
                job.addsToGroups.push_back(group);
            }
        };
        add(groupA, moreA);
        add(groupB, moreB);
    } catch (const std::exception& e) {
        showErrorBox(m_window, QStringLiteral("More repeats"), QString::fromUtf8(e.what()));
        return;
    }
    if (job.plans.empty())
        return;
    job.title = QStringLiteral("%1 more repeats").arg(moreA + moreB);
    enqueue(std::move(job));
}

void EvaluationControl::enqueue(EvaluationJob job)
{
    if (!m_queue)
        return;
    m_queue->enqueue(std::move(job));
    m_cancel->show();
    m_cancelAction->setEnabled(true);
    m_runBar->show();
    m_overallBar->show();
}

void EvaluationControl::onProgress(const EvaluationProgress& progress)
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

void EvaluationControl::onJobFinished(const JobOutcome& outcome)
{
    m_statusText->setText(QStringLiteral("%1: %2 run(s) completed%3%4")
                              .arg(outcome.title)
                              .arg(outcome.completed)
                              .arg(outcome.skipped ? QStringLiteral(", %1 already stored").arg(outcome.skipped) : QString(),
                                   outcome.cancelled ? QStringLiteral(", cancelled") : QString()));
    const bool wasDemo = std::exchange(m_demoRunning, false);
    m_welcome->resetProgress();
    QList<qint64> groups;
    for (const auto id : outcome.groups)
        groups << id;
    Q_EMIT jobFinished(groups, wasDemo);
}

void EvaluationControl::onJobFailed(const QString& title, const QString& message)
{
    m_statusText->setText(title + QStringLiteral(" failed: ") + message);
    if (m_demoRunning)
        m_welcome->showFailure(message);
    m_demoRunning = false;
    Q_EMIT jobFailed(title, message);
}

void EvaluationControl::onIdle()
{
    m_cancel->hide();
    m_cancelAction->setEnabled(false);
    m_runBar->hide();
    m_overallBar->hide();
}

} // namespace nf::ui
