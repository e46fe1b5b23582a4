// `noisefloor-cli merge` on a large database: 1,000 runs x 10,000 items in 10 config groups.
//
//   merge_bench [DIR]   default /tmp/noisefloor-merge-bench; its databases are made on the first
//                       use (about a minute: every run committed through the store) and kept
//
// Made alike (ui_bench's generator: most items always right or always wrong, some in between):
// full.sqlite (1,000 runs), half.sqlite (500 of the same runs, same uids) and small.sqlite (100 of
// them). Each case runs in a child process of its own and prints wall and CPU seconds, item rows
// per second, and the child's peak resident memory before and after the merge: merging 100 runs
// and merging 1,000 peak alike when the merge streams. Never asserts a time.

#include "store/merge.h"
#include "store/store.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
namespace store = nf::store;

constexpr int kGroups = 10;
constexpr int kRunsPerGroup = 100;
constexpr int kItems = 10000;
constexpr int kSmallRunsPerGroup = 10;

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Same uid in every file that holds the run: that is what lets a merge recognise it.
std::string uidOf(int group, int run)
{
    char uid[33];
    std::snprintf(uid, sizeof uid, "%08x%08x%016x", 0xbe7c4000u + static_cast<unsigned>(group),
                  static_cast<unsigned>(run), 0x5eedu);
    return uid;
}

struct Target
{
    explicit Target(const fs::path& path) : db(path)
    {
        std::vector<store::TaskItem> items(kItems);
        for (int i = 0; i < kItems; ++i)
            items[static_cast<size_t>(i)] = {"class " + std::to_string(i % 10), std::to_string(i % 10)};
        task = db.ensureTask("image", "bench", std::string(64, 'b'), "bench task", items);
        env = db.ensureEnvironment("{\"bench\":true}", std::string(64, 'e'));
    }
    int64_t config(int g)
    {
        const int64_t model = db.ensureModel("bench-model-" + std::to_string(g) + ".pt",
                                             std::string(63, 'm') + static_cast<char>('a' + g), "classifier",
                                             "bench model " + std::to_string(g));
        const std::string params = "{\"decoding\":\"sample\",\"temperature\":1.0,\"batch_size\":256,"
                                   "\"dtype\":\"fp32\",\"device\":\"cpu\",\"group\":" +
                                   std::to_string(g) + "}";
        return db.ensureConfig(model, task, params, std::string(62, 'c') + std::to_string(10 + g));
    }
    store::Store db;
    int64_t task = 0;
    int64_t env = 0;
};

void makeDatabases(const fs::path& dir)
{
    std::printf("making the databases in %s: %d groups x %d runs x %d items (and half, and %d runs)...\n",
                dir.c_str(), kGroups, kRunsPerGroup, kItems, kGroups * kSmallRunsPerGroup);
    std::fflush(stdout);
    const auto started = std::chrono::steady_clock::now();
    fs::create_directories(dir);
    for (const char* name : {"full", "half", "small"})
        for (const char* suffix : {".part", ".part-wal", ".part-shm"})
            fs::remove(dir / (std::string(name) + ".sqlite" + suffix));
    {
        Target full(dir / "full.sqlite.part");
        Target half(dir / "half.sqlite.part");
        Target small(dir / "small.sqlite.part");
        std::mt19937_64 random(7);
        std::uniform_real_distribution<double> uniform(0, 1);
        // Item difficulty: most items always right or always wrong, some in between (flip items).
        std::vector<double> pCorrect(kItems);
        for (auto& p : pCorrect) {
            const double u = uniform(random);
            p = u < 0.80 ? 0.995 : u < 0.92 ? 0.01 : uniform(random);
        }
        std::vector<store::ItemRow> rows(kItems);
        for (int g = 0; g < kGroups; ++g) {
            const int64_t configs[] = {full.config(g), half.config(g), small.config(g)};
            const double shift = (g % 3) * 0.01;
            for (int r = 0; r < kRunsPerGroup; ++r) {
                for (int i = 0; i < kItems; ++i) {
                    const bool correct =
                        uniform(random) < std::min(1.0, pCorrect[static_cast<size_t>(i)] + shift);
                    rows[static_cast<size_t>(i)] = {i, correct ? i % 10 : (i + 1) % 10, correct,
                                                    correct ? 0.9 : 0.1};
                }
                char startedAt[40];
                std::snprintf(startedAt, sizeof startedAt, "2026-11-%02dT%02d:%02d:00Z", 1 + r / 24 % 27,
                              r % 24, g);
                store::NewRun run;
                run.envId = full.env;
                run.seed = r + 1;
                run.uid = uidOf(g, r);
                run.configId = configs[0];
                full.db.insertCompletedRun(run, rows, 1.0, startedAt);
                if (r % 2 == 0) {
                    run.configId = configs[1];
                    half.db.insertCompletedRun(run, rows, 1.0, startedAt);
                }
                if (r < kSmallRunsPerGroup) {
                    run.configId = configs[2];
                    small.db.insertCompletedRun(run, rows, 1.0, startedAt);
                }
            }
        }
    }
    // Renamed last: an interrupted making leaves no file that looks finished.
    for (const char* name : {"half", "small", "full"}) {
        const fs::path file = dir / (std::string(name) + ".sqlite");
        fs::rename(file.string() + ".part", file);
    }
    std::printf("  made in %.0f s\n", secondsSince(started));
}

