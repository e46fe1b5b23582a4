#include "worker/evaluationqueue.h"

#include "worker/evaluationworker.h"

namespace nf::ui {

EvaluationQueue::EvaluationQueue(QString databasePath, QObject* parent)
    : QObject(parent), m_worker(std::make_unique<EvaluationWorker>())
{
    registerEvaluationMetaTypes();
    m_job.setDatabasePath(databasePath);

    // The worker reports from the job's thread, so these connections are queued, with this queue
    // as the receiver: nothing arrives after the queue is gone.
    connect(m_worker.get(), &EvaluationWorker::progress, this, [this](EvaluationProgress progress) {
        progress.jobsWaiting = static_cast<int>(m_waiting.size());
        Q_EMIT this->progress(progress);
    });
    connect(m_worker.get(), &EvaluationWorker::runStored, this, &EvaluationQueue::runStored);
    connect(&m_job, &JobBase::finished, this, [this] {
        Q_EMIT jobFinished(m_job.takeResult());
        startNext();
    });
    connect(&m_job, &JobBase::failed, this, [this](const QString& message) {
        Q_EMIT jobFailed(m_title, message);
        startNext();
    });
}

EvaluationQueue::~EvaluationQueue()
{
    // The job in flight stops at its next batch (or once its model and task have loaded) and
    // stores its run as cancelled; m_job's destructor waits for that.
    cancelAll();
}

void EvaluationQueue::enqueue(EvaluationJob job)
{
    if (job.title.isEmpty())
        job.title = job.kind == EvaluationJob::Kind::Demo ? QStringLiteral("demo") : describePlans(job.plans);
    m_waiting.push_back(std::move(job));
    startNext();
}

bool EvaluationQueue::busy() const
{
    return m_job.busy();
}

int EvaluationQueue::waiting() const
{
    return static_cast<int>(m_waiting.size());
}

void EvaluationQueue::cancelCurrent()
{
    m_job.cancel();
}

void EvaluationQueue::cancelAll()
{
    m_waiting.clear();
    cancelCurrent();
}

void EvaluationQueue::startNext()
{
    if (m_job.busy())
        return;
    if (m_waiting.empty()) {
        Q_EMIT idle();
        return;
    }
    EvaluationJob job = std::move(m_waiting.front());
    m_waiting.pop_front();
    m_title = job.title;
    // Each job starts with a cancel flag of its own: a cancel meant for the one before cannot
    // stop it, and one that comes before its first batch still does.
    m_job.start([worker = m_worker.get(), job = std::move(job)](JobContext& context) {
        return worker->run(job, context);
    });
    Q_EMIT jobStarted(m_title);
}

} // namespace nf::ui
