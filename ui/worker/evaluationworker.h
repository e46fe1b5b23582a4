#pragma once

// The object that lives on the evaluation thread. EvaluationQueue owns it and hands it one job at a
// time; everything it reports goes back through queued signals. It opens its own Store on the
// database file for each job (one Store per thread, never the GUI thread's) after the job's
// models and tasks have loaded, so a job that fails to load writes nothing; nor does one whose
// resumed run or group (EvaluationJob::addsToGroups) was run with other model, task or tokenizer
// bytes than it loaded.

#include "worker/evaluationqueue.h"

#include <QObject>
#include <QString>
#include <atomic>
#include <vector>

namespace nf::ui {

class EvaluationWorker : public QObject
{
    Q_OBJECT
public:
    explicit EvaluationWorker(QString databasePath);
    ~EvaluationWorker() override;

    // Thread-safe, called from the GUI thread: the engine checks the flag between batches.
    void requestCancel();
    // Called by the queue before it hands over the next job, so that a cancel meant for the job
    // before cannot stop this one and a cancel that comes before this job starts still does.
    void resetCancel();

    // Runs on the worker thread. Ends with exactly one of jobFinished or jobFailed.
    void run(const nf::ui::EvaluationJob& job);

Q_SIGNALS:
    void progress(const nf::ui::EvaluationProgress& progress);
    // Runs stored by the engine (completed, cancelled or failed). Runs skipped because their seed
    // already completed in that group are not new rows: they are only counted in JobOutcome.
    void runStored(qint64 runId, qint64 groupId, const QString& status);
    void jobFinished(const nf::ui::JobOutcome& outcome);
    void jobFailed(const QString& title, const QString& message);

private:
    std::vector<engine::RunPlan> demoPlans(const EvaluationJob& job);
    void evaluate(const EvaluationJob& job, std::vector<engine::RunPlan> plans);

    QString m_databasePath;
    std::atomic<bool> m_cancel{false};
};

// "model.pt on fashion-mnist:test, 3 configs": the title of a job made of these plans.
QString describePlans(const std::vector<engine::RunPlan>& plans);

// Makes the queued signals' types known to Qt's meta-type system (idempotent).
void registerEvaluationMetaTypes();

} // namespace nf::ui
