// The promise "no run that completed is ever lost", end to end under hard faults: noisefloor-cli
// killed with SIGKILL at random moments of a run, an import and a merge; the database on a full
// filesystem; four processes writing to one database at once. After each: PRAGMA integrity_check
// is ok, every completed run seen before is still there and complete, and no run is half stored.
// The kill loops print their figures (the README's Reliability section quotes them).

#include "cli/cli_runner.h"
#include "engine/fixture.h"
#include "core/integrity_check.h"
#include "store/sqlite.h"
#include "store/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace store = nf::store;
using nf::test::readFile;
using nf::test::TinyWorld;
using Clock = std::chrono::steady_clock;

// Starts `binary` with `args` as a user would, its output in world/NAME.out and NAME.err.
pid_t spawn(const TinyWorld& world, const std::string& binary, const std::vector<std::string>& args,
            const std::string& name)
{
    std::fflush(nullptr); // or the child's freopen writes this process' pending output again
    const pid_t child = fork();
    if (child == 0) {
        ::setenv("XDG_DATA_HOME", world.dir().c_str(), 1);
        std::freopen((world / (name + ".out")).c_str(), "w", stdout);
        std::freopen((world / (name + ".err")).c_str(), "w", stderr);
        std::vector<char*> argv{const_cast<char*>(binary.c_str())};
        for (const auto& arg : args)
            argv.push_back(const_cast<char*>(arg.c_str()));
        argv.push_back(nullptr);
        ::execv(binary.c_str(), argv.data());
        _exit(127);
    }
    return child;
}

// The exit code, or minus the signal that ended it.
int waitFor(pid_t child)
{
    int status = 0;
    ::waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}


struct Census
{
    std::set<std::string> completed; // uids
    int halfRuns = 0;                // completed, but its items do not add up to its counts
    int stillRunning = 0;            // `running` though no process runs it
};

// What the database holds, as the next writer sees it (opening it records the runs of killed
// processes as interrupted).
Census census(const std::string& path)
{
    Census census;
    if (!std::filesystem::exists(path))
        return census;
    store::Store db(path);
    for (const auto& run : db.runs()) {
        if (run.status == store::RunStatus::Running)
            ++census.stillRunning;
        if (run.status != store::RunStatus::Completed)
            continue;
        census.completed.insert(run.uid);
        const auto items = db.runItems(run.id);
        int64_t correct = 0;
        for (const auto& item : items)
            correct += item.correct;
        if (!items.empty() && (static_cast<int64_t>(items.size()) != run.nItems || correct != run.nCorrect))
            ++census.halfRuns;
    }
    return census;
}

bool includes(const std::set<std::string>& all, const std::set<std::string>& part)
{
    return std::includes(all.begin(), all.end(), part.begin(), part.end());
}

std::vector<std::string> runArgs(const TinyWorld& world, const std::string& model, const std::string& db,
                                 int64_t seedStart, int repeats)
{
    return {"--db",
            db,
            "run",
            "--model",
            model,
            "--task",
            world.taskSpec(),
            "--seed-start",
            std::to_string(seedStart),
            "--repeats",
            std::to_string(repeats),
            "--batch-size",
            "8"};
}

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

struct KillFigures
{
    int kills = 0;    // processes that SIGKILL ended (the others finished first)
    size_t kept = 0;  // completed runs in the database at the end
    int lost = 0;     // completed runs seen before a kill and missing after it
    int halfRuns = 0; // summed over every kill
    int notOk = 0;    // integrity_check results other than "ok"
    int stillRunning = 0;
};

// Starts `start(i)` `times` times, each killed with SIGKILL after a random delay up to
// `longest` seconds, checking the database after every kill. `reset` (if any) puts the database
// back as it was before each start; `partial` (if any) is told how many completed runs a kill left.
KillFigures killLoop(const std::string& db, int times, double longest, const std::function<pid_t(int)>& start,
                     const std::function<void()>& reset = {}, const std::function<void(size_t)>& partial = {})
{
    std::mt19937_64 random(20261207);
    std::uniform_real_distribution<double> delay(0.0, longest);
    KillFigures figures;
    std::set<std::string> seen = census(db).completed;
    for (int i = 0; i < times; ++i) {
        if (reset) {
            reset();
            seen = census(db).completed;
        }
        const pid_t child = start(i);
        std::this_thread::sleep_for(std::chrono::duration<double>(delay(random)));
        ::kill(child, SIGKILL);
        figures.kills += waitFor(child) == -SIGKILL;
        if (std::filesystem::exists(db)) {
            figures.notOk += nf::test::integrityCheck(db) != "ok";
            const auto now = census(db);
            for (const auto& uid : seen)
                figures.lost += now.completed.count(uid) == 0;
            figures.halfRuns += now.halfRuns;
            figures.stillRunning += now.stillRunning;
            seen.insert(now.completed.begin(), now.completed.end());
            if (partial)
                partial(now.completed.size());
        }
    }
    figures.kept = census(db).completed.size();
    return figures;
}

