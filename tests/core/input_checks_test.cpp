// Input checked before a database is opened (issue 15, item 7): special files refused by name,
// benchmark text that is not UTF-8 named by file, line and column, start times checked as they
// are read, settings within their ranges (seeds: tests/engine/runner_test.cpp).

#include "common/paths.h"
#include "common/utc_time.h"
#include "core/error_message.h"
#include "core/scratch_dir.h"
#include "engine/settings.h"
#include "formats/idx.h"
#include "formats/mcq.h"
#include "formats/runs_jsonl.h"
#include "store/store.h"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include <sys/stat.h>

namespace fs = std::filesystem;
using nf::test::errorMessage;
using nf::test::ScratchDir;

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

namespace {

void copyFolder(const fs::path& from, const fs::path& to)
{
    fs::copy(from, to, fs::copy_options::recursive);
}

void writeText(const fs::path& path, const std::string& text)
{
    std::ofstream(path, std::ios::binary) << text;
}

} // namespace

TEST(SpecialFiles, AreNamedAndRegularOrMissingFilesPass)
{
    ScratchDir dir;
    const fs::path fifo = dir / "fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    writeText(dir / "plain.txt", "text");
    EXPECT_EQ(nf::specialFileKind(fifo), "a FIFO");
    EXPECT_EQ(nf::specialFileKind("/dev/zero"), "a character device");
    EXPECT_EQ(nf::specialFileKind(dir.path()), "a folder");
    EXPECT_EQ(nf::specialFileKind(dir / "plain.txt"), "");
    EXPECT_EQ(nf::specialFileKind(dir / "missing"), "");
    if (fs::exists("/proc/self/status")) {
        EXPECT_EQ(nf::specialFileKind("/proc/self/status"), "a file of the kernel's /proc or /sys");
    }
    EXPECT_EQ(errorMessage([&] { nf::requireRegularFile(fifo, "task file"); }),
              "task file " + fifo.string() + " is a FIFO, not a regular file");
    nf::requireRegularFile(dir / "plain.txt", "task file");
}

TEST(SpecialFiles, ReadersRefuseThemBeforeOpening)
{
    ScratchDir dir;
    const fs::path fifo = dir / "fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    // Each would wait for a writer forever if it opened the FIFO.
    EXPECT_CONTAINS(errorMessage([&] { nf::formats::readIdx(fifo); }), "IDX file " + fifo.string() + " is a FIFO");
    EXPECT_CONTAINS(errorMessage([&] { nf::formats::readIdx("/dev/zero"); }), "is a character device");
    EXPECT_CONTAINS(errorMessage([&] { nf::formats::readRunsJsonl(fifo); }), "runs file " + fifo.string());
    EXPECT_CONTAINS(errorMessage([&] { nf::formats::loadMcqTask("jsonl:" + fifo.string()); }), "is a FIFO");
    EXPECT_CONTAINS(nf::test::errorMessage<nf::StoreError>([&] { nf::store::Store store(fifo); }),
                    fifo.string() + " is a FIFO, not a database file");

    // A FIFO named like a subject's file in a benchmark folder, in the test split and as a dev file.
    copyFolder(fs::path(NF_TEST_DATA_DIR) / "mcq" / "mmlu", dir / "mmlu");
    fs::remove(dir / "mmlu" / "dev" / "world_religions_dev.csv");
    ASSERT_EQ(::mkfifo((dir / "mmlu" / "dev" / "world_religions_dev.csv").c_str(), 0600), 0);
    EXPECT_CONTAINS(errorMessage([&] { nf::formats::loadMcqTask("mmlu:" + (dir / "mmlu").string()); }),
                    "benchmark file " + (dir / "mmlu" / "dev" / "world_religions_dev.csv").string() + " is a FIFO");
}

TEST(BenchmarkText, InvalidUtf8IsNamedByFileLineAndColumnWhenTheTaskIsRead)
{
    ScratchDir dir;
    copyFolder(fs::path(NF_TEST_DATA_DIR) / "mcq" / "mmlu", dir / "mmlu");
    const fs::path test = dir / "mmlu" / "test" / "abstract_algebra_test.csv";
    writeText(test, "Find the order of 5 in Z_12.,2,4,6,12,D\nWhich group is cyclic\xC3?,a,b,c,d,B\n");
    EXPECT_EQ(errorMessage([&] { nf::formats::loadMcqTask("mmlu:" + (dir / "mmlu").string()); }),
              test.string() + ":2: column 1 (question) is not valid UTF-8 at byte 21 of the field (save the file "
                              "as UTF-8)");

    // A dev row, read only as a shot: found as the task is read all the same.
    writeText(test, "Find the order of 5 in Z_12.,2,4,6,12,D\n");
    const fs::path dev = dir / "mmlu" / "dev" / "abstract_algebra_dev.csv";
    writeText(dev, "A question?,one,tw\xFFo,three,four,A\n");
    EXPECT_CONTAINS(errorMessage([&] { nf::formats::loadMcqTask("mmlu:" + (dir / "mmlu").string()); }),
                    dev.string() + ":1: column 3 (B) is not valid UTF-8 at byte 2");
}