long statusKiB(const char* field)
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind(field, 0) == 0)
            return std::stol(line.substr(std::string(field).size()));
    return -1;
}

double cpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
}

void removeDatabase(const fs::path& file)
{
    for (const char* suffix : {"", "-wal", "-shm"})
        fs::remove(file.string() + suffix);
}

// One case in a child process, so that its peak memory is its own.
void measure(const char* title, const fs::path& other, const fs::path& into, bool dryRun = false)
{
    std::fflush(stdout);
    const pid_t child = fork();
    if (child < 0) {
        std::perror("fork");
        return;
    }
    if (child == 0) {
        int code = 0;
        try {
            store::Store db(into);
            const long peakBefore = statusKiB("VmHWM:");
            const double cpuBefore = cpuSeconds();
            const auto started = std::chrono::steady_clock::now();
            const store::MergeResult result = store::mergeDatabase(db, other, dryRun);
            const double wall = secondsSince(started);
            const double cpu = cpuSeconds() - cpuBefore;
            char rate[64] = "";
            if (result.itemsAdded > 0)
                std::snprintf(rate, sizeof rate, ", %.2f M item rows/s",
                              static_cast<double>(result.itemsAdded) / wall / 1e6);
            std::printf(
                "%s:\n  %.3f s (CPU %.3f s), %lld runs added, %lld already here, %lld items%s; peak RSS "
                "%.0f MiB before, %.0f MiB after\n",
                title, wall, cpu, static_cast<long long>(result.runsAdded),
                static_cast<long long>(result.runsAlreadyHere), static_cast<long long>(result.itemsAdded),
                rate, peakBefore / 1024.0, statusKiB("VmHWM:") / 1024.0);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "merge_bench: %s: %s\n", title, e.what());
            code = 1;
        }
        std::fflush(stdout);
        _exit(code);
    }
    int status = 0;
    waitpid(child, &status, 0);
}

} // namespace

int main(int argc, char** argv)
{
    const fs::path dir = argc > 1 ? argv[1] : "/tmp/noisefloor-merge-bench";
    const fs::path full = dir / "full.sqlite";
    const fs::path half = dir / "half.sqlite";
    const fs::path small = dir / "small.sqlite";
    if (!fs::exists(full) || !fs::exists(half) || !fs::exists(small))
        makeDatabases(dir);
    std::printf("full.sqlite %.0f MB, %d runs x %d items in %d groups\n",
                static_cast<double>(fs::file_size(full)) / 1e6, kGroups * kRunsPerGroup, kItems, kGroups);

    const fs::path work = dir / "work";
    fs::create_directories(work);
    const fs::path into = work / "into.sqlite";
    removeDatabase(into);
    measure("100 runs x 10,000 items into an empty database", small, into);
    removeDatabase(into);
    measure("dry run of 1,000 runs x 10,000 items into an empty database", full, into, true);
    removeDatabase(into);
    measure("1,000 runs x 10,000 items into an empty database", full, into);
    measure("the same merge again (nothing new)", full, into);

    removeDatabase(into);
    for (const char* suffix : {"", "-wal"})
        if (fs::exists(half.string() + suffix))
            fs::copy_file(half.string() + suffix, into.string() + suffix);
    measure("1,000 runs x 10,000 items into a database that has 500 of them", full, into);
    removeDatabase(into);
    return 0;
}
