#include "engine/runner.h"

#include "common/error.h"
#include "common/sha256.h"
#include "engine/classifier.h"
#include "env/environment.h"
#include "formats/task.h"
#include "store/store.h"

#include <charconv>
#include <chrono>
#include <filesystem>
#include <map>

namespace nf::engine {

struct Evaluation::Impl
{
    RunPlan plan;
    std::shared_ptr<const formats::ImageTask> task;
    std::unique_ptr<Classifier> classifier;
    std::string modelSha256;
    std::string paramsJson;
    std::string configHash;
};

Evaluation::Evaluation(RunPlan plan) : Evaluation(std::move(plan), nullptr) {}

Evaluation::Evaluation(RunPlan plan, std::shared_ptr<const formats::ImageTask> task)
    : d(std::make_unique<Impl>())
{
    validate(plan.config);
    if (plan.seeds.empty())
        throw InputError("seeds: at least one seed is needed");
    if (!std::filesystem::exists(plan.modelPath))
        throw InputError(plan.modelPath + ": no such file");
    plan.modelPath = std::filesystem::absolute(plan.modelPath).lexically_normal().string();
    if (plan.modelLabel.empty())
        plan.modelLabel = std::filesystem::path(plan.modelPath).filename().string();
    d->task = task ? std::move(task)
                   : std::make_shared<const formats::ImageTask>(formats::loadImageTask(plan.taskSpec));
    d->classifier = std::make_unique<Classifier>(plan.modelPath, plan.config);
    d->classifier->checkAgainst(*d->task);
    d->modelSha256 = sha256File(plan.modelPath);
    d->paramsJson = canonicalParamsJson(plan.config, d->classifier->deviceType());
    d->configHash = engine::configHash(d->paramsJson, d->modelSha256, d->task->sha256);
    d->plan = std::move(plan);
}

Evaluation::~Evaluation() = default;
Evaluation::Evaluation(Evaluation&&) noexcept = default;
Evaluation& Evaluation::operator=(Evaluation&&) noexcept = default;

const RunPlan& Evaluation::plan() const
{
    return d->plan;
}
const formats::ImageTask& Evaluation::task() const
{
    return *d->task;
}
Classifier& Evaluation::classifier()
{
    return *d->classifier;
}
const std::string& Evaluation::modelSha256() const
{
    return d->modelSha256;
}
const std::string& Evaluation::paramsJson() const
{
    return d->paramsJson;
}
const std::string& Evaluation::configHash() const
{
    return d->configHash;
}
int64_t Evaluation::itemsPerRun() const
{
    return itemCount(*d->task, d->plan.config);
}

std::vector<Evaluation> prepareEvaluations(std::vector<RunPlan> plans)
{
    std::map<std::string, std::shared_ptr<const formats::ImageTask>> tasks;
    std::vector<Evaluation> evaluations;
    for (auto& plan : plans) {
        auto& task = tasks[plan.taskSpec];
        if (!task)
            task = std::make_shared<const formats::ImageTask>(formats::loadImageTask(plan.taskSpec));
        evaluations.emplace_back(std::move(plan), task);
    }
    return evaluations;
}

RepeatRunner::RepeatRunner(store::Store& store, ProgressFn progress, const std::atomic<bool>* cancel)
    : m_store(store), m_progress(std::move(progress)), m_cancel(cancel)
{}

namespace {

std::string nowIso()
{
    const auto now = std::chrono::system_clock::now();
    const auto seconds = std::chrono::system_clock::to_time_t(now);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

struct GroupIds
{
    int64_t configId = 0;
    int64_t envId = 0;
};

GroupIds registerEvaluation(store::Store& store, Evaluation& evaluation)
{
    const auto& task = evaluation.task();
    std::vector<store::TaskItem> items(static_cast<size_t>(task.n));
    for (size_t i = 0; i < items.size(); ++i) {
        const int label = task.labels[i];
        items[i] = {task.classNames[static_cast<size_t>(label)], std::to_string(label)};
    }
    const auto& plan = evaluation.plan();
    const int64_t modelId =
        store.ensureModel(plan.modelPath, evaluation.modelSha256(), "classifier", plan.modelLabel);
    const int64_t taskId = store.ensureTask("image", task.spec, task.sha256, task.label, items);
    GroupIds ids;
    ids.configId = store.ensureConfig(modelId, taskId, evaluation.paramsJson(), evaluation.configHash());

    evaluation.classifier().applyRuntime();
    auto snapshot = env::hostSnapshot();
    evaluation.classifier().describe(snapshot);
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
            if (!newRun.reproduces) {
                if (const auto existing = m_store.findCompletedRun(ids.configId, seed)) {
                    if (!plan.rerun) {
                        outcome.runId = *existing;
                        outcome.status = "skipped";
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
            outcome.runId = m_store.beginRun(newRun);
            const int64_t overallBefore = progress.overallDone;
            const auto started = std::chrono::steady_clock::now();
            try {
                auto rows = evaluation.classifier().evaluate(
                    evaluation.task(), seed,
                    [&](int64_t done, int64_t) {
                        progress.itemsDone = done;
                        progress.overallDone = overallBefore + done;
                        if (m_progress)
                            m_progress(progress);
                    },
                    m_cancel);
                outcome.seconds =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
                m_store.completeRun(outcome.runId, rows, outcome.seconds);
                outcome.status = "completed";
                outcome.accuracy = m_store.run(outcome.runId)->accuracy;
            } catch (const Cancelled&) {
                m_store.endRun(outcome.runId, store::kCancelled,
                               "cancelled at " + std::to_string(progress.itemsDone) + " of " +
                                   std::to_string(items) + " items, " + nowIso());
                outcome.status = "cancelled";
                record(outcome);
                result.cancelled = true;
                return result;
            } catch (const std::exception& e) {
                outcome.status = "failed";
                outcome.message = e.what();
                try {
                    m_store.endRun(outcome.runId, store::kFailed, e.what());
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
        evaluation.classifier().releaseInputCache();
    }
    return result;
}

std::vector<int64_t> parseSeedList(const std::string& text)
{
    std::vector<int64_t> seeds;
    size_t begin = 0;
    while (begin <= text.size()) {
        const size_t end = std::min(text.find(',', begin), text.size());
        const std::string piece = text.substr(begin, end - begin);
        int64_t seed = 0;
        const auto [ptr, ec] = std::from_chars(piece.data(), piece.data() + piece.size(), seed);
        if (piece.empty() || ec != std::errc() || ptr != piece.data() + piece.size() || seed < 0)
            throw InputError("seeds: '" + piece + "' in '" + text + "' is not a non-negative integer");
        seeds.push_back(seed);
        begin = end + 1;
    }
    return seeds;
}

std::vector<int64_t> seedRange(int64_t start, int64_t count)
{
    if (count < 1)
        throw InputError("repeats: " + std::to_string(count) + " must be at least 1");
    if (start < 0)
        throw InputError("seed-start: " + std::to_string(start) + " must be non-negative");
    std::vector<int64_t> seeds(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i)
        seeds[static_cast<size_t>(i)] = start + i;
    return seeds;
}

} // namespace nf::engine
