// summary, compare, zones, pin, import and export --format jsonl, end to end, on exact data fed
// through noisefloor's interchange format (no engine involved).

#include "cli/cli_runner.h"
#include "core/scratch_dir.h"
#include "store/store.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

using nf::test::runCli;
using nf::test::ScratchDir;
using nlohmann::json;

namespace {

// One run: `correct` of `n` items, the first `k` of them right, then a pattern.
json runLine(const std::string& model, int64_t seed, int n, int correctCount,
             const std::string& task = "quiz", json config = json::object())
{
    json correct = json::array();
    for (int i = 0; i < n; ++i)
        correct.push_back(i < correctCount ? 1 : 0);
    json subjects = json::array();
    for (int i = 0; i < n; ++i)
        subjects.push_back(i % 2 == 0 ? "algebra" : "history");
    return {{"model", model},
            {"task", task},
            {"config", config},
            {"seed", seed},
            {"started_at", "2026-11-0" + std::to_string(1 + seed % 9) + "T10:00:00Z"},
            {"correct", correct},
            {"subjects", subjects}};
}

void writeLines(const std::filesystem::path& path, const std::vector<std::string>& lines)
{
    std::ofstream file(path);
    for (const auto& line : lines)
        file << line << '\n';
}

// Group A: 5 runs at 60-64 of 100; group B: 5 runs at 70-74 of 100.
std::vector<std::string> twoGroups()
{
    std::vector<std::string> lines;
    for (int r = 0; r < 5; ++r)
        lines.push_back(runLine("model-a", r + 1, 100, 60 + r).dump());
    for (int r = 0; r < 5; ++r)
        lines.push_back(runLine("model-b", r + 1, 100, 70 + r).dump());
    return lines;
}

} // namespace

TEST(CliStats, ImportThenSummaryJsonHasTheDocumentedKeysInFractions)
{
    ScratchDir dir;
    const auto db = (dir / "runs.sqlite").string();
    writeLines(dir / "runs.jsonl", twoGroups());
    const auto imported = runCli(dir.path(), {"--db", db, "import", (dir / "runs.jsonl").string()});
    ASSERT_EQ(imported.code, 0) << imported.err;
    EXPECT_NE(imported.out.find("imported 10 runs (1000 item results)"), std::string::npos) << imported.out;

    const auto summary = runCli(dir.path(), {"--db", db, "--json", "summary", "1"});
    ASSERT_EQ(summary.code, 0) << summary.err;
    const auto s = json::parse(summary.out);
    for (const char* key : {"n", "mean", "sd", "median", "min", "max", "ci95", "pi95", "flip_rate", "sd_seed",
                            "se_question", "runs"})
        EXPECT_TRUE(s.contains(key)) << key;
    EXPECT_EQ(s["n"], 5);
    EXPECT_NEAR(s["mean"].get<double>(), 0.62, 1e-12);
    EXPECT_NEAR(s["median"].get<double>(), 0.62, 1e-12);
    EXPECT_EQ(s["ci95"].size(), 2u);
    ASSERT_EQ(s["runs"].size(), 5u);
    for (const char* key : {"id", "seed", "accuracy", "deviation", "zone", "z", "rules"})
        EXPECT_TRUE(s["runs"][0].contains(key)) << key;
    EXPECT_NEAR(s["runs"][0]["deviation"].get<double>(), -0.02, 1e-12);
    EXPECT_EQ(s["runs"][0]["zone"], "watch") << "2 points below the median";
    EXPECT_EQ(s["runs"][2]["zone"], "normal");
    EXPECT_EQ(s["flip_rate"].get<double>(), 0.04) << "items 60-63 flip across the 5 runs";
}

