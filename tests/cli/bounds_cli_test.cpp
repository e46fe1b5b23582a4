// Everything checked before the database is opened (issue 15, item 7), end to end: arguments out
// of range, benchmark text that is not UTF-8, bad JSONL start times, FIFOs, devices and /proc
// files, and read commands on a database of an older schema. Each refusal: exit 2, one line under
// 300 bytes naming the option or the file, no database file created.

#include "cli/cli_runner.h"
#include "common/sha256.h"
#include "core/scratch_dir.h"
#include "engine/fixture.h"
#include "engine/lm_fixture.h"
#include "engine/settings.h"
#include "store/store.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;
using nf::test::CliResult;
using nf::test::TinyWorld;

namespace {

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

// A command that could hang (a FIFO, a device) is killed after this long instead of hanging the
// suite; a kill shows as exit code 137 (or -1), never as the 2 the tests expect.
const std::string kTimeout = "timeout -s KILL 60 ";

CliResult cli(const fs::path& dir, const std::vector<std::string>& args)
{
    return nf::test::runCli(dir, args, kTimeout);
}

// Exit 2, one line under 300 bytes holding `expected`, and no database at `db`.
void expectRefused(const CliResult& result, const std::string& expected, const fs::path& db)
{
    EXPECT_EQ(result.code, 2) << expected << "\n" << result.err;
    EXPECT_CONTAINS(result.err, expected);
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << "one line:\n" << result.err;
    EXPECT_LT(result.err.size(), 300u) << result.err;
    EXPECT_FALSE(fs::exists(db)) << expected;
}

void writeText(const fs::path& path, const std::string& text)
{
    std::ofstream(path, std::ios::binary) << text;
}

std::string jsonlLine(int64_t seed, const std::string& startedAt, const std::string& uid)
{
    return nlohmann::json{{"model", "m"},         {"task", "quiz"},    {"config", nlohmann::json::object()},
                          {"seed", seed},         {"uid", uid},        {"started_at", startedAt},
                          {"correct", {1, 0, 1}}}
        .dump();
}

} // namespace

TEST(CliBounds, EachArgumentOutOfItsRangeIsRefusedByNameBeforeTheDatabase)
{
    TinyWorld world;
    const auto db = world / "runs.sqlite";
    const std::string threads = std::to_string(nf::engine::maxThreads());
    struct Case
    {
        std::vector<std::string> extra;
        std::string expect;
    };
    const std::vector<Case> cases = {
        {{"--threads", "100000"}, "--threads: 100000 must be 0 (automatic) or from 1 to " + threads + " (4 per core)"},
        {{"--threads", "-1"}, "--threads: -1 must be 0 (automatic) or from 1 to " + threads},
        {{"--batch-size", "0"}, "--batch-size: 0 must be from 1 to 65536"},
        {{"--batch-size", "-5"}, "--batch-size: -5 must be from 1 to 65536"},
        {{"--batch-size", "2000000000"}, "--batch-size: 2000000000 must be from 1 to 65536"},
        {{"--repeats", "0"}, "--repeats: 0 must be from 1 to 100000"},
        {{"--repeats", "100001"}, "--repeats: 100001 must be from 1 to 100000"},
        {{"--repeats", "99999999999999999999"}, "--repeats"},
        {{"--seed-start", "9223372036854775807", "--repeats", "3"},
         "--seed-start: 9223372036854775807 with 3 repeats goes past the largest seed, 9223372036854775807"},
        {{"--seed-start", "-1"}, "--seed-start: -1 must be 0 or more"},
        {{"--n-shot", "-1"}, "--n-shot: -1 must be 0 or more"},
        // An empty value is a mistake (an unset shell variable); leaving the option out gives the
        // template's default.
        {{"--shots", ""}, "--shots: '' is not one of first | per-run | per-item"},
    };
    for (const auto& c : cases) {
        std::vector<std::string> args = {"--db",   db.string(),     "run", "--model", world.model("tiny"),
                                         "--task", world.taskSpec()};
        args.insert(args.end(), c.extra.begin(), c.extra.end());
        expectRefused(cli(world.dir(), args), c.expect, db);
    }
    expectRefused(cli(world.dir(), {"--db", db.string(), "demo", "--repeats", "0"}), "--repeats: 0 must be from 1",
                  db);
}

