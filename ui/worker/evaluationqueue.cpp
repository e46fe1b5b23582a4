#include "worker/evaluationqueue.h"

#include "worker/evaluationworker.h"

#include <QThread>

namespace nf::ui {

EvaluationQueue::EvaluationQueue(QString databasePath, QObject* parent)
    : QObject(parent), m_databasePath(std::move(databasePath))
{
    registerEvaluationMetaTypes();
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("evaluation"));
    m_worker = new EvaluationWorker(m_databasePath);
    m_worker->moveToThread(m_thread);

    // Every connection is queued (the worker lives on the other thread), with this queue as the
    // receiver: nothing arrives after the queue is gone.
    connect(m_worker, &EvaluationWorker::progress, this, [this](EvaluationProgress progress) {
        progress.jobsWaiting = static_cast<int>(m_waiting.size());
        Q_EMIT this->progress(progress);
    });
    connect(m_worker, &EvaluationWorker::runStored, this, &EvaluationQueue::runStored);
    connect(m_worker, &EvaluationWorker::jobFinished, this, [this](const JobOutcome& outcome) {
        Q_EMIT jobFinished(outcome);
        m_busy = false;
        startNext();
    });
    connect(m_worker, &EvaluationWorker::jobFailed, this,
            [this](const QString& title, const QString& message) {
                Q_EMIT jobFailed(title, message);
                m_busy = false;
                startNext();
            });
    m_thread->start();
}

EvaluationQueue::~EvaluationQueue()
{
    cancelAll();
    m_thread->quit();
    // The job in flight stops at its next batch (or once its model and task have loaded) and
    // stores its run as cancelled before the thread ends.
    m_thread->wait();
    // The thread has stopped: nothing runs on the worker any more, so it can go from here.
    delete m_worker;
}

void EvaluationQueue::enqueue(EvaluationJob job)
{
    if (job.title.isEmpty())
        job.title = job.kind == EvaluationJob::Kind::Demo ? QStringLiteral("demo") : describePlans(job.plans);
    m_waiting.push_back(std::move(job));
    if (!m_busy)
        startNext();
}

bool EvaluationQueue::busy() const
{
    return m_busy;
}

int EvaluationQueue::waiting() const
{
    return static_cast<int>(m_waiting.size());
}

void EvaluationQueue::cancelCurrent()
{
    if (m_busy)
        m_worker->requestCancel();
}

void EvaluationQueue::cancelAll()
{
    m_waiting.clear();
    cancelCurrent();
}

void EvaluationQueue::startNext()
{
    if (m_waiting.empty()) {
        Q_EMIT idle();
        return;
    }
    EvaluationJob job = std::move(m_waiting.front());
    m_waiting.pop_front();
    m_busy = true;
    // Reset here, on the GUI thread, before the job is handed over: a cancel that arrives between
    // now and the job's first batch then still stops it.
    m_worker->resetCancel();
    Q_EMIT jobStarted(job.title);
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, job = std::move(job)] { worker->run(job); }, Qt::QueuedConnection);
}

} // namespace nf::ui