TEST(CliStats, CompareSaysImprovementForTenPointsAndListsEveryKey)
{
    ScratchDir dir;
    const auto db = (dir / "runs.sqlite").string();
    writeLines(dir / "runs.jsonl", twoGroups());
    ASSERT_EQ(runCli(dir.path(), {"--db", db, "import", (dir / "runs.jsonl").string()}).code, 0);
    const auto compared = runCli(dir.path(), {"--db", db, "--json", "compare", "1", "2"});
    ASSERT_EQ(compared.code, 0) << compared.err;
    const auto c = json::parse(compared.out);
    for (const char* key : {"delta", "welch", "paired", "mcnemar", "bootstrap", "mde", "repeats_needed",
                            "verdict", "env_differences"})
        EXPECT_TRUE(c.contains(key)) << key;
    for (const char* key : {"t", "df", "p", "ci95"})
        EXPECT_TRUE(c["welch"].contains(key)) << key;
    for (const char* key : {"n_items", "mean_diff", "se", "z", "p", "ci95", "correlation"})
        EXPECT_TRUE(c["paired"].contains(key)) << key;
    for (const char* key : {"b", "c", "statistic", "p", "exact"})
        EXPECT_TRUE(c["mcnemar"].contains(key)) << key;
    EXPECT_NEAR(c["delta"].get<double>(), 0.10, 1e-12);
    EXPECT_EQ(c["verdict"], "improvement");
    EXPECT_EQ(c["beyond_noise"], "improvement");
    EXPECT_EQ(c["matters"]["answer"], "matters");
    EXPECT_EQ(c["settle"]["kind"], "nothing");
    EXPECT_EQ(c["badge"], "real improvement of 10.00 points");
    EXPECT_EQ(c["bootstrap"]["resamples"], 10000);

    const auto text = runCli(dir.path(), {"--db", db, "compare", "1", "2"});
    ASSERT_EQ(text.code, 0);
    EXPECT_NE(text.out.find("verdict: real improvement of 10.00 points"), std::string::npos) << text.out;
    for (const char* question : {"Beyond run-to-run noise on this item set? yes: B is 10.00 points better",
                                 "Does it matter? (difference that matters 1.00 points) yes: the 95% CI",
                                 "Would it hold on new questions of the same kind? yes: holds",
                                 "What would settle it: nothing: every question is answered"})
        EXPECT_NE(text.out.find(question), std::string::npos) << question << "\n" << text.out;
}

TEST(CliStats, TheDifferenceThatMattersIsATaskSettingThatCompareUses)
{
    ScratchDir dir;
    const auto db = (dir / "runs.sqlite").string();
    writeLines(dir / "runs.jsonl", twoGroups());
    ASSERT_EQ(runCli(dir.path(), {"--db", db, "import", (dir / "runs.jsonl").string()}).code, 0);
    // A 10-point gain against a difference that matters of 12 points: real, but negligible.
    const auto set = runCli(dir.path(), {"--db", db, "zones", "--task", "1", "--matters", "12"});
    ASSERT_EQ(set.code, 0) << set.err;
    EXPECT_NE(set.out.find("difference that matters: 12.00 points (the task's own)"), std::string::npos) << set.out;
    auto c = json::parse(runCli(dir.path(), {"--db", db, "--json", "compare", "1", "2"}).out);
    EXPECT_EQ(c["delta_user"], 0.12);
    EXPECT_EQ(c["verdict"], "negligible_improvement");
    EXPECT_EQ(c["badge"], "real improvement of 10.00 points, smaller than the 12.00 that matters");
    // --delta overrides it for one comparison; --reset goes back to the watch threshold.
    c = json::parse(runCli(dir.path(), {"--db", db, "--json", "compare", "1", "2", "--delta", "2"}).out);
    EXPECT_EQ(c["verdict"], "improvement");
    ASSERT_EQ(runCli(dir.path(), {"--db", db, "zones", "--task", "1", "--reset"}).code, 0);
    const auto shown = runCli(dir.path(), {"--db", db, "--json", "zones", "--task", "1"});
    EXPECT_EQ(json::parse(shown.out)["matters_points"], 1.0) << shown.out;
    // Bad values write nothing and say what is wrong.
    const auto bad = runCli(dir.path(), {"--db", db, "zones", "--task", "1", "--matters", "-3"});
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.err.find("--matters -3.00: expected a number of accuracy points in (0, 100]"), std::string::npos)
        << bad.err;
    const auto noTask = runCli(dir.path(), {"--db", db, "zones", "--matters", "3"});
    EXPECT_EQ(noTask.code, 2);
    EXPECT_NE(noTask.err.find("--matters and --reset need --task T"), std::string::npos) << noTask.err;
    const auto unknown = runCli(dir.path(), {"--db", db, "zones", "--task", "9", "--matters", "3"});
    EXPECT_EQ(unknown.code, 2) << unknown.out;
}

