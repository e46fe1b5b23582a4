// Runs as CSV, as `export --format csv` and the app's Export runs write them: every field reads
// back as it was, whatever its text.

#include "workspace/export_csv.h"
#include "formats/csv.h"
#include "store/store.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

using namespace nf::store;
using nf::formats::parseCsv;

namespace {

// A label with every character CSV must quote.
const std::string kAwkward = "model, \"v2\"\r\nsecond line";

struct TwoRuns
{
    TwoRuns()
    {
        const std::vector<TaskItem> items = {{"algebra", "0"}, {"algebra", "1"}, {"law, tax", "2"}};
        const int64_t model = store.ensureModel("/m.pt", "model-sha", "classifier", kAwkward);
        const int64_t task = store.ensureTask("image", "/a", "a-sha", "task", items);
        config = store.ensureConfig(model, task, "{}", "hash");
        const int64_t env = store.ensureEnvironment("{}", "env");
        first = store.beginRun({config, env, 1, "greedy", "engine"});
        store.completeRun(first, {{0, 0, true, 0.9}, {1, 1, false, 0.125}, {2, 2, true, 1.0 / 3.0}}, 2.5);
        second = store.beginRun({config, env, 2, "a \"quoted\" label", "engine"});
        store.completeRun(second, {{0, 1, false, 0.4}, {1, 1, false, 0.2}, {2, 2, true, 0.7}}, 1.0);
        store.setRunTags(first, "a,b");
        store.setRunNotes(first, "line one\nline two");
    }
    Store store{":memory:"};
    int64_t config = 0, first = 0, second = 0;
};

} // namespace

TEST(ExportCsv, AFieldIsQuotedOnlyWhenItMustBeAndReadsBackUnchanged)
{
    EXPECT_EQ(nf::formats::csvField("plain text"), "plain text");
    EXPECT_EQ(nf::formats::csvField("a \"b\""), "\"a \"\"b\"\"\"");
    for (const std::string text : {std::string("a,b"), std::string("cr\ronly"), kAwkward, std::string()}) {
        const auto records = parseCsv(nf::formats::csvField(text) + ",x\n", "test");
        ASSERT_EQ(records.size(), 1u) << text;
        ASSERT_EQ(records[0].fields.size(), 2u) << text;
        EXPECT_EQ(records[0].fields[0], text);
    }
}

TEST(ExportCsv, OneRowPerRunWithEveryFieldAsStored)
{
    TwoRuns runs;
    std::ostringstream out;
    EXPECT_EQ(nf::workspace::writeRunsCsv(runs.store, {runs.first, 999, runs.second}, out), 2u)
        << "an id that names no run is skipped";
    const auto records = parseCsv(out.str(), "export");
    ASSERT_EQ(records.size(), 3u);
    const std::vector<std::string> header = {"run",        "uid",    "group",     "model",       "task",
                                             "seed",       "status", "accuracy",  "n_items",     "n_correct",
                                             "started_at", "finished_at", "duration_s", "source", "tags", "notes"};
    EXPECT_EQ(records[0].fields, header);
    const auto run = *runs.store.run(runs.first);
    const auto& row = records[1].fields;
    ASSERT_EQ(row.size(), header.size());
    EXPECT_EQ(row[0], std::to_string(runs.first));
    EXPECT_EQ(row[1], run.uid);
    EXPECT_EQ(row[3], kAwkward);
    EXPECT_EQ(row[5], "1");
    EXPECT_EQ(row[6], "completed");
    EXPECT_EQ(row[7], "0.6666666667") << "two of three, 10 significant digits";
    EXPECT_EQ(row[8], "3");
    EXPECT_EQ(row[9], "2");
    EXPECT_EQ(row[10], run.startedAt);
    EXPECT_EQ(row[12], "2.500");
    EXPECT_EQ(row[13], "engine");
    EXPECT_EQ(row[14], "a,b");
    EXPECT_EQ(row[15], "line one\nline two");
    EXPECT_EQ(records[2].fields[7], "0.3333333333");
}

TEST(ExportCsv, OneRowPerRunAndItemWithItsSubject)
{
    TwoRuns runs;
    std::ostringstream out;
    nf::workspace::writeItemsCsv(runs.store, runs.store.runs(), out);
    const auto records = parseCsv(out.str(), "export");
    ASSERT_EQ(records.size(), 7u) << "a header and 2 runs x 3 items";
    EXPECT_EQ(records[0].fields[7], "label");
    EXPECT_EQ(records[0].fields[12], "p_true");
    const auto& third = records[3].fields; // run 1, item 2
    ASSERT_EQ(third.size(), 13u);
    EXPECT_EQ(third[3], kAwkward);
    EXPECT_EQ(third[7], "greedy");
    EXPECT_EQ(third[8], "2");
    EXPECT_EQ(third[9], "law, tax");
    EXPECT_EQ(third[10], "2");
    EXPECT_EQ(third[11], "1");
    EXPECT_EQ(third[12], "0.333333333");
    EXPECT_EQ(records[4].fields[7], "a \"quoted\" label");
    EXPECT_EQ(records[4].fields[11], "0");
}