TEST(CliBounds, InvalidUtf8InABenchmarkQuestionOrDevRowIsNamedAndNothingIsStored)
{
    nf::test::TinyLmWorld world;
    const auto db = world / "runs.sqlite";
    const auto model = world.model("lm");
    fs::copy(fs::path(NF_TEST_DATA_DIR) / "mcq" / "mmlu", world / "mmlu", fs::copy_options::recursive);
    const auto test = world / "mmlu" / "test" / "world_religions_test.csv";
    const auto dev = world / "mmlu" / "dev" / "world_religions_dev.csv";
    const std::string testText = nf::test::readFile(test);
    const std::string devText = nf::test::readFile(dev);
    const std::vector<std::string> args = {"--db",   db.string(), "run",      "--model", model,
                                           "--task", "mmlu:" + (world / "mmlu").string(), "--n-shot", "2"};

    // A Latin-1 byte in the second row's question.
    std::string bad = testText;
    bad.insert(bad.find('\n') + 4, "\xE9");
    writeText(test, bad);
    expectRefused(cli(world / "", args), test.string() + ":2: column 1 (question) is not valid UTF-8 at byte 3", db);

    // A cut-off sequence in a dev row's option A, a row the prompts use only as a shot.
    writeText(test, testText);
    std::string badDev = devText;
    badDev.insert(badDev.find(',') + 1, "\xE2\x82");
    writeText(dev, badDev);
    expectRefused(cli(world / "", args), dev.string() + ":1: column 2 (A) is not valid UTF-8 at byte 0", db);
}

TEST(CliBounds, ABadJsonlStartTimeIsRefusedOnANewPathAndWhenItsUidIsStored)
{
    nf::test::ScratchDir dir;
    const auto db = dir / "runs.sqlite";
    writeText(dir / "bad.jsonl", jsonlLine(1, "2026-11-28T10:00:00Z", "u1") + "\n" +
                                     jsonlLine(2, "2026-11-28T25:00:00Z", "u2") + "\n");
    expectRefused(cli(dir.path(), {"--db", db.string(), "import", (dir / "bad.jsonl").string()}),
                  "bad.jsonl:2: \"started_at\" '2026-11-28T25:00:00Z' is not an ISO-8601 time", db);

    // The same uid stored already: the line is still checked, not skipped silently.
    writeText(dir / "good.jsonl", jsonlLine(2, "2026-11-28T11:00:00Z", "u2") + "\n");
    ASSERT_EQ(cli(dir.path(), {"--db", db.string(), "import", (dir / "good.jsonl").string()}).code, 0);
    const std::string before = nf::sha256File(db);
    const auto again = cli(dir.path(), {"--db", db.string(), "import", (dir / "bad.jsonl").string()});
    EXPECT_EQ(again.code, 2);
    EXPECT_CONTAINS(again.err, "bad.jsonl:2: \"started_at\"");
    EXPECT_EQ(nf::sha256File(db), before) << "nothing written";
}