// `compare --baseline B` compares B with the baseline pinned for its task, as the app's Compare
// tab does: a pinned group gives the same figures as `compare A B`, a pinned run is that one run.
TEST(CliStats, CompareWithTheBaselinePinnedForTheTask)
{
    ScratchDir dir;
    const auto db = (dir / "runs.sqlite").string();
    writeLines(dir / "runs.jsonl", twoGroups());
    ASSERT_EQ(runCli(dir.path(), {"--db", db, "import", (dir / "runs.jsonl").string()}).code, 0);

    const auto unpinned = runCli(dir.path(), {"--db", db, "compare", "--baseline", "2"});
    EXPECT_EQ(unpinned.code, 2);
    EXPECT_NE(unpinned.err.find("no baseline is pinned for quiz, the task of group 2"), std::string::npos)
        << unpinned.err;

    ASSERT_EQ(runCli(dir.path(), {"--db", db, "pin", "--group", "1"}).code, 0);
    auto pinned = json::parse(runCli(dir.path(), {"--db", db, "--json", "compare", "--baseline", "2"}).out);
    auto plain = json::parse(runCli(dir.path(), {"--db", db, "--json", "compare", "1", "2"}).out);
    EXPECT_EQ(pinned["a"]["pinned"], "group 1");
    EXPECT_TRUE(plain["a"]["pinned"].is_null());
    pinned["a"].erase("pinned");
    plain["a"].erase("pinned");
    EXPECT_EQ(pinned, plain);
    const auto itself = runCli(dir.path(), {"--db", db, "compare", "--baseline", "1"});
    EXPECT_EQ(itself.code, 2);
    EXPECT_NE(itself.err.find("group 1 is itself the pinned baseline of its task"), std::string::npos) << itself.err;

    // Run 3 of group 1 scored 62 of 100: A is that run alone.
    ASSERT_EQ(runCli(dir.path(), {"--db", db, "pin", "--run", "3"}).code, 0);
    const auto text = runCli(dir.path(), {"--db", db, "compare", "--baseline", "2"});
    ASSERT_EQ(text.code, 0) << text.err;
    EXPECT_NE(text.out.find("A: pinned run 3 (group 1), model-a"), std::string::npos) << text.out;
    const auto run = json::parse(runCli(dir.path(), {"--db", db, "--json", "compare", "--baseline", "2"}).out);
    EXPECT_EQ(run["a"]["n"], 1);
    EXPECT_NEAR(run["a"]["mean"].get<double>(), 0.62, 1e-12);

    // Either two groups or --baseline with one.
    for (const std::vector<std::string>& wrong :
         {std::vector<std::string>{"compare", "1"}, {"compare", "1", "--baseline", "2"}, {"compare"}}) {
        std::vector<std::string> args = {"--db", db};
        args.insert(args.end(), wrong.begin(), wrong.end());
        const auto refused = runCli(dir.path(), args);
        EXPECT_EQ(refused.code, 2) << refused.out;
        EXPECT_NE(refused.err.find("give GROUP_A GROUP_B, or --baseline GROUP_B alone"), std::string::npos)
            << refused.err;
    }
}

TEST(CliStats, GroupsOnDifferentTasksAreRefused)
{
    ScratchDir dir;
    const auto db = (dir / "runs.sqlite").string();
    writeLines(dir / "runs.jsonl",
               {runLine("m", 1, 10, 5, "quiz").dump(), runLine("m", 1, 10, 5, "exam").dump()});
    ASSERT_EQ(runCli(dir.path(), {"--db", db, "import", (dir / "runs.jsonl").string()}).code, 0);
    const auto compared = runCli(dir.path(), {"--db", db, "compare", "1", "2"});
    EXPECT_EQ(compared.code, 2);
    EXPECT_NE(compared.err.find("different tasks (quiz vs exam)"), std::string::npos) << compared.err;
}