TEST(BenchmarkText, InvalidUtf8InAHeaderedBenchmarkNamesTheColumnTheHeaderGives)
{
    ScratchDir dir;
    copyFolder(fs::path(NF_TEST_DATA_DIR) / "mcq" / "ceval", dir / "ceval");
    const fs::path val = dir / "ceval" / "val" / "computer_network_val.csv";
    // Latin-1 where UTF-8 was expected: the option C of the first row.
    writeText(val, "id,question,A,B,C,D,answer\n0,Which layer routes packets?,physical,link,r\xE9seau,transport,C\n");
    EXPECT_CONTAINS(errorMessage([&] { nf::formats::loadMcqTask("ceval:" + (dir / "ceval").string()); }),
                    val.string() + ":2: column 5 (C) is not valid UTF-8 at byte 1");
}

TEST(StartTimes, OnlyTextsTheStoreReadsPass)
{
    for (const char* good : {"2026-11-28", "2026-11-28T04:10", "2026-11-28T04:10:00Z", "2026-11-28 04:10:00.123456",
                             "2026-11-28T04:10:00+01:00", "2024-02-29T23:59:59-14:00", "1000-01-01", "9000-12-31"})
        EXPECT_TRUE(nf::isIsoTime(good)) << good;
    for (const char* bad : {"", "yesterday", "2026-13-01", "2026-02-30", "2025-02-29", "2026-11-28T24:00",
                            "2026-11-28T04:60", "2026-11-28T04:10:00.", "2026-11-28T04:10Zx", "2026-11-28T04:10+15:00",
                            "2026-11-28T", "26-11-28", "0999-01-01", "9001-01-01", "2460000.5", "now",
                            "2026-11-28T04:10:00 Z"})
        EXPECT_FALSE(nf::isIsoTime(bad)) << bad;
}

TEST(StartTimes, AJsonlLineWithABadStartOrDurationIsRefusedAsTheFileIsRead)
{
    ScratchDir dir;
    const fs::path file = dir / "runs.jsonl";
    const std::string line = R"({"model": "m", "task": "t", "config": {}, "seed": 1, "correct": [1, 0])";
    writeText(file, line + "}\n" + line + R"(, "started_at": "2026-11-31T10:00:00Z"})" + "\n");
    EXPECT_EQ(errorMessage([&] { nf::formats::readRunsJsonl(file); }),
              file.string() + ":2: \"started_at\" '2026-11-31T10:00:00Z' is not an ISO-8601 time such as "
                              "2026-11-28T04:10:00.123Z (years 1000 to 9000)");
    writeText(file, line + R"(, "duration_s": 1e300})" + "\n");
    EXPECT_EQ(errorMessage([&] { nf::formats::readRunsJsonl(file); }),
              file.string() + ":1: \"duration_s\" must be a number of seconds from 0 to 1e9");
}

TEST(SettingRanges, ThreadsAndBatchSizeAreBounded)
{
    using namespace nf::engine;
    const int64_t cores = std::max<int64_t>(1, std::thread::hardware_concurrency());
    EXPECT_EQ(maxThreads(), 4 * cores);
    const Setting& threads = setting("threads");
    checkSettingValue(threads, int64_t{0});
    checkSettingValue(threads, maxThreads());
    EXPECT_EQ(errorMessage([&] { checkSettingValue(threads, int64_t{100000}, "--threads"); }),
              "--threads: 100000 must be 0 (automatic) or from 1 to " + std::to_string(4 * cores) + " (4 per core)");
    checkSettingValue(setting("batch_size"), kMaxBatchSize);
    EXPECT_EQ(errorMessage([] { checkSettingValue(setting("batch_size"), int64_t{2000000000}, "--batch-size"); }),
              "--batch-size: 2000000000 must be from 1 to 65536");
    EXPECT_EQ(errorMessage([] { checkSettingValue(setting("shots"), std::string(), "--shots"); }),
              "--shots: '' is not one of first | per-run | per-item");
}