void expectNothingLost(const KillFigures& figures, const std::string& what, int times)
{
    std::cout << what << ": " << figures.kills << " of " << times << " processes killed with SIGKILL, "
              << figures.kept << " completed runs kept, " << figures.lost << " lost, " << figures.halfRuns
              << " half runs, " << figures.notOk << " integrity checks not ok\n";
    EXPECT_EQ(figures.lost, 0);
    EXPECT_EQ(figures.halfRuns, 0);
    EXPECT_EQ(figures.notOk, 0);
    EXPECT_EQ(figures.stillRunning, 0);
    // The moments reach into the work, not only after it ends (how many depends on the machine's
    // load: the window is timed once).
    EXPECT_GE(figures.kills, times / 4);
}

constexpr int kKills = 100;

TEST(HardFaults, KillNineAtOneHundredMomentsOfARunLosesNoCompletedRun)
{
    TinyWorld world(1000);
    const auto model = world.model("tiny");
    const auto db = (world / "runs.sqlite").string();
    // How long a whole run takes here: the kills land anywhere in it (and a little after).
    const auto started = Clock::now();
    ASSERT_EQ(waitFor(spawn(world, NF_ENGINE_PATH, runArgs(world, model, db, 1, 2), "first")), 0)
        << readFile(world / "first.err");
    const double whole = secondsSince(started);
    const auto figures = killLoop(db, kKills, 1.1 * whole, [&](int i) {
        return spawn(world, NF_ENGINE_PATH, runArgs(world, model, db, 10 + 2 * i, 2), "killed");
    });
    expectNothingLost(figures, "run", kKills);
    EXPECT_GE(figures.kept, 2u);
}

// A database of `runs` completed runs of the tiny world's model, made by the CLI.
std::string sourceDatabase(const TinyWorld& world, const std::string& name, int64_t seedStart, int runs)
{
    const auto db = (world / name).string();
    const auto model = world.model("tiny");
    EXPECT_EQ(waitFor(spawn(world, NF_ENGINE_PATH, runArgs(world, model, db, seedStart, runs), name)), 0)
        << readFile(world / (name + ".err"));
    return db;
}

class KillDuring : public testing::TestWithParam<std::string>
{};

TEST_P(KillDuring, OneHundredMomentsLoseNoCompletedRunAndHalveNone)
{
    const std::string command = GetParam();
    TinyWorld world(1000);
    const auto source = sourceDatabase(world, "source.sqlite", 1, 40);
    const auto jsonl = (world / "runs.jsonl").string();
    ASSERT_EQ(
        nf::test::runCli(world.dir(), {"--db", source, "export", "--format", "jsonl", "--out", jsonl}).code,
        0);
    // Every kill lands on this database as it was: two runs of its own, none of the 40 yet.
    const auto base = sourceDatabase(world, "base.sqlite", 1000, 2);
    const auto db = (world / "target.sqlite").string();
    const auto reset = [&] {
        for (const char* suffix : {"-wal", "-shm", "-journal"})
            std::filesystem::remove(db + suffix);
        std::filesystem::copy_file(base, db, std::filesystem::copy_options::overwrite_existing);
    };
    const std::vector<std::string> args = {"--db", db, command, command == "import" ? jsonl : source};
    reset();
    const auto started = Clock::now();
    ASSERT_EQ(waitFor(spawn(world, NF_CLI_PATH, args, "timed")), 0) << readFile(world / "timed.err");
    const double whole = secondsSince(started);
    int none = 0;
    int all = 0;
    int neitherAllNorNothing = 0;
    const auto figures = killLoop(
        db, kKills, 1.1 * whole, [&](int) { return spawn(world, NF_CLI_PATH, args, "killed"); }, reset,
        [&](size_t completed) {
            none += completed == 2;
            all += completed == 42;
            neitherAllNorNothing += completed != 2 && completed != 42;
        });
    expectNothingLost(figures, command, kKills);
    std::cout << command << ": after " << all << " kills all 40 runs were in, after " << none << " none\n";
    // All or nothing: the database holds every source run or none of them.
    EXPECT_EQ(neitherAllNorNothing, 0);
    reset();
    ASSERT_EQ(waitFor(spawn(world, NF_CLI_PATH, args, "last")), 0) << readFile(world / "last.err");
    EXPECT_EQ(census(db).completed.size(), 42u);
    EXPECT_EQ(nf::test::integrityCheck(db), "ok");
}

INSTANTIATE_TEST_SUITE_P(HardFaults, KillDuring, testing::Values("import", "merge"),
                         [](const testing::TestParamInfo<std::string>& info) { return info.param; });

// A tmpfs of its own, unmounted at the end (needs root: mount(2)).
class SmallFilesystem
{
public:
    SmallFilesystem(const std::filesystem::path& at, const char* size) : m_at(at)
    {
        std::filesystem::create_directories(at);
        const std::string options = std::string("size=") + size;
        if (::mount("tmpfs", at.c_str(), "tmpfs", 0, options.c_str()) != 0)
            m_error = std::strerror(errno);
    }
    ~SmallFilesystem()
    {
        if (m_error.empty())
            ::umount2(m_at.c_str(), MNT_DETACH);
    }
    const std::string& error() const { return m_error; }

private:
    std::filesystem::path m_at;
    std::string m_error;
};

