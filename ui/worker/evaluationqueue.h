#pragma once

// Evaluations run one after another as a Job on a thread of its own, with the job's own Store on
// the database file (one Store per thread). Progress, each stored run and the end of each
// evaluation come back through queued signals; cancelling sets the job's flag, which the engine
// checks between batches, so the run in flight is stored as cancelled and runs already committed
// stay.

#include "engine/runner.h"
#include "jobs/job.h"

#include <QObject>
#include <QString>

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

namespace nf::ui {

struct EvaluationJob
{
    enum class Kind {
        Demo,  // train (or reuse) the demo models, then run the demo's preset plans
        Plans, // the given plans, each its own config group
    };
    Kind kind = Kind::Plans;
    QString title; // "demo", "model.pt on fashion-mnist:test, 3 configs"
    std::vector<engine::RunPlan> plans;
    // Per plan of a Plans job, in order: the config group that plan adds runs to ("more repeats"),
    // 0 for none; shorter (or empty) means 0 for the rest. The worker refuses the job before it
    // stores anything when a loaded plan's model, task data or tokenizer is not that group's.
    // (A resume plan names its run in RunPlan::resumeRun, which the worker checks the same way.)
    std::vector<int64_t> addsToGroups{};
};

struct EvaluationProgress
{
    QString title;
    QString phase;           // "training demo models", "loading", "evaluating"
    int runIndex = 0;        // 0-based, within the job
    int runCount = 0;
    int64_t seed = 0;
    int64_t itemsDone = 0;   // of the run
    int64_t itemsTotal = 0;
    int64_t overallDone = 0; // of the job
    int64_t overallTotal = 0;
    double itemsPerSecond = 0; // over the job so far
    double etaSeconds = -1;    // -1 while unknown
    int jobsWaiting = 0;       // queued behind this one
};

struct JobOutcome
{
    QString title;
    int completed = 0;
    int skipped = 0;
    bool cancelled = false;
    std::vector<int64_t> groups; // config groups the job touched
};

class EvaluationWorker;

class EvaluationQueue : public QObject
{
    Q_OBJECT
public:
    explicit EvaluationQueue(QString databasePath, QObject* parent = nullptr);
    ~EvaluationQueue() override; // cancels, then waits for the run in flight to be stored

    void enqueue(EvaluationJob job);
    bool busy() const;
    int waiting() const;
    // Cancels the job in flight (its run in flight is stored as cancelled); queued jobs stay.
    void cancelCurrent();
    // Cancels the job in flight and drops the queued ones.
    void cancelAll();

Q_SIGNALS:
    void jobStarted(const QString& title);
    void progress(const nf::ui::EvaluationProgress& progress);
    // A run was committed (or stored as cancelled/failed): status as in store::RunRow.
    void runStored(qint64 runId, qint64 groupId, const QString& status);
    void jobFinished(const nf::ui::JobOutcome& outcome);
    // Nothing was started (bad model, bad task: message names the file and the problem), or the
    // job stopped on an error after the runs listed by runStored.
    void jobFailed(const QString& title, const QString& message);
    void idle();

private:
    void startNext();

    std::unique_ptr<EvaluationWorker> m_worker;
    std::deque<EvaluationJob> m_waiting;
    QString m_title; // of the evaluation in flight
    // Destroyed before the worker it calls: its destructor cancels and waits.
    Job<JobOutcome> m_job{JobBase::Thread::Own};
};

} // namespace nf::ui

Q_DECLARE_METATYPE(nf::ui::EvaluationProgress)
Q_DECLARE_METATYPE(nf::ui::JobOutcome)
