#pragma once

// The one way the desktop program runs work off the GUI thread: the evaluation queue, the Compare
// tab's test, the Items tab's table, Import's read and store, Merge's dry run and merge.
//
// A Job runs one piece of work at a time. The work is a function of a JobContext, called on a
// pool thread (or, for work that runs for hours, on the job's own thread, so that it never holds
// up the short jobs of the global pool); it gets its own Store on the database's path (SQLite
// wants one connection per thread), the cancel flag the engine checks between batches, and
// reportProgress. What it returns comes back through a queued signal: finished() with result(),
// or failed(message) when it threw. Starting another supersedes the one running: that one is asked
// to cancel and whatever it still reports or returns is dropped, so a page never shows the answer
// to a question the user has since changed.

#include <QFuture>
#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

QT_BEGIN_NAMESPACE
class QThreadPool;
QT_END_NAMESPACE

namespace nf::store {
class Store;
}

namespace nf::ui {

class JobContext;

class JobBase : public QObject
{
    Q_OBJECT
public:
    enum class Thread {
        Pool, // the global thread pool: work of seconds
        Own,  // a thread of the job's own: evaluations, which run for minutes or hours
    };

    explicit JobBase(Thread thread = Thread::Pool, QObject* parent = nullptr);
    // Asks the work running to cancel. Work on the job's own thread is waited for; work on the
    // pool may finish later (it holds only copies and its own Store) and its result is dropped.
    ~JobBase() override;

    // The database the work's Store opens (JobContext::store).
    void setDatabasePath(const QString& path) { m_databasePath = path; }

    // From start() until finished or failed has been emitted (a result on its way through the
    // event queue still counts).
    bool busy() const { return m_running != nullptr; }
    // Sets the flag the work checks; the work still ends with finished (with what it did before
    // it stopped) or failed. The next start() begins with a flag of its own.
    void cancel();
    // Cancels the work running and drops what it reports: busy() is false at once.
    void discard();
    // Blocks until the last work started has returned (destructors of owners that must see a
    // write complete).
    void waitForFinished();

Q_SIGNALS:
    // As the work reports it (JobContext::reportProgress).
    void progress(qint64 done, qint64 total);
    void finished();
    void failed(const QString& message);

protected:
    // One start(): its cancel flag, and the way back to this job while it is the one running.
    class Run;
    friend class JobContext;
    // What a finished work leaves for the GUI thread: moves its result into the Job.
    using Delivery = std::function<void(JobBase&)>;
    void launch(std::function<Delivery(JobContext&)> work);

private:
    void settle(const Delivery& delivery, const QString& error);

    QString m_databasePath;
    QThreadPool* m_ownPool = nullptr;
    std::shared_ptr<Run> m_running;
    QFuture<void> m_future;
};

// A job whose work returns a Result.
template <typename Result>
class Job : public JobBase
{
public:
    using JobBase::JobBase;
    using Work = std::function<Result(JobContext&)>;

    // Runs `work` (which should hold copies, not references to GUI objects), superseding the
    // work running.
    void start(Work work)
    {
        launch([work = std::move(work)](JobContext& context) -> Delivery {
            auto result = std::make_shared<Result>(work(context));
            return [result](JobBase& job) { static_cast<Job&>(job).m_result = std::move(*result); };
        });
    }

    // The last result, from finished() on; empty before the first and after a failure.
    const std::optional<Result>& result() const { return m_result; }
    Result takeResult() { return std::move(*std::exchange(m_result, std::nullopt)); }

private:
    std::optional<Result> m_result;
};

// What the work sees, on its thread.
class JobContext
{
public:
    explicit JobContext(std::shared_ptr<JobBase::Run> run);
    ~JobContext();
    JobContext(const JobContext&) = delete;
    JobContext& operator=(const JobContext&) = delete;

    bool cancelRequested() const;
    // For the engine, which checks it between batches.
    const std::atomic<bool>* cancelFlag() const;
    // Emitted as JobBase::progress on the GUI thread, unless the job was superseded.
    void reportProgress(qint64 done, qint64 total);
    // The database file, for work that opens its own connection (the engine, in its library).
    std::string databasePath() const;
    // The work's own connections to the database, opened on first use (so that work that fails
    // before it needs one writes nothing) and closed before the result is delivered.
    store::Store& store();
    const store::Store& readOnlyStore();

private:
    std::shared_ptr<JobBase::Run> m_run;
    std::unique_ptr<store::Store> m_store;
    std::unique_ptr<store::Store> m_readOnlyStore;
};

} // namespace nf::ui