TEST(CliStats, MalformedLineIsNamedAndNothingFromTheFileIsStored)
{
    ScratchDir dir;
    const auto db = (dir / "runs.sqlite").string();
    auto lines = twoGroups();
    auto bad = runLine("model-a", 9, 100, 50);
    bad["correct"][7] = 2;
    lines.insert(lines.begin() + 3, bad.dump());
    writeLines(dir / "runs.jsonl", lines);
    const auto imported = runCli(dir.path(), {"--db", db, "import", (dir / "runs.jsonl").string()});
    EXPECT_EQ(imported.code, 2);
    EXPECT_NE(imported.err.find("runs.jsonl:4: \"correct\" must be an array of 0/1"), std::string::npos)
        << imported.err;
    EXPECT_FALSE(std::filesystem::exists(db));

    // A start time that is not a time is found as the file is read: no database is created.
    auto late = runLine("m", 2, 10, 5);
    late["started_at"] = "yesterday";
    writeLines(dir / "late.jsonl", {runLine("m", 1, 10, 5).dump(), late.dump()});
    const auto early = runCli(dir.path(), {"--db", db, "import", (dir / "late.jsonl").string()});
    EXPECT_EQ(early.code, 2);
    EXPECT_NE(early.err.find("late.jsonl:2: \"started_at\" 'yesterday' is not an ISO-8601 time"),
              std::string::npos)
        << early.err;
    EXPECT_FALSE(std::filesystem::exists(db));

    // A failure inside the store's transaction, after earlier lines were written, leaves nothing
    // either: line 2 names a task the database holds with another number of items.
    auto known = runLine("m", 1, 10, 5);
    known["task_sha256"] = "quiz-sha";
    writeLines(dir / "known.jsonl", {known.dump()});
    ASSERT_EQ(runCli(dir.path(), {"--db", db, "import", (dir / "known.jsonl").string()}).code, 0);
    auto clash = runLine("m", 2, 11, 5);
    clash["task_sha256"] = "quiz-sha";
    writeLines(dir / "clash.jsonl", {runLine("n", 1, 10, 5, "exam").dump(), clash.dump()});
    const auto failed = runCli(dir.path(), {"--db", db, "import", (dir / "clash.jsonl").string()});
    EXPECT_EQ(failed.code, 2);
    EXPECT_NE(failed.err.find("clash.jsonl:2: task \"quiz\" is already in the database with 10 items"),
              std::string::npos)
        << failed.err;
    nf::store::Store store(db, nf::store::OpenMode::ReadOnly);
    EXPECT_EQ(store.runs().size(), 1u);
    EXPECT_EQ(store.groups().size(), 1u);

    writeLines(dir / "mixed.jsonl", {runLine("m", 1, 10, 5).dump(), runLine("m", 2, 11, 5).dump()});
    const auto mixed = runCli(dir.path(), {"--db", db, "import", (dir / "mixed.jsonl").string()});
    EXPECT_EQ(mixed.code, 2);
    EXPECT_NE(mixed.err.find("mixed.jsonl:2: task \"quiz\" has 10 items on line 1 but 11 here"),
              std::string::npos)
        << mixed.err;
}

TEST(CliStats, ExportJsonlThenImportIntoANewDatabaseKeepsEveryStatistic)
{
    ScratchDir dir;
    const auto first = (dir / "first.sqlite").string();
    writeLines(dir / "runs.jsonl", twoGroups());
    ASSERT_EQ(runCli(dir.path(), {"--db", first, "import", (dir / "runs.jsonl").string()}).code, 0);
    const auto exported = runCli(
        dir.path(), {"--db", first, "export", "--format", "jsonl", "--out", (dir / "out.jsonl").string()});
    ASSERT_EQ(exported.code, 0) << exported.err;
    const auto second = (dir / "second.sqlite").string();
    ASSERT_EQ(runCli(dir.path(), {"--db", second, "import", (dir / "out.jsonl").string()}).code, 0);
    for (const char* group : {"1", "2"}) {
        auto a = json::parse(runCli(dir.path(), {"--db", first, "--json", "summary", group}).out);
        auto b = json::parse(runCli(dir.path(), {"--db", second, "--json", "summary", group}).out);
        EXPECT_EQ(a, b) << "group " << group;
    }
    EXPECT_EQ(json::parse(runCli(dir.path(), {"--db", first, "--json", "compare", "1", "2"}).out),
              json::parse(runCli(dir.path(), {"--db", second, "--json", "compare", "1", "2"}).out));
    // Importing the same file again adds nothing.
    const auto again = runCli(dir.path(), {"--db", second, "import", (dir / "out.jsonl").string()});
    EXPECT_NE(again.out.find("imported before"), std::string::npos) << again.out;
    EXPECT_NE(again.out.find("nothing new"), std::string::npos) << again.out;
}

