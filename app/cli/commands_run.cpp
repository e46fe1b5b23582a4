// run, demo and reproduce: the commands that evaluate.

#include "commands.h"
#include "common/error.h"
#include "common/paths.h"
#include "engine/classifier.h"
#include "engine/demo.h"
#include "engine/engine.h"
#include "engine/hf_model.h"
#include "engine/prompt.h"
#include "engine/resume_plan.h"
#include "engine/stored_plan.h"
#include "formats/mcq.h"
#include "formats/task.h"
#include "output.h"
#include "progress.h"
#include "run_options.h"
#include "store/store.h"
#include "workspace/reproduction.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <set>

namespace nf::cli {
namespace {

std::atomic<bool> g_cancel{false};
std::atomic<int> g_signal{0};

// First Ctrl-C (or SIGTERM): stop between batches, store the run in flight as cancelled, keep the
// completed ones. A second one ends the process at once (that run is then marked interrupted later).
extern "C" void onInterrupt(int signal)
{
    if (g_cancel.exchange(true)) {
        std::signal(signal, SIG_DFL);
        std::raise(signal);
    }
    g_signal = signal;
}

struct CancelOnInterrupt
{
    CancelOnInterrupt()
    {
        g_cancel = false;
        g_signal = 0;
        std::signal(SIGINT, onInterrupt);
        std::signal(SIGTERM, onInterrupt);
    }
    ~CancelOnInterrupt()
    {
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
    }
    // 128 + the signal, as a shell reports a process ended by it (130 for Ctrl-C).
    static int exitCode() { return 128 + (g_signal.load() ? g_signal.load() : SIGINT); }
};

// Evaluates the plans through the engine (which loads and checks everything before it writes),
// draws progress, and returns what ran; `loaded` hears what each plan runs on before the first run.
engine::RepeatResult evaluate(const GlobalOptions& global, std::vector<engine::RunPlan> plans,
                              ProgressBar& bar,
                              const std::function<void(const std::vector<engine::LoadedEvaluation>&)>& loaded)
{
    engine::EvaluationRequest request;
    request.databasePath = databasePath(global);
    request.plans = std::move(plans);
    engine::EvaluationCallbacks callbacks;
    // Ctrl-C while models load ends the process at once (nothing is written yet); from the first
    // run on it stops between batches and keeps what completed.
    std::optional<CancelOnInterrupt> interrupt;
    callbacks.loaded = [&](const std::vector<engine::LoadedEvaluation>& evaluations) {
        if (loaded)
            loaded(evaluations);
        interrupt.emplace();
    };
    callbacks.progress = [&](const engine::RunProgress& progress) { bar.update(progress); };
    auto result = engine::linkedEngine().evaluate(request, callbacks, &g_cancel);
    bar.finish();
    return result;
}

// Prints what the evaluations did; returns the exit code.
int report(const GlobalOptions& global, const engine::RepeatResult& result)
{
    std::set<int64_t> groupIds;
    int completed = 0;
    int skipped = 0;
    for (const auto& outcome : result.outcomes) {
        groupIds.insert(outcome.configId);
        completed += outcome.status == store::RunStatus::Completed && !outcome.skipped;
        skipped += outcome.skipped;
    }
    std::cout << completed << " run(s) completed";
    if (skipped > 0)
        std::cout << ", " << skipped
                  << " skipped (already completed with that seed; --rerun to run them again)";
    std::cout << ".\n\n";
    const auto store = openStore(global, store::OpenMode::ReadOnly);
    std::vector<store::GroupRow> groups;
    for (const int64_t id : groupIds)
        if (auto group = store.group(id))
            groups.push_back(*group);
    printGroupTable(std::cout, groups);
    std::cout << "\nDatabase: " << store.path().string() << '\n';
    if (result.cancelled) {
        if (!result.outcomes.empty() && result.outcomes.back().status == store::RunStatus::Cancelled)
            std::cerr << "noisefloor-cli: cancelled: run " << result.outcomes.back().runId << " (seed "
                      << result.outcomes.back().seed << ") stored as cancelled; completed runs are kept\n";
        else
            std::cerr << "noisefloor-cli: cancelled before the next run started; completed runs are kept\n";
        return CancelOnInterrupt::exitCode();
    }
    return kExitOk;
}

// A stored run's model, task, config and seed as a plan, to run it again or to resume it.
struct StoredRun
{
    engine::RunPlan plan;
    store::RunRow run;
};

StoredRun storedRunPlan(const GlobalOptions& global, const std::string& ref, const std::string& tokenizer)
{
    auto store = openStore(global, store::OpenMode::ReadOnly);
    const auto run = store.findRun(ref);
    if (!run)
        throw InputError("run '" + ref + "' is not in " + store.path().string());
    if (run->sourceKind() != store::RunSource::Engine)
        throw InputError("run " + std::to_string(run->id) + " was imported (" + run->source +
                         "); only runs made by noisefloor's engine can be run again");
    const auto group = store.group(run->configId);
    StoredRun stored;
    stored.run = *run;
    stored.plan = engine::planForGroup(store.model(group->modelId), store.task(group->taskId), *group);
    stored.plan.seeds = {run->seed};
    if (stored.plan.config.lm) {
        // The tokenizer the run used, unless the user names another copy of it.
        stored.plan.tokenizerPath = tokenizer;
        if (const auto recorded = engine::recordedTokenizer(store, *run);
            tokenizer.empty() && !recorded.empty() && std::filesystem::exists(recorded))
            stored.plan.tokenizerPath = recorded;
        stored.plan.adapterPath = engine::recordedAdapter(store, *run);
    }
    return stored;
}

} // namespace

void addRunCommands(CLI::App& app, GlobalOptions& global, Action& action)
{
    auto options = std::make_shared<RunOptions>();
    auto* run =
        app.add_subcommand("run", "Evaluate a model on a task over seeded repeats and store every run");
    addRunOptions(run, *options);
    run->callback([&global, &action, options, run] {
        // A resumed run keeps everything it started with; only its tokenizer may be found elsewhere.
        if (!options->resume.empty()) {
            for (const auto* option : run->get_options()) {
                const auto name = option->get_name();
                if (option->count() > 0 && name != "--resume" && name != "--tokenizer" && name != "--help")
                    throw CLI::ValidationError(
                        "run --resume: " + name +
                        " cannot be given: a resumed run keeps its model, task, config and "
                        "seed (only --tokenizer, to point to another copy of its tokenizer)");
            }
        }
        action = [&global, options] {
            // The engine loads and checks everything before it opens the database for writing:
            // bad input writes nothing.
            engine::RunPlan plan;
            if (!options->resume.empty()) {
                // The same plan and checks as the app's "Resume run" (engine/resume_plan.h).
                const auto store = openStore(global, store::OpenMode::ReadOnly);
                const auto run = store.findRun(options->resume);
                if (!run)
                    throw InputError("run '" + options->resume + "' is not in " + store.path().string());
                plan = engine::resumePlanForRun(store, run->id, options->tokenizer);
            } else {
                if (options->model.empty() || options->task.empty())
                    throw InputError("run: --model and --task are required (or --resume RUN)");
                plan = planFrom(*options);
            }
            ProgressBar bar;
            const auto result = evaluate(global, {std::move(plan)}, bar, [](const auto& loaded) {
                std::cerr << "device: " << loaded.front().device << '\n';
                if (!loaded.front().model.empty())
                    std::cerr << "model: " << loaded.front().model << '\n';
            });
            return report(global, result);
        };
    });

    auto demoRepeats = std::make_shared<int>(5);
    auto* demo =
        app.add_subcommand("demo", "Train two small Fashion-MNIST classifiers (once) and run the preset "
                                   "experiment: greedy, sampling and MC-dropout repeats");
    demo->add_option("--repeats", *demoRepeats, "Seeded repeats per configuration")->capture_default_str();
    demo->callback([&global, &action, demoRepeats] {
        action = [&global, demoRepeats] {
            engine::seedRange(1, *demoRepeats); // refused before the models are trained
            const auto start = std::chrono::steady_clock::now();
            ProgressBar bar;
            const auto modelDir = dataDirectory() / "demo";
            const auto models =
                engine::ensureDemoModels(modelDir, [&](int epoch, int epochs, int64_t done, int64_t total) {
                    bar.status("training the demo models: epoch " + std::to_string(epoch) + "/" +
                               std::to_string(epochs) + ", " + std::to_string(done) + "/" +
                               std::to_string(total) + " items");
                });
            bar.finish();
            if (models.trained)
                std::cout << "Trained the demo models in " << fixed(models.trainSeconds, 1)
                          << " s: " << modelDir.string() << '\n';
            else
                std::cout << "Demo models (cached): " << modelDir.string() << '\n';

            const auto result =
                evaluate(global, engine::demoPlans(models, *demoRepeats), bar, [](const auto& loaded) {
                    std::cout << "Device: " << loaded.front().device << '\n';
                });
            const int code = report(global, result);
            std::cout << "Demo finished in "
                      << fixed(
                             std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                             1)
                      << " s.\n";
            return code;
        };
    });

    auto runRef = std::make_shared<std::string>();
    auto* reproduce = app.add_subcommand(
        "reproduce",
        "Run a stored run's config and seed again and report whether every item came out identical");
    reproduce->add_option("RUN", *runRef, "Run id or uid")->required();
    auto reproduceTokenizer = std::make_shared<std::string>();
    reproduce->add_option("--tokenizer", *reproduceTokenizer,
                          "The tokenizer.json of a language-model run (default: the one it used)")
        ->type_name("FILE");
    auto noPrefixCache = std::make_shared<bool>(false);
    reproduce->add_flag(
        "--no-prefix-cache", *noPrefixCache,
        "Model folders: score every prompt whole, to check that the shared-prefix cache changes "
        "no answer");
    reproduce->callback([&global, &action, runRef, reproduceTokenizer, noPrefixCache] {
        action = [&global, runRef, reproduceTokenizer, noPrefixCache] {
            auto stored = storedRunPlan(global, *runRef, *reproduceTokenizer);
            stored.plan.config.prefixCache = !*noPrefixCache;
            const std::optional<store::RunRow> original = stored.run;
            if (original->status != store::RunStatus::Completed)
                throw InputError("run " + std::to_string(original->id) + " is " +
                                 store::toString(original->status) +
                                 ": only a completed run has answers to compare with");
            stored.plan.label = "reproduction of run " + std::to_string(original->id);
            stored.plan.reproduces = original->id;
            ProgressBar bar;
            const auto result = evaluate(global, {stored.plan}, bar, nullptr);
            if (result.cancelled || result.outcomes.empty())
                return CancelOnInterrupt::exitCode();
            const auto& outcome = result.outcomes.back();

            const auto store = openStore(global, store::OpenMode::ReadOnly);
            const auto differences = workspace::compareRunItems(store, original->id, outcome.runId);
            const auto reproduced = store.run(outcome.runId);
            if (global.json) {
                nlohmann::json report = {{"original", original->id},
                                         {"reproduction", outcome.runId},
                                         {"n_items", differences.items},
                                         {"predicted_differ", differences.predictedDiffer},
                                         {"items_differ", differences.itemsDiffer},
                                         {"max_p_true_change", differences.maxPTrueChange},
                                         {"identical", differences.identical()},
                                         {"accuracy_original", jsonNumber(original->accuracy)},
                                         {"accuracy_reproduction", jsonNumber(reproduced->accuracy)}};
                std::cout << report.dump(2) << '\n';
            } else {
                std::cout << "Run " << original->id << " (seed " << original->seed << ") reproduced as run "
                          << outcome.runId << ": " << points(original->accuracy) << " -> "
                          << points(reproduced->accuracy) << " points.\n";
                if (differences.identical())
                    std::cout << "identical: all " << differences.items
                              << " items have the same answer and the same p_true, bit for bit.\n";
                else
                    std::cout << "differs: " << differences.predictedDiffer << " of " << differences.items
                              << " items changed their answer; " << differences.itemsDiffer
                              << " changed answer or p_true (largest p_true change "
                              << differences.maxPTrueChange << ")"
                              << (differences.sameItems ? "" : "; the two runs did not answer the same items")
                              << ".\n";
            }
            return kExitOk;
        };
    });
}

} // namespace nf::cli
