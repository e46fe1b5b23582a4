#include "worker/evaluationworker.h"

#include "common/error.h"
#include "common/paths.h"
#include "dialogs/formtext.h"
#include "engine/demo.h"
#include "engine/engine.h"
#include "store/store.h"

#include <QMetaType>
#include <algorithm>
#include <chrono>
#include <filesystem>

namespace nf::ui {
namespace {

using Clock = std::chrono::steady_clock;

// A tiny model at batch size 1 reports thousands of batches a second and every signal is an event
// the GUI thread must handle, so each job sends at most about 20 a second, plus the first and the
// last of each run (a progress bar that never shows 100 % looks stuck).
constexpr auto kMinInterval = std::chrono::milliseconds(50);

class ProgressReporter
{
public:
    ProgressReporter(EvaluationWorker& worker, const QString& title) : m_worker(worker), m_title(title) {}

    // Items/s and the ETA are measured per phase: training and evaluating go at different speeds.
    void startPhase(const QString& phase)
    {
        m_phase = phase;
        m_phaseStart = Clock::now();
        m_lastRunIndex = -1;
    }

    void report(EvaluationProgress progress)
    {
        const auto now = Clock::now();
        const bool newRun = progress.runIndex != m_lastRunIndex;
        const bool runEnd = progress.itemsTotal > 0 && progress.itemsDone >= progress.itemsTotal;
        if (!newRun && !runEnd && now - m_lastEmit < kMinInterval)
            return;
        m_lastRunIndex = progress.runIndex;
        m_lastEmit = now;
        progress.title = m_title;
        progress.phase = m_phase;
        const double seconds = std::chrono::duration<double>(now - m_phaseStart).count();
        if (seconds > 0 && progress.overallDone > 0) {
            progress.itemsPerSecond = static_cast<double>(progress.overallDone) / seconds;
            progress.etaSeconds =
                static_cast<double>(std::max<int64_t>(0, progress.overallTotal - progress.overallDone)) /
                progress.itemsPerSecond;
        }
        Q_EMIT m_worker.progress(progress);
    }

private:
    EvaluationWorker& m_worker;
    QString m_title;
    QString m_phase;
    Clock::time_point m_phaseStart = Clock::now();
    Clock::time_point m_lastEmit;
    int m_lastRunIndex = -1;
};

int seedCount(const std::vector<engine::RunPlan>& plans)
{
    size_t count = 0;
    for (const auto& plan : plans)
        count += plan.seeds.size();
    return static_cast<int>(count);
}

} // namespace

EvaluationWorker::EvaluationWorker() = default;

EvaluationWorker::~EvaluationWorker() = default;

JobOutcome EvaluationWorker::run(const EvaluationJob& job, JobContext& context)
{
    try {
        return evaluate(job, job.kind == EvaluationJob::Kind::Demo ? demoPlans(job, context) : job.plans,
                        context);
    } catch (const Cancelled&) {
        // Cancelled while training the demo models: nothing was stored.
        JobOutcome outcome;
        outcome.title = job.title;
        outcome.cancelled = true;
        return outcome;
    }
}

std::vector<engine::RunPlan> EvaluationWorker::demoPlans(const EvaluationJob& job, const JobContext& context)
{
    // As `noisefloor-cli demo` does: the models are cached next to the default database, so the
    // app and the CLI train them once between them.
    ProgressReporter reporter(*this, job.title);
    reporter.startPhase(QStringLiteral("training demo models"));
    const auto models = engine::loadEngine().ensureDemoModels(
        dataDirectory() / "demo", [&](int epoch, int epochs, int64_t done, int64_t total) {
            // Throwing out of the training loop is safe: each model file is written under a
            // temporary name and renamed, so a cancelled training leaves no half-written model.
            if (context.cancelRequested())
                throw Cancelled();
            EvaluationProgress progress;
            progress.runIndex = epoch - 1;
            progress.runCount = epochs;
            progress.itemsDone = done;
            progress.itemsTotal = total;
            progress.overallDone = static_cast<int64_t>(epoch - 1) * total + done;
            progress.overallTotal = static_cast<int64_t>(epochs) * total;
            reporter.report(progress);
        });
    return engine::demoPlans(models);
}

JobOutcome EvaluationWorker::evaluate(const EvaluationJob& job, std::vector<engine::RunPlan> plans,
                                      JobContext& context)
{
    ProgressReporter reporter(*this, job.title);
    reporter.startPhase(QStringLiteral("loading"));
    EvaluationProgress loading;
    loading.runCount = seedCount(plans);
    reporter.report(loading);

    JobOutcome outcome;
    outcome.title = job.title;
    engine::EvaluationRequest request;
    request.databasePath = context.databasePath();
    request.plans = std::move(plans);
    // A demo's plans come from demoPlans; only the job's own plans can add to a group.
    if (job.kind == EvaluationJob::Kind::Plans)
        request.addsToGroups = job.addsToGroups;
    engine::EvaluationCallbacks callbacks;
    // The engine loads and checks every model and task before it opens the database: a wrong
    // model, a missing file, or a resumed run or group whose files changed throws and writes nothing.
    callbacks.loaded = [&](const std::vector<engine::LoadedEvaluation>&) {
        reporter.startPhase(QStringLiteral("evaluating"));
    };
    callbacks.progress = [&](const engine::RunProgress& run) {
        EvaluationProgress progress;
        progress.runIndex = static_cast<int>(run.runIndex);
        progress.runCount = static_cast<int>(run.runCount);
        progress.seed = run.seed;
        progress.itemsDone = run.itemsDone;
        progress.itemsTotal = run.itemsTotal;
        progress.overallDone = run.overallDone;
        progress.overallTotal = run.overallTotal;
        reporter.report(progress);
    };
    callbacks.outcome = [&](const engine::RunOutcome& run) {
        if (std::find(outcome.groups.begin(), outcome.groups.end(), run.configId) == outcome.groups.end())
            outcome.groups.push_back(run.configId);
        if (run.skipped) {
            ++outcome.skipped;
            return;
        }
        outcome.completed += run.status == store::RunStatus::Completed;
        Q_EMIT runStored(run.runId, run.configId, QString::fromStdString(store::toString(run.status)));
    };
    // A run that fails throws out of evaluate() after its row is stored as failed: the job
    // reports that as failed, after the runStored of every run before it.
    const auto result = engine::loadEngine().evaluate(request, callbacks, context.cancelFlag());
    outcome.cancelled = result.cancelled;
    return outcome;
}

QString describePlans(const std::vector<engine::RunPlan>& plans)
{
    if (plans.empty())
        return QStringLiteral("nothing to run");
    QStringList models;
    QStringList tasks;
    for (const auto& plan : plans) {
        const QString model = planModelName(plan);
        if (!models.contains(model))
            models.append(model);
        const QString task = shortTaskSpec(QString::fromStdString(plan.taskSpec));
        if (!tasks.contains(task))
            tasks.append(task);
    }
    QString title = models.size() == 1 ? models.front() : QStringLiteral("%1 models").arg(models.size());
    title += QStringLiteral(" on ");
    title += tasks.size() == 1 ? tasks.front() : QStringLiteral("%1 tasks").arg(tasks.size());
    if (plans.size() > 1)
        title += QStringLiteral(", %1 configs").arg(plans.size());
    return title;
}

void registerEvaluationMetaTypes()
{
    qRegisterMetaType<nf::ui::EvaluationProgress>("nf::ui::EvaluationProgress");
    qRegisterMetaType<nf::ui::JobOutcome>("nf::ui::JobOutcome");
}

} // namespace nf::ui
