#include "jobs/job.h"

#include "store/store.h"

#include <QFile>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <mutex>
#include <stdexcept>

namespace nf::ui {

class JobBase::Run : public std::enable_shared_from_this<Run>
{
public:
    Run(JobBase* owner, QString databasePath) : databasePath(std::move(databasePath)), m_owner(owner) {}

    // Called from the work's thread: `deliver` runs on the owner's thread, unless the owner has
    // since started other work, discarded this one or is gone. Posting under the mutex that
    // detach() takes means nothing is posted to an owner being destroyed.
    void post(std::function<void(JobBase&)> deliver)
    {
        const std::lock_guard lock(m_mutex);
        if (!m_owner)
            return;
        QMetaObject::invokeMethod(
            m_owner,
            [owner = m_owner, self = shared_from_this(), deliver = std::move(deliver)] {
                // An event posted before the owner moved on is still in the queue: drop it.
                if (owner->m_running == self)
                    deliver(*owner);
            },
            Qt::QueuedConnection);
    }

    void detach()
    {
        const std::lock_guard lock(m_mutex);
        m_owner = nullptr;
    }

    std::atomic<bool> cancel{false};
    const QString databasePath;

private:
    std::mutex m_mutex;
    JobBase* m_owner;
};

JobBase::JobBase(Thread thread, QObject* parent) : QObject(parent)
{
    if (thread == Thread::Own) {
        m_ownPool = new QThreadPool(this);
        m_ownPool->setMaxThreadCount(1);
        m_ownPool->setExpiryTimeout(-1); // one thread for the job's lifetime
    }
}

JobBase::~JobBase()
{
    discard();
    if (m_ownPool)
        m_future.waitForFinished();
}

void JobBase::cancel()
{
    if (m_running)
        m_running->cancel = true;
}

void JobBase::discard()
{
    if (!m_running)
        return;
    m_running->cancel = true;
    m_running->detach();
    m_running.reset();
}

void JobBase::waitForFinished()
{
    m_future.waitForFinished();
}

void JobBase::launch(std::function<Delivery(JobContext&)> work)
{
    discard();
    auto run = std::make_shared<Run>(this, m_databasePath);
    m_running = run;
    auto body = [run, work = std::move(work)] {
        Delivery delivery;
        QString error;
        try {
            JobContext context(run);
            delivery = work(context);
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        } catch (...) {
            error = QStringLiteral("unexpected error");
        }
        // The context, and with it the work's Store, is closed here: before the owner hears of the end.
        run->post([delivery = std::move(delivery), error](JobBase& job) { job.settle(delivery, error); });
    };
    m_future = m_ownPool ? QtConcurrent::run(m_ownPool, std::move(body)) : QtConcurrent::run(std::move(body));
}

void JobBase::settle(const Delivery& delivery, const QString& error)
{
    m_running.reset();
    if (delivery) {
        delivery(*this);
        Q_EMIT finished();
    } else {
        Q_EMIT failed(error);
    }
}

JobContext::JobContext(std::shared_ptr<JobBase::Run> run) : m_run(std::move(run)) {}

JobContext::~JobContext() = default;

bool JobContext::cancelRequested() const
{
    return m_run->cancel.load();
}

const std::atomic<bool>* JobContext::cancelFlag() const
{
    return &m_run->cancel;
}

void JobContext::reportProgress(qint64 done, qint64 total)
{
    m_run->post([done, total](JobBase& job) { Q_EMIT job.progress(done, total); });
}

namespace {

std::unique_ptr<store::Store> openStore(const QString& databasePath, store::OpenMode mode)
{
    if (databasePath.isEmpty())
        throw std::logic_error("a job without a database asked for its store");
    return std::make_unique<store::Store>(QFile::encodeName(databasePath).toStdString(), mode);
}

} // namespace

std::string JobContext::databasePath() const
{
    return QFile::encodeName(m_run->databasePath).toStdString();
}

store::Store& JobContext::store()
{
    if (!m_store)
        m_store = openStore(m_run->databasePath, store::OpenMode::ReadWrite);
    return *m_store;
}

const store::Store& JobContext::readOnlyStore()
{
    if (!m_readOnlyStore)
        m_readOnlyStore = openStore(m_run->databasePath, store::OpenMode::ReadOnly);
    return *m_readOnlyStore;
}

} // namespace nf::ui