// Fills the filesystem of `path` up, then gives `leave` bytes back.
void fillUp(const std::filesystem::path& path, size_t leave)
{
    {
        std::ofstream filler(path, std::ios::binary);
        const std::string block(64 * 1024, 'x');
        while (filler.write(block.data(), static_cast<std::streamsize>(block.size())))
            ;
    }
    const auto size = std::filesystem::file_size(path);
    std::filesystem::resize_file(path, size > leave ? size - leave : 0);
}

TEST(HardFaults, AFullDiskFailsTheRunWithOneLineKeepsEveryEarlierRunAndTheNextRunSucceeds)
{
    if (::geteuid() != 0)
        GTEST_SKIP() << "needs root, to mount a small tmpfs for the database";
    TinyWorld world(3000);
    const auto model = world.model("tiny");
    const SmallFilesystem disk(world / "disk", "8m");
    if (!disk.error().empty())
        GTEST_SKIP() << "cannot mount a tmpfs here: " << disk.error();
    const auto db = (world / "disk" / "runs.sqlite").string();
    auto result = nf::test::runCli(world.dir(), runArgs(world, model, db, 1, 2));
    ASSERT_EQ(result.code, 0) << result.err;
    const auto before = census(db).completed;
    ASSERT_EQ(before.size(), 2u);

    const auto filler = world / "disk" / "filler";
    fillUp(filler, 32 * 1024);
    result = nf::test::runCli(world.dir(), runArgs(world, model, db, 10, 5));
    EXPECT_EQ(result.code, 1) << result.err;
    // One line says what failed (after the device line a run always prints).
    EXPECT_EQ(result.err.find("noisefloor-cli:"), result.err.rfind("noisefloor-cli:")) << result.err;
    EXPECT_EQ(result.err.find('\n', result.err.find("noisefloor-cli:")), result.err.size() - 1) << result.err;
    EXPECT_NE(result.err.find("full"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find(db), std::string::npos) << result.err;
    EXPECT_EQ(nf::test::integrityCheck(db), "ok");

    std::filesystem::remove(filler);
    const auto after = census(db);
    EXPECT_TRUE(includes(after.completed, before));
    EXPECT_EQ(after.halfRuns, 0);
    result = nf::test::runCli(world.dir(), runArgs(world, model, db, 10, 5));
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(census(db).completed.size(), after.completed.size() + 5);
    EXPECT_EQ(nf::test::integrityCheck(db), "ok");
}

TEST(HardFaults, FourWritersAtOnceLoseNoRunMakeNoDuplicateOriginalAndNeverSayLocked)
{
    TinyWorld world(3000);
    const auto model = world.model("tiny");
    const auto source = sourceDatabase(world, "source.sqlite", 100, 10);
    const auto other = sourceDatabase(world, "other.sqlite", 200, 10);
    const auto jsonl = (world / "runs.jsonl").string();
    ASSERT_EQ(
        nf::test::runCli(world.dir(), {"--db", other, "export", "--format", "jsonl", "--out", jsonl}).code,
        0);

    for (int round = 0; round < 3; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        const auto db = (world / ("shared" + std::to_string(round) + ".sqlite")).string();
        // Two runs whose seeds overlap (4-6), an import and a merge, all at once.
        const std::vector<pid_t> writers = {
            spawn(world, NF_ENGINE_PATH, runArgs(world, model, db, 1, 6), "a"),
            spawn(world, NF_ENGINE_PATH, runArgs(world, model, db, 4, 6), "b"),
            spawn(world, NF_CLI_PATH, {"--db", db, "import", jsonl}, "c"),
            spawn(world, NF_CLI_PATH, {"--db", db, "merge", source}, "d")};
        const char* names[] = {"a", "b", "c", "d"};
        for (size_t i = 0; i < writers.size(); ++i) {
            const int code = waitFor(writers[i]);
            const auto err = readFile(world / (std::string(names[i]) + ".err"));
            EXPECT_EQ(code, 0) << names[i] << ": " << err;
            EXPECT_EQ(err.find("locked"), std::string::npos) << names[i] << ": " << err;
            EXPECT_EQ(err.find("busy"), std::string::npos) << names[i] << ": " << err;
        }
        EXPECT_EQ(nf::test::integrityCheck(db), "ok");
        const auto held = census(db);
        EXPECT_EQ(held.halfRuns, 0);
        store::Store shared(db, store::OpenMode::ReadOnly);
        std::map<int64_t, int> originals; // seed -> completed runs that reproduce nothing
        for (const auto& run : shared.runs())
            if (run.status == store::RunStatus::Completed && !run.reproduces)
                ++originals[run.seed];
        // Seeds 1-9 from the two runs, 100-109 merged, 200-209 imported: each once.
        EXPECT_EQ(originals.size(), 29u);
        for (const auto& [seed, count] : originals)
            EXPECT_EQ(count, 1) << "seed " << seed;
    }
}

} // namespace
