// RepeatRunner: every seed of every evaluation in turn, each run stored as it completes.

#include "engine/runner.h"

#include "common/error.h"
#include "common/utc_time.h"
#include "env/environment.h"
#include "store/store.h"

#include <chrono>

namespace nf::engine {

RepeatRunner::RepeatRunner(store::Store& store, ProgressFn progress, const std::atomic<bool>* cancel)
    : m_store(store), m_progress(std::move(progress)), m_cancel(cancel)
{}

namespace {

std::string nowIso()
{
    return isoUtc(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()));
}

struct GroupIds
{
    int64_t configId = 0;
    int64_t envId = 0;
};

GroupIds registerEvaluation(store::Store& store, Evaluation& evaluation)
{
    const auto& plan = evaluation.plan();
    const int64_t modelId =
        store.ensureModel(plan.modelPath, evaluation.modelSha256(), evaluation.modelKind(), plan.modelLabel);
    const int64_t taskId = store.ensureTask(evaluation.taskKind(), evaluation.taskSpec(), evaluation.taskSha256(),
                                            evaluation.taskLabel(), evaluation.taskItems());
    GroupIds ids;
    ids.configId = store.ensureConfig(modelId, taskId, evaluation.paramsJson(), evaluation.configHash());

    evaluation.applyRuntime();
    auto snapshot = env::hostSnapshot();
    evaluation.describe(snapshot);
    ids.envId = store.ensureEnvironment(snapshot.json(), snapshot.hash());
    return ids;
}

} // namespace

RepeatResult RepeatRunner::run(std::vector<Evaluation>& evaluations)
{
    RunProgress progress;
    for (const auto& evaluation : evaluations) {
        progress.runCount += evaluation.plan().seeds.size();
        progress.overallTotal +=
            evaluation.itemsPerRun() * static_cast<int64_t>(evaluation.plan().seeds.size());
    }

    RepeatResult result;
    auto record = [&](const RunOutcome& outcome) {
        result.outcomes.push_back(outcome);
        if (m_onOutcome)
            m_onOutcome(outcome);
    };
    for (auto& evaluation : evaluations) {
        const auto& plan = evaluation.plan();
        const auto ids = registerEvaluation(m_store, evaluation);
        for (const int64_t seed : plan.seeds) {
            RunOutcome outcome;
            outcome.configId = ids.configId;
            outcome.seed = seed;
            const int64_t items = evaluation.itemsPerRun();
            progress.seed = seed;
            progress.itemsDone = 0;
            progress.itemsTotal = items;

            store::NewRun newRun;
            newRun.configId = ids.configId;
            newRun.envId = ids.envId;
            newRun.seed = seed;
            newRun.label = plan.label;
            newRun.reproduces = plan.reproduces;
            if (!newRun.reproduces && !plan.resumeRun) {
                if (const auto existing = m_store.findCompletedRun(ids.configId, seed)) {
                    if (!plan.rerun) {
                        outcome.runId = *existing;
                        outcome.skipped = true;
                        outcome.accuracy = m_store.run(*existing)->accuracy;
                        record(outcome);
                        // Skipped work is no work: it leaves the total rather than inflating items/s.
                        progress.overallTotal -= items;
                        ++progress.runIndex;
                        if (m_progress)
                            m_progress(progress);
                        continue;
                    }
                    newRun.reproduces = existing;
                }
            }

            // A cancel between runs (during a commit, say) starts nothing more and stores no empty run.
            if (m_cancel && m_cancel->load()) {
                result.cancelled = true;
                return result;
            }
            std::vector<bool> done;
            int64_t doneBefore = 0;
            if (plan.resumeRun) {
                const auto run = m_store.run(*plan.resumeRun);
                if (!run || run->configId != ids.configId || run->seed != seed)
                    throw InputError("run " + std::to_string(*plan.resumeRun) +
                                     " belongs to another config group or seed than this evaluation (did the "
                                     "model, tokenizer or data file change since it started?)");
                outcome.runId = *plan.resumeRun;
                for (const auto& item : m_store.resumeRun(outcome.runId)) {
                    if (done.size() <= static_cast<size_t>(item.idx))
                        done.resize(static_cast<size_t>(item.idx) + 1, false);
                    done[static_cast<size_t>(item.idx)] = true;
                    ++doneBefore;
                }
            } else {
                outcome.runId = m_store.beginRun(newRun);
            }
            const int64_t overallBefore = progress.overallDone;
            progress.itemsDone = doneBefore;
            progress.overallDone = overallBefore + doneBefore;
            const auto started = std::chrono::steady_clock::now();
            try {
                auto rows = evaluation.evaluate(
                    seed, done,
                    [&](int64_t finished, int64_t) {
                        progress.itemsDone = doneBefore + finished;
                        progress.overallDone = overallBefore + doneBefore + finished;
                        if (m_progress)
                            m_progress(progress);
                    },
                    m_cancel, [&](std::vector<store::ItemRow>&& chunk) { m_store.appendRunItems(outcome.runId, chunk); });
                outcome.seconds =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
                m_store.completeRun(outcome.runId, rows, outcome.seconds);
                outcome.status = store::RunStatus::Completed;
                outcome.accuracy = m_store.run(outcome.runId)->accuracy;
            } catch (const Cancelled&) {
                m_store.endRun(outcome.runId, store::RunStatus::Cancelled,
                               "cancelled at " + std::to_string(progress.itemsDone) + " of " +
                                   std::to_string(items) + " items, " + nowIso());
                outcome.status = store::RunStatus::Cancelled;
                record(outcome);
                result.cancelled = true;
                return result;
            } catch (const std::exception& e) {
                outcome.status = store::RunStatus::Failed;
                outcome.message = e.what();
                try {
                    m_store.endRun(outcome.runId, store::RunStatus::Failed, e.what());
                } catch (const std::exception&) {
                    // The store itself failed (a full disk): the row stays `running` and is marked
                    // interrupted when a store next opens; completed runs are already committed.
                }
                record(outcome);
                throw;
            }
            progress.overallDone = overallBefore + items;
            ++progress.runIndex;
            record(outcome);
        }
        evaluation.releaseCaches();
    }
    return result;
}

} // namespace nf::engine
