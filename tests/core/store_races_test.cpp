// Two processes on one database: the app and a CLI run often share it.

#include "core/scratch_dir.h"
#include "store/store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace nf::store;

namespace {

struct Group
{
    int64_t config = 0;
    int64_t env = 0;
};

Group makeGroup(Store& store)
{
    const std::vector<TaskItem> items(4, {"subject", "0"});
    const auto model = store.ensureModel("/m.pt", "model-sha", "classifier", "m");
    const auto task = store.ensureTask("image", "/t", "task-sha", "t", items);
    return {store.ensureConfig(model, task, "{}", "hash"), store.ensureEnvironment("{}", "env")};
}

std::vector<ItemRow> items(bool allCorrect)
{
    std::vector<ItemRow> rows;
    for (int64_t i = 0; i < 4; ++i)
        rows.push_back({i, 0, allCorrect || i == 0, 0.5});
    return rows;
}

} // namespace

TEST(StoreRaces, TheSecondOfTwoRunsOfTheSameSeedCommitsAsAReproduction)
{
    nf::test::ScratchDir dir;
    Store app(dir / "runs.sqlite");
    Store cli(dir / "runs.sqlite");
    const auto group = makeGroup(app);
    // Both processes looked for a completed seed 7, found none, and started it.
    const auto first = app.beginRun({group.config, group.env, 7, "", "engine", std::nullopt, {}});
    const auto second = cli.beginRun({group.config, group.env, 7, "", "engine", std::nullopt, {}});
    app.completeRun(first, items(true), 1.0);
    cli.completeRun(second, items(false), 1.0);

    EXPECT_FALSE(app.run(first)->reproduces.has_value());
    ASSERT_TRUE(app.run(second)->reproduces.has_value());
    EXPECT_EQ(*app.run(second)->reproduces, first);
    EXPECT_EQ(app.group(group.config)->accuracies, std::vector<double>{1.0}) << "the seed counts once";
    for (const auto& item : app.groupItems(group.config))
        EXPECT_EQ(item.nRuns, 1);
    EXPECT_EQ(*app.findCompletedRun(group.config, 7), first);
}

TEST(StoreRaces, ARunMarkedInterruptedByAnotherProcessStillCompletesForItsOwner)
{
    nf::test::ScratchDir dir;
    Store owner(dir / "runs.sqlite");
    const auto group = makeGroup(owner);
    const auto run = owner.beginRun({group.config, group.env, 1, "", "engine", std::nullopt, {}});
    // As a process that cannot see the owner's pid (another pid namespace) would have left it.
    owner.endRun(run, RunStatus::Interrupted, "interrupted: process is gone");
    owner.completeRun(run, items(true), 1.0);
    EXPECT_EQ(owner.run(run)->status, RunStatus::Completed);
    EXPECT_EQ(owner.runItems(run).size(), 4u);
}

