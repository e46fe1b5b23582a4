#pragma once

// What runs one evaluation on the evaluation queue's job thread. EvaluationQueue owns it and
// hands it one job at a time; the progress and the runs it reports go back through queued signals
// (it is called on the job's thread, its receivers live on the GUI thread). It hands the job to the
// engine (engine::loadEngine, libnoisefloor-engine.so opened on first use), which opens a Store of
// its own on the job's database only after the job's models and tasks have loaded, so a job that
// fails to load writes nothing; nor does one whose resumed run or group
// (EvaluationJob::addsToGroups) was run with other model, task or tokenizer bytes than it loaded.

#include "jobs/job.h"
#include "worker/evaluationqueue.h"

#include <QObject>
#include <QString>
#include <vector>

namespace nf::ui {

class EvaluationWorker : public QObject
{
    Q_OBJECT
public:
    EvaluationWorker();
    ~EvaluationWorker() override;

    // Runs on the job's thread; the engine checks the context's cancel flag between batches. A
    // cancelled job returns what it did; a job that cannot start, or stops on an error after the
    // runs reported by runStored, throws with a message naming the file and the problem.
    JobOutcome run(const EvaluationJob& job, JobContext& context);

Q_SIGNALS:
    void progress(const nf::ui::EvaluationProgress& progress);
    // Runs stored by the engine (completed, cancelled or failed). Runs skipped because their seed
    // already completed in that group are not new rows: they are only counted in JobOutcome.
    void runStored(qint64 runId, qint64 groupId, const QString& status);

private:
    std::vector<engine::RunPlan> demoPlans(const EvaluationJob& job, const JobContext& context);
    JobOutcome evaluate(const EvaluationJob& job, std::vector<engine::RunPlan> plans, JobContext& context);
};

// "model.pt on fashion-mnist:test, 3 configs": the title of a job made of these plans.
QString describePlans(const std::vector<engine::RunPlan>& plans);

// Makes the queued signals' types known to Qt's meta-type system (idempotent).
void registerEvaluationMetaTypes();

} // namespace nf::ui
