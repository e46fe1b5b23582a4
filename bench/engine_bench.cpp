// Prints the engine's throughput against a bare forward loop, SQLite item inserts per second, and
// the peak memory of the demo and of a run, on the demo MLP over the 10,000 Fashion-MNIST test
// items. Figures only: nothing here asserts a time.

#include "common/paths.h"
#include "engine/classifier.h"
#include "engine/models.h"
#include "env/environment.h"
#include "formats/task.h"
#include "store/store.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point since)
{
    return std::chrono::duration<double>(Clock::now() - since).count();
}

double engineItemsPerSecond(const std::string& model, const nf::formats::ImageTask& task,
                            const nf::engine::EvalConfig& config, int repeats)
{
    nf::engine::Classifier classifier(model, config);
    classifier.evaluate(task, 0, {}, nullptr); // warm-up: the TorchScript executor profiles its first calls
    double best = 0;
    for (int r = 0; r < repeats; ++r) {
        const auto start = Clock::now();
        classifier.evaluate(task, r + 1, {}, nullptr);
        best = std::max(best, task.n / seconds(start));
    }
    return best;
}

// Runs a command and returns its peak resident memory in MiB (getrusage of the waited child).
double peakMemoryMiB(const std::vector<std::string>& args, const std::string& dataHome)
{
    std::fflush(stdout);
    const pid_t child = fork();
    if (child == 0) {
        setenv("XDG_DATA_HOME", dataHome.c_str(), 1);
        std::freopen("/dev/null", "w", stdout);
        std::vector<char*> argv;
        for (const auto& arg : args)
            argv.push_back(const_cast<char*>(arg.c_str()));
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    int status = 0;
    rusage usage{};
    wait4(child, &status, 0, &usage);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        std::printf("  (%s exited with status %d)\n", args[0].c_str(), WEXITSTATUS(status));
    return usage.ru_maxrss / 1024.0;
}

} // namespace

int main()
{
    const auto cpu = nf::env::detectCpu();
    std::printf("machine: %s, %d logical cores\n", cpu.model.c_str(), cpu.logicalCores);

    const auto models = nf::engine::ensureDemoModels(nf::dataDirectory() / "demo", {});
    const auto model = models.threeEpochs.string();
    const auto task = nf::formats::loadImageTask("fashion-mnist:test");
    const auto blas = nf::env::detectBlas();
    std::printf("model: %s\nBLAS: %s (%s)\n\n", model.c_str(), blas.name.c_str(), blas.library.c_str());

    std::printf("engine vs bare forward, greedy fp32, batch 256, 10,000 items (best of 10):\n");
    for (const int threads : {0, 1, 2}) {
        nf::engine::EvalConfig config;
        config.threads = threads;
        const double engine = engineItemsPerSecond(model, task, config, 10);
        nf::engine::Classifier classifier(model, config);
        classifier.bareForwardItemsPerSecond(task, 2);
        double bare = 0;
        for (int r = 0; r < 10; ++r)
            bare = std::max(bare, classifier.bareForwardItemsPerSecond(task, 1));
        const auto split = nf::env::detectBlas();
        std::printf(
            "  --threads %d (torch %s, OpenBLAS %d): engine %8.0f items/s, bare forward %8.0f items/s, "
            "ratio %.3f\n",
            threads, threads == 0 ? "1" : std::to_string(threads).c_str(), split.threads, engine, bare,
            engine / bare);
    }
    for (const char* variant : {"sample", "dropout"}) {
        nf::engine::EvalConfig config;
        if (std::string(variant) == "sample")
            config.decoding = nf::engine::Decoding::Sample;
        else
            config.dropout = nf::engine::DropoutMode::Train;
        std::printf("  %-7s (--threads 0): engine %8.0f items/s\n", variant,
                    engineItemsPerSecond(model, task, config, 5));
    }

    // SQLite: one completed run of 10,000 items, committed in its transaction, 50 times.
    const auto dir = std::filesystem::temp_directory_path() / ("nf-engine-bench-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    {
        nf::store::Store store(dir / "bench.sqlite");
        std::vector<nf::store::TaskItem> taskItems(10000, {"subject", "0"});
        const auto modelId = store.ensureModel("m.pt", "sha-m", "classifier", "m");
        const auto taskId = store.ensureTask("image", "t", "sha-t", "t", taskItems);
        const auto configId = store.ensureConfig(modelId, taskId, "{}", "hash");
        const auto envId = store.ensureEnvironment("{}", "env");
        std::vector<nf::store::ItemRow> items(10000);
        for (size_t i = 0; i < items.size(); ++i)
            items[i] = {static_cast<int64_t>(i), static_cast<int32_t>(i % 10), i % 3 != 0, 0.5};
        const int runs = 50;
        const auto start = Clock::now();
        for (int r = 0; r < runs; ++r) {
            const auto run = store.beginRun({configId, envId, r, "", "engine", std::nullopt, {}});
            store.completeRun(run, items, 0.1);
        }
        std::printf("\nSQLite: %.0f item rows/s committed (%d runs x 10,000 items, with aggregates)\n",
                    runs * 10000.0 / seconds(start), runs);
    }

    const std::string cli = NF_CLI_PATH;
    const auto dataHome = (dir / "data").string();
    std::filesystem::create_directories(dataHome + "/noisefloor");
    std::filesystem::copy(nf::dataDirectory() / "demo", dataHome + "/noisefloor/demo");
    const auto demoStart = Clock::now();
    const double demoPeak = peakMemoryMiB({cli, "--db", (dir / "demo.sqlite").string(), "demo"}, dataHome);
    std::printf("\ndemo with cached models: %.2f s wall, peak resident %.0f MiB\n", seconds(demoStart),
                demoPeak);
    const double runPeak = peakMemoryMiB({cli, "--db", (dir / "run.sqlite").string(), "run", "--model", model,
                                          "--task", "fashion-mnist:test", "--repeats", "5"},
                                         dataHome);
    std::printf("run (5 repeats on fashion-mnist:test): peak resident %.0f MiB\n", runPeak);
    const double barePeak = peakMemoryMiB({cli, "--version"}, dataHome);
    std::printf("noisefloor-cli --version (libtorch loaded, nothing else): peak resident %.0f MiB\n",
                barePeak);
    std::filesystem::remove_all(dir);
    return 0;
}