namespace {

// Forks `count` processes that wait on one pipe and then, all at once, open `file` for writing and
// store one run each. Returns what each printed to its own pipe on failure ("" for success).
std::vector<std::string> openAtOnce(const std::filesystem::path& file, int count)
{
    int start[2];
    if (pipe(start) != 0)
        throw std::runtime_error("pipe failed");
    std::vector<std::pair<pid_t, int>> children;
    for (int i = 0; i < count; ++i) {
        int report[2];
        if (pipe(report) != 0)
            throw std::runtime_error("pipe failed");
        const pid_t pid = fork();
        if (pid < 0)
            throw std::runtime_error("fork failed");
        if (pid == 0) {
            close(start[1]);
            close(report[0]);
            char go = 0;
            [[maybe_unused]] const auto got = read(start[0], &go, 1); // returns at the parent's close
            std::string failure;
            try {
                Store store(file);
                const auto group = makeGroup(store);
                const auto run = store.beginRun({group.config, group.env, i, "", "engine", std::nullopt, {}});
                store.completeRun(run, items(true), 1.0);
            } catch (const std::exception& e) {
                failure = e.what();
            }
            [[maybe_unused]] const auto wrote = write(report[1], failure.data(), failure.size());
            _exit(failure.empty() ? 0 : 1);
        }
        close(report[1]);
        children.emplace_back(pid, report[0]);
    }
    close(start[0]);
    close(start[1]); // every child's read returns now
    std::vector<std::string> failures;
    for (const auto& [pid, report] : children) {
        std::string text;
        char buffer[512];
        for (ssize_t n; (n = read(report, buffer, sizeof buffer)) > 0;)
            text.append(buffer, static_cast<size_t>(n));
        close(report);
        int status = 0;
        waitpid(pid, &status, 0);
        if (text.empty() && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
            text = "exited abnormally";
        failures.push_back(text);
    }
    return failures;
}

} // namespace

TEST(StoreRaces, ProcessesCreatingOneDatabaseAtOnceAllOpenItAndKeepTheirRuns)
{
    // The CLI on a cluster: several jobs start at the same moment on a database none has made yet.
    constexpr int kRounds = 40;
    constexpr int kProcesses = 6;
    for (int round = 0; round < kRounds; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        nf::test::ScratchDir dir;
        const auto file = dir / "runs.sqlite";
        for (const auto& failure : openAtOnce(file, kProcesses))
            EXPECT_EQ(failure, "");
        Store store(file, OpenMode::ReadOnly);
        EXPECT_EQ(store.runs().size(), static_cast<size_t>(kProcesses));
        // Only the database and, while open, its WAL files: nothing of a creation is left beside it.
        for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
            const auto name = entry.path().filename().string();
            EXPECT_EQ(name.rfind("runs.sqlite", 0), 0u) << name;
        }
        if (HasFailure())
            break;
    }
}

TEST(StoreRaces, ProcessesOpeningAnOldOrEmptyFileAtOnceUpgradeItOnceAndKeepTheirRuns)
{
    // Neither is in WAL mode yet: switching needs every other connection out of the file, and
    // SQLite answers "busy" at once instead of waiting for that.
    constexpr int kRounds = 20;
    constexpr int kProcesses = 6;
    for (const bool versionOne : {true, false}) {
        for (int round = 0; round < kRounds; ++round) {
            SCOPED_TRACE(std::string(versionOne ? "version 1" : "empty file") + ", round " +
                         std::to_string(round));
            nf::test::ScratchDir dir;
            const auto file = dir / "runs.sqlite";
            if (versionOne)
                std::filesystem::copy_file(std::filesystem::path(NF_TEST_DATA_DIR) / "store-v1.sqlite", file);
            else
                std::ofstream{file};
            const size_t before = versionOne ? 5 : 0;
            for (const auto& failure : openAtOnce(file, kProcesses))
                EXPECT_EQ(failure, "");
            Store store(file, OpenMode::ReadOnly);
            EXPECT_EQ(store.fileSchemaVersion(), Store::kSchemaVersion);
            EXPECT_EQ(store.runs().size(), before + kProcesses);
            if (HasFailure())
                break;
        }
    }
}

TEST(StoreRaces, ACreationAbandonedByAKilledProcessIsSweptAwayAndALiveOneIsLeftAlone)
{
    using namespace std::chrono_literals;
    nf::test::ScratchDir dir;
    const auto abandoned = dir / ".runs.sqlite.new-00000000deadbeef";
    const auto underway = dir / ".runs.sqlite.new-0000000012345678";
    for (const auto& file : {abandoned, underway})
        std::ofstream(file) << "a database being made";
    std::ofstream(abandoned.string() + "-wal") << "its WAL";
    std::filesystem::last_write_time(abandoned, std::filesystem::file_time_type::clock::now() - 1h);

    Store store(dir / "runs.sqlite");
    EXPECT_FALSE(std::filesystem::exists(abandoned));
    EXPECT_FALSE(std::filesystem::exists(abandoned.string() + "-wal"));
    EXPECT_TRUE(std::filesystem::exists(underway)) << "another process may be making it right now";
}