TEST(CliBounds, FifosDevicesAndKernelFilesAreRefusedByNameWithoutHanging)
{
    TinyWorld world;
    const auto db = world / "runs.sqlite";
    const auto fifo = world / "fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const auto labels = (world / "labels.idx.gz").string();
    auto run = [&](const std::string& dbPath, const std::string& task) {
        return cli(world.dir(), {"--db", dbPath, "run", "--model", world.model("tiny"), "--task", task});
    };
    expectRefused(run(db.string(), "idx:" + fifo.string() + "," + labels),
                  "IDX file " + fifo.string() + " is a FIFO, not a regular file", db);
    expectRefused(run(db.string(), "idx:/dev/zero,/dev/zero"),
                  "IDX file /dev/zero is a character device, not a regular file", db);
    expectRefused(run(fifo.string(), world.taskSpec()), fifo.string() + " is a FIFO, not a database file", db);
    expectRefused(cli(world.dir(), {"--db", fifo.string(), "list"}), fifo.string() + " is a FIFO", db);

    expectRefused(cli(world.dir(), {"--db", db.string(), "import", fifo.string()}),
                  "import source " + fifo.string() + " is a FIFO, not a regular file", db);
    if (fs::exists("/proc/kmsg")) {
        expectRefused(cli(world.dir(), {"--db", db.string(), "import", "/proc/kmsg"}),
                      "import source /proc/kmsg is a file of the kernel's /proc or /sys", db);
    }

    // A folder's search passes special files over and imports what it finds beside them.
    fs::create_directory(world / "out");
    ASSERT_EQ(::mkfifo((world / "out" / "runs.jsonl").c_str(), 0600), 0);
    writeText(world / "out" / "more.jsonl", jsonlLine(1, "2026-11-28T10:00:00Z", "u1") + "\n");
    const auto folder = cli(world.dir(), {"--db", db.string(), "import", (world / "out").string()});
    EXPECT_EQ(folder.code, 0) << folder.err;
    EXPECT_CONTAINS(folder.out, "1 run");
}

TEST(CliBounds, ReadCommandsReadAVersionOneDatabaseUpgradingItWhenWritable)
{
    nf::test::ScratchDir dir;
    const auto db = (dir / "v1.sqlite").string();
    fs::copy_file(fs::path(NF_TEST_DATA_DIR) / "store-v1.sqlite", db);
    const auto listed = cli(dir.path(), {"--db", db, "--json", "list"});
    ASSERT_EQ(listed.code, 0) << listed.err;
    EXPECT_EQ(nlohmann::json::parse(listed.out).size(), 5u);
    EXPECT_EQ(listed.err, "noisefloor-cli: upgraded " + db + " from schema 1 to " +
                              std::to_string(nf::store::Store::kSchemaVersion) + "\n");
    for (const std::vector<std::string>& command :
         {std::vector<std::string>{"list"}, {"groups"}, {"show", "1"}, {"summary", "1"}}) {
        std::vector<std::string> args = {"--db", db};
        args.insert(args.end(), command.begin(), command.end());
        const auto read = cli(dir.path(), args);
        EXPECT_EQ(read.code, 0) << command.front() << ": " << read.err;
        EXPECT_EQ(read.err, "") << "said once: " << command.front();
    }
}

TEST(CliBounds, ReadCommandsReadAReadOnlyVersionOneDatabaseAsItIs)
{
    nf::test::ScratchDir dir;
    const auto db = (dir / "v1.sqlite").string();
    fs::copy_file(fs::path(NF_TEST_DATA_DIR) / "store-v1.sqlite", db);
    ::chmod(db.c_str(), 0444);
    // Root writes through file permissions, so as root the CLI runs as nobody (setpriv).
    std::string asUser = kTimeout;
    if (::geteuid() == 0) {
        if (!fs::exists("/usr/bin/setpriv"))
            GTEST_SKIP() << "running as root without setpriv: file permissions cannot make a database read-only";
        asUser += "setpriv --reuid=65534 --regid=65534 --clear-groups ";
        ::chmod(dir.path().c_str(), 0755);
    }
    const std::string before = nf::sha256File(db);
    for (const std::vector<std::string>& command :
         {std::vector<std::string>{"list"}, {"groups"}, {"show", "1"}, {"summary", "1"}}) {
        std::vector<std::string> args = {"--db", db};
        args.insert(args.end(), command.begin(), command.end());
        const auto read = nf::test::runCli(dir.path(), args, asUser);
        EXPECT_EQ(read.code, 0) << command.front() << ": " << read.err;
        EXPECT_EQ(read.err, "noisefloor-cli: note: " + db +
                                " has the older schema 1 and cannot be written; read through a copy upgraded in "
                                "memory\n");
    }
    EXPECT_EQ(nf::sha256File(db), before) << "the file is left as it is";
}