TEST(CliStats, ZonesAndPinsAreStoredInTheDatabaseAndChangeTheSummary)
{
    ScratchDir dir;
    const auto db = (dir / "runs.sqlite").string();
    writeLines(dir / "runs.jsonl", twoGroups());
    ASSERT_EQ(runCli(dir.path(), {"--db", db, "import", (dir / "runs.jsonl").string()}).code, 0);
    // One item of 100 weighs 1 point, more than a 0.5-point watch threshold: the zones turn to
    // noise units (the larger of one item and the seed noise sd, here one item), said first.
    ASSERT_EQ(runCli(dir.path(), {"--db", db, "zones", "--set", "0.5,1.5,2.5"}).code, 0);
    auto s = json::parse(runCli(dir.path(), {"--db", db, "--json", "summary", "1"}).out);
    EXPECT_EQ(s["zones"]["unit"], "noise");
    EXPECT_EQ(s["zones"]["thresholds_points"], json::parse("[2.0, 3.0, 4.0]"));
    EXPECT_EQ(s["runs"][0]["zone"], "watch") << "-2 points is 2 units of 1 point";
    const auto text = runCli(dir.path(), {"--db", db, "summary", "1"}).out;
    EXPECT_NE(text.find("\n\nzones in noise units: one item of 100 weighs 1.00 points, more than the watch threshold "
                        "of 0.50"),
              std::string::npos)
        << text;
    EXPECT_LT(text.find("zones in noise units"), text.find("runs 5")) << "said before the numbers";

    ASSERT_EQ(runCli(dir.path(), {"--db", db, "zones", "--set", "1.8,1.9,2.5"}).code, 0);
    s = json::parse(runCli(dir.path(), {"--db", db, "--json", "summary", "1"}).out);
    EXPECT_EQ(s["zones"]["unit"], "points");
    EXPECT_EQ(s["runs"][0]["zone"], "elevated") << "-2 points with thresholds 1.8, 1.9, 2.5";

    EXPECT_EQ(runCli(dir.path(), {"--db", db, "zones", "--set", "3,2,1"}).code, 2);
    ASSERT_EQ(runCli(dir.path(), {"--db", db, "pin", "--group", "2"}).code, 0);
    s = json::parse(runCli(dir.path(), {"--db", db, "--json", "summary", "1"}).out);
    EXPECT_EQ(s["reference_label"], "pinned group 2");
    EXPECT_NEAR(s["reference"].get<double>(), 0.72, 1e-12);
    EXPECT_EQ(s["runs"][0]["zone"], "suspicious") << "60 against a baseline of 72";

    ASSERT_EQ(runCli(dir.path(), {"--db", db, "unpin", "--task", "1"}).code, 0);
    s = json::parse(runCli(dir.path(), {"--db", db, "--json", "summary", "1"}).out);
    EXPECT_EQ(s["reference_label"], "median");
}

TEST(CliStats, IdenticalRunsInOneFileStayTwoRunsAndALineWithoutSubjectsJoinsItsTask)
{
    ScratchDir dir;
    const auto db = (dir / "runs.sqlite").string();
    // Greedy decoding gives identical runs; without a uid or a start time only their place in the
    // file tells them apart.
    auto plain = runLine("m", 1, 10, 5);
    plain.erase("started_at");
    auto withoutSubjects = runLine("m", 2, 10, 6);
    withoutSubjects.erase("subjects");
    writeLines(dir / "runs.jsonl", {plain.dump(), plain.dump(), withoutSubjects.dump()});
    const auto first = runCli(dir.path(), {"--db", db, "import", (dir / "runs.jsonl").string()});
    ASSERT_EQ(first.code, 0) << first.err;
    EXPECT_NE(first.out.find("imported 3 runs"), std::string::npos) << first.out;
    EXPECT_NE(first.out.find("into groups 1 ("), std::string::npos) << "one group, not two:\n" << first.out;
    // The same runs in another file (a blank line more: other bytes) are known by their content.
    writeLines(dir / "copy.jsonl", {plain.dump(), "", plain.dump(), withoutSubjects.dump()});
    const auto again = runCli(dir.path(), {"--db", db, "import", (dir / "copy.jsonl").string()});
    EXPECT_NE(again.out.find("3 runs are already in the database"), std::string::npos) << again.out;
    EXPECT_NE(again.out.find("nothing new"), std::string::npos) << again.out;

    auto duplicate = runLine("m", 3, 10, 5);
    duplicate["uid"] = "same";
    writeLines(dir / "dup.jsonl", {duplicate.dump(), duplicate.dump()});
    const auto dup = runCli(dir.path(), {"--db", db, "import", (dir / "dup.jsonl").string()});
    EXPECT_EQ(dup.code, 2);
    EXPECT_NE(dup.err.find("dup.jsonl:2: uid \"same\" is already used on line 1"), std::string::npos)
        << dup.err;
}
