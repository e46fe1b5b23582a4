// Store write throughput: how many per-item rows a run's commit stores per second.
//
//   store_bench [RUNS [ITEMS]]      default 100 runs x 10,000 items, into a temporary database
//
// Prints three rates: the bare item insert (the store's RunItemWriter::insertItems, one
// transaction per run), completeRun of reproductions (items, run row, subject counts) and
// completeRun of original runs (the same plus the group_items counts). Never asserts.

#include "store/run_items.h"
#include "store/sqlite.h"
#include "store/store.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <time.h>
#include <unistd.h>

namespace {

using Clock = std::chrono::steady_clock;
namespace store = nf::store;

// Wall time and this thread's CPU time (user + system): on a shared machine the second shows what
// the store costs when another tenant takes the core away.
struct Span
{
    double wall = 0;
    double cpu = 0;
};

double threadCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

class Stopwatch
{
public:
    explicit Stopwatch(Span& span) : m_span(span), m_wall(Clock::now()), m_cpu(threadCpuSeconds()) {}
    ~Stopwatch()
    {
        m_span.wall += std::chrono::duration<double>(Clock::now() - m_wall).count();
        m_span.cpu += threadCpuSeconds() - m_cpu;
    }

private:
    Span& m_span;
    Clock::time_point m_wall;
    double m_cpu;
};

std::string cpuModel()
{
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line)) {
        if (line.rfind("model name", 0) == 0) {
            size_t colon = line.find(':');
            return colon == std::string::npos ? line : line.substr(colon + 2);
        }
    }
    return "unknown";
}

// Deterministic, cheap, and about 70% correct like a real evaluation.
std::vector<store::ItemRow> makeItems(int64_t n, uint64_t seed)
{
    std::vector<store::ItemRow> items(static_cast<size_t>(n));
    uint64_t state = seed * 0x9E3779B97F4A7C15ull + 1;
    for (int64_t i = 0; i < n; ++i) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        auto& item = items[static_cast<size_t>(i)];
        item.idx = i;
        item.predicted = static_cast<int32_t>(state % 4);
        item.correct = state % 10 < 7;
        item.pTrue = static_cast<double>(state % 1000) / 1000.0;
    }
    return items;
}

void report(const char* what, int runs, int64_t items, const Span& span)
{
    double rows = static_cast<double>(runs) * static_cast<double>(items);
    std::printf("  %-44s %10.0f rows/s %7.2f ms/run  | cpu %10.0f rows/s\n", what, rows / span.wall,
                1000.0 * span.wall / runs, rows / span.cpu);
}

} // namespace

int main(int argc, char** argv)
{
    int runs = argc > 1 ? std::atoi(argv[1]) : 100;
    int64_t nItems = argc > 2 ? std::atoll(argv[2]) : 10000;
    if (runs <= 0 || nItems <= 0) {
        std::fprintf(stderr, "usage: store_bench [RUNS [ITEMS]]\n");
        return 2;
    }
    std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("nf-store-bench-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::path file = dir / "bench.sqlite";

    std::printf("store_bench: %d runs x %lld items into %s\n", runs, static_cast<long long>(nItems),
                file.c_str());
    std::printf("machine: %u CPUs (nproc %ld), %s\n", std::thread::hardware_concurrency(),
                sysconf(_SC_NPROCESSORS_ONLN), cpuModel().c_str());

    Span raw, reproduction, full;
    uint64_t bytes = 0;
    {
        store::Store db(file);
        std::vector<store::TaskItem> taskItems(static_cast<size_t>(nItems));
        for (int64_t i = 0; i < nItems; ++i)
            taskItems[static_cast<size_t>(i)] = {"subject-" + std::to_string(i % 57), std::to_string(i % 4)};
        int64_t model = db.ensureModel("/bench/model.pt", "model-sha", "classifier", "bench model");
        int64_t task = db.ensureTask("image", "/bench/task", "task-sha", "bench task", taskItems);
        int64_t config = db.ensureConfig(model, task, "{}", "config-hash");
        int64_t env = db.ensureEnvironment("{}", "env-hash");
        std::vector<std::vector<store::ItemRow>> items;
        for (int r = 0; r < 4; ++r)
            items.push_back(makeItems(nItems, static_cast<uint64_t>(r + 1)));

        // 1. The bare statement, through a second connection set up as the store sets up its own.
        {
            std::vector<int64_t> rawRuns;
            store::sqlite::Database rawDb(file, 0x02 /* SQLITE_OPEN_READWRITE */);
            rawDb.exec("PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON");
            store::RunItemWriter writer(rawDb);
            for (int r = 0; r < runs; ++r) {
                int64_t runId = db.beginRun({config, env, 1000 + r, "raw", "engine", std::nullopt, {}});
                rawRuns.push_back(runId);
                Stopwatch stopwatch(raw);
                store::sqlite::Transaction transaction(rawDb);
                writer.insertItems(runId, items[static_cast<size_t>(r) % items.size()]);
                transaction.commit();
            }
            for (int64_t runId : rawRuns)
                db.endRun(runId, store::RunStatus::Cancelled, "bench: bare insert");
        }

        // 2. Original runs: items, counts, subjects and the group_items upsert.
        std::vector<int64_t> originals;
        for (int r = 0; r < runs; ++r) {
            int64_t runId = db.beginRun({config, env, r, "", "engine", std::nullopt, {}});
            Stopwatch stopwatch(full);
            db.completeRun(runId, items[static_cast<size_t>(r) % items.size()], 1.0);
            originals.push_back(runId);
        }

        // 3. Reproductions: the same without the group upsert.
        for (int r = 0; r < runs; ++r) {
            int64_t runId =
                db.beginRun({config, env, r, "", "engine", originals[static_cast<size_t>(r)], {}});
            Stopwatch stopwatch(reproduction);
            db.completeRun(runId, items[static_cast<size_t>(r) % items.size()], 1.0);
        }
        bytes = db.fileSizeBytes();
    }

    std::printf("results (one transaction per run; WAL, synchronous=NORMAL, foreign keys on):\n");
    report("items only (RunItemWriter::insertItems)", runs, nItems, raw);
    report("completeRun, reproduction (no group counts)", runs, nItems, reproduction);
    report("completeRun, original run (full)", runs, nItems, full);
    std::printf("database: %.1f MiB for %lld item rows\n", static_cast<double>(bytes) / (1024.0 * 1024.0),
                3LL * runs * static_cast<long long>(nItems));
    std::filesystem::remove_all(dir);
    return 0;
}
