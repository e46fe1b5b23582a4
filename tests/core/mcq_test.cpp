#include "common/error.h"
#include "core/error_message.h"
#include "core/scratch_dir.h"
#include "formats/csv.h"
#include "formats/mcq.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using nf::formats::loadMcqTask;
using nf::formats::McqTask;
using nf::formats::parseCsv;
using nf::test::ScratchDir;

namespace fs = std::filesystem;

namespace {

const fs::path kMcqData = fs::path(NF_TEST_DATA_DIR) / "mcq";

void writeFile(const fs::path& path, const std::string& bytes)
{
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
}

std::string loadError(const std::string& spec)
{
    return nf::test::errorMessage([&] { loadMcqTask(spec); });
}

std::string csvError(const std::string& text)
{
    return nf::test::errorMessage([&] { parseCsv(text, "f.csv"); });
}

std::vector<std::string> subjectKeys(const McqTask& task)
{
    std::vector<std::string> keys;
    for (const auto& subject : task.subjects)
        keys.push_back(subject.key);
    return keys;
}

// A one-subject MMLU folder with the given test file, for the error cases.
fs::path mmluWithTest(const ScratchDir& dir, const std::string& testCsv)
{
    writeFile(dir / "mmlu" / "test" / "anatomy_test.csv", testCsv);
    return dir / "mmlu";
}

} // namespace

TEST(Csv, ReadsQuotedCommasDoubledQuotesAndLineBreaks)
{
    const auto records = parseCsv("a,\"b, c\",\"say \"\"hi\"\"\"\n\"two\nlines\",x,\n", "f.csv");
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].fields, (std::vector<std::string>{"a", "b, c", "say \"hi\""}));
    EXPECT_EQ(records[0].line, 1);
    EXPECT_EQ(records[1].fields, (std::vector<std::string>{"two\nlines", "x", ""}));
    EXPECT_EQ(records[1].line, 2);
}

TEST(Csv, SkipsByteOrderMarkAndEmptyLinesAndReadsCrlf)
{
    const auto records = parseCsv("\xEF\xBB\xBFq,A\r\n\r\n\"multi\r\nline\",B\r\nlast,C", "f.csv");
    ASSERT_EQ(records.size(), 3u);
    EXPECT_EQ(records[0].fields, (std::vector<std::string>{"q", "A"}));
    EXPECT_EQ(records[1].fields, (std::vector<std::string>{"multi\r\nline", "B"}));
    EXPECT_EQ(records[1].line, 3);
    EXPECT_EQ(records[2].fields, (std::vector<std::string>{"last", "C"}));
    EXPECT_EQ(records[2].line, 5);
}

TEST(Csv, ReadsAQuoteInsideAnUnquotedFieldAsText)
{
    const auto records = parseCsv("5\" screen,b\n", "f.csv");
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].fields[0], "5\" screen");
}

TEST(Csv, ReportsAnUnclosedQuoteAtTheLineWhereItOpens)
{
    EXPECT_EQ(csvError("a,b\nc,\"open\nd,e\n"),
              "f.csv:2: a quoted field that starts on this line is never closed");
}

TEST(Csv, ReportsTextAfterAClosingQuote)
{
    EXPECT_EQ(csvError("a,b\n\"x\ny\"z,w\n"), "f.csv:3: text after the closing quote of a field (a quote "
                                              "inside a quoted field must be doubled)");
}

TEST(McqMmlu, LoadsSubjectsSortedWithNamesFromMapping)
{
    const McqTask task = loadMcqTask("mmlu:" + (kMcqData / "mmlu").string());
    EXPECT_EQ(task.kind, "mmlu");
    EXPECT_EQ(task.split, "test");
    EXPECT_EQ(task.spec, "mmlu:" + (kMcqData / "mmlu").string() + ":test");
    EXPECT_EQ(task.label, "mmlu:test (3 subjects)");
    EXPECT_EQ(subjectKeys(task),
              (std::vector<std::string>{"abstract_algebra", "high_school_physics", "world_religions"}));
    EXPECT_EQ(task.n(), 8 + 10 + 7);
    EXPECT_EQ(task.maxChoices(), 4);
    EXPECT_EQ(task.sha256.size(), 64u);

    const auto& physics = task.subjects[1];
    EXPECT_EQ(physics.displayName, "high school physics");
    EXPECT_EQ(physics.zhName, "high school physics");
    EXPECT_EQ(physics.category, "STEM");
    EXPECT_EQ(physics.firstItem, 8);
    EXPECT_EQ(physics.count, 10);
    EXPECT_EQ(task.subjects[2].category, "Humanities");
    EXPECT_EQ(task.subjects[2].firstItem, 18);
    for (const auto& subject : task.subjects) {
        EXPECT_EQ(subject.dev.size(), 5u) << subject.key;
        EXPECT_EQ(subject.devFile, (kMcqData / "mmlu" / "dev" / (subject.key + "_dev.csv")).string());
    }

    std::string answers;
    for (const auto& item : task.items)
        answers += nf::formats::choiceLetter(item.answer);
    EXPECT_EQ(answers, "DCBABDCC"
                       "CACACCBACB"
                       "CBBBBAC");
    EXPECT_EQ(task.items[8].subject, 1);
    EXPECT_EQ(task.items[8].file, (kMcqData / "mmlu" / "test" / "high_school_physics_test.csv").string());
    EXPECT_EQ(task.subjects[0].dev[1].choices[2], "True, False");
    EXPECT_EQ(task.subjects[0].dev[4].question, "Find the characteristic of the ring 2Z.");
}

TEST(McqMmlu, ReadsQuotingCasesExactly)
{
    const McqTask task = loadMcqTask("mmlu:" + (kMcqData / "mmlu").string() + ":test");
    const auto& items = task.items;
    EXPECT_EQ(
        items[4].question,
        "Let G be a group in which every element is its own inverse (g \"squared\" is e). Then G must be");
    EXPECT_EQ(items[5].question,
              "Consider the permutation σ = (1 2 3)(4 5) in S_5.\nWhat is the order of σ?");
    EXPECT_EQ(items[5].line, 6);
    EXPECT_EQ(items[6].line, 8); // after the row that spans two lines
    EXPECT_EQ(items[3].question, "The polynomial x^2 − 2 is irreducible over which field?");
    EXPECT_EQ(items[3].choices, (std::vector<std::string>{"ℚ", "ℝ", "ℂ", "Z_7"}));
    EXPECT_EQ(items[9].question, "Two resistors, 3 Ω and 6 Ω, are connected in parallel. What is their "
                                 "equivalent resistance?");
    EXPECT_EQ(items[12].choices[1], "1,000 kg·m/s");
    EXPECT_EQ(items[13].question,
              "A student claims that \"heavier objects always fall faster.\" In a vacuum, "
              "a hammer and a feather are released together from rest. Which lands first?");
    // world_religions_test.csv has CRLF line ends: none of them is left in a field.
    EXPECT_EQ(items[18].choices[3], "Hajj");
    EXPECT_EQ(items[21].question, "Sainte Thérèse de Lisieux, a Carmelite nun, belonged to which tradition?");
    EXPECT_EQ(items[24].question,
              "Which text, whose title means \"Song of God\", is part of the Mahabharata?");
    EXPECT_EQ(items[24].choices[3], "The Ramayana");
    EXPECT_EQ(items[24].line, 7);
}

TEST(McqMmlu, LoadsValAndDevSplits)
{
    const McqTask val = loadMcqTask("mmlu:" + (kMcqData / "mmlu").string() + ":val");
    EXPECT_EQ(val.split, "val");
    EXPECT_EQ(val.n(), 6);
    EXPECT_EQ(val.items[5].choices[3], "Pure Land Buddhism");
    EXPECT_EQ(val.items[4].choices[3], "Bahá'í Faith");

    const McqTask dev = loadMcqTask("mmlu:" + (kMcqData / "mmlu").string() + "/:dev");
    EXPECT_EQ(dev.spec, "mmlu:" + (kMcqData / "mmlu").string() + ":dev");
    EXPECT_EQ(dev.n(), 15);
    EXPECT_EQ(dev.subjects[2].dev.size(), 5u);
    EXPECT_EQ(dev.subjects[2].dev[0].question, dev.items[10].question);
}

TEST(McqMmlu, ReadsLlamaFactoryEvaluationFolderWithMappingOneLevelUp)
{
    ScratchDir dir;
    const fs::path evaluation = dir / "evaluation" / "mmlu";
    fs::create_directories(evaluation / "data");
    fs::copy(kMcqData / "mmlu" / "test", evaluation / "data" / "test");
    fs::copy(kMcqData / "mmlu" / "dev", evaluation / "data" / "dev");
    fs::copy_file(kMcqData / "mmlu" / "mapping.json", evaluation / "mapping.json");
    for (const fs::path& folder : {evaluation, evaluation / "data"}) {
        const McqTask task = loadMcqTask("mmlu:" + folder.string());
        EXPECT_EQ(task.n(), 25) << folder;
        EXPECT_EQ(task.subjects[2].category, "Humanities") << folder;
        EXPECT_EQ(task.subjects[0].dev.size(), 5u) << folder;
    }
}

TEST(McqMmlu, NamesSubjectsAfterTheirKeysWithoutMapping)
{
    ScratchDir dir;
    fs::copy(kMcqData / "mmlu" / "test", dir / "test");
    const McqTask task = loadMcqTask("mmlu:" + dir.path().string());
    EXPECT_EQ(task.subjects[1].displayName, "high school physics");
    EXPECT_EQ(task.subjects[1].category, "");
    EXPECT_TRUE(task.subjects[1].dev.empty()); // no dev folder: only k = 0 can use this task
    EXPECT_EQ(task.subjects[1].devFile, (dir / "dev" / "high_school_physics_dev.csv").string());
}

TEST(McqMmlu, ReadsCevalStyleMappingWithEnglishAndChineseNames)
{
    ScratchDir dir;
    fs::copy(kMcqData / "mmlu" / "test", dir / "test");
    writeFile(dir / "mapping.json", R"({"world_religions": ["World Religions", "世界宗教", "Humanities"]})");
    const McqTask task = loadMcqTask("mmlu:" + dir.path().string());
    EXPECT_EQ(task.subjects[2].displayName, "World Religions");
    EXPECT_EQ(task.subjects[2].zhName, "世界宗教");
    EXPECT_EQ(task.subjects[2].category, "Humanities");
    EXPECT_EQ(task.subjects[0].displayName, "abstract algebra"); // not in the mapping
}

TEST(McqMmlu, HashIdentifiesTheDataNotTheFolder)
{
    ScratchDir dir;
    fs::copy(kMcqData / "mmlu", dir / "copy", fs::copy_options::recursive);
    const std::string original = loadMcqTask("mmlu:" + (kMcqData / "mmlu").string()).sha256;
    EXPECT_EQ(loadMcqTask("mmlu:" + (dir / "copy").string()).sha256, original);

    std::ofstream(dir / "copy" / "dev" / "world_religions_dev.csv", std::ios::app) << "Q?,a,b,c,d,A\n";
    EXPECT_NE(loadMcqTask("mmlu:" + (dir / "copy").string()).sha256, original);
    EXPECT_NE(loadMcqTask("mmlu:" + (dir / "copy").string() + ":val").sha256, original);
}

TEST(McqMmlu, LoadsAFullSizeBenchmark)
{
    ScratchDir dir;
    std::string row = "\"What is 1 + 1, in base ten?\",\"2\",\"3\",\"4\",\"5\",A\n";
    int64_t rows = 0;
    for (int s = 0; s < 57; ++s) {
        const int count = 14042 / 57 + (s < 14042 % 57 ? 1 : 0);
        std::string text;
        for (int r = 0; r < count; ++r)
            text += row;
        rows += count;
        writeFile(dir / "test" / ("subject_" + std::to_string(100 + s) + "_test.csv"), text);
    }
    const McqTask task = loadMcqTask("mmlu:" + dir.path().string());
    EXPECT_EQ(rows, 14042);
    EXPECT_EQ(task.n(), 14042);
    EXPECT_EQ(task.subjects.size(), 57u);
    EXPECT_EQ(task.items.back().subject, 56);
}

TEST(McqCmmlu, LoadsChineseSubjectsWithHeaderAndIndexColumn)
{
    const McqTask task = loadMcqTask("cmmlu:" + (kMcqData / "cmmlu").string());
    EXPECT_EQ(task.split, "test");
    EXPECT_EQ(task.label, "cmmlu:test (2 subjects)");
    EXPECT_EQ(subjectKeys(task), (std::vector<std::string>{"chinese_history", "computer_science"}));
    EXPECT_EQ(task.subjects[0].displayName, "中国历史");
    EXPECT_EQ(task.subjects[0].zhName, "中国历史");
    EXPECT_EQ(task.subjects[0].category, "Humanities");
    EXPECT_EQ(task.subjects[0].count, 7);
    EXPECT_EQ(task.subjects[1].count, 6);
    EXPECT_EQ(task.subjects[1].dev.size(), 5u);
    EXPECT_EQ(task.subjects[1].devFile, (kMcqData / "cmmlu" / "dev" / "computer_science.csv").string());
    EXPECT_EQ(task.items[0].question, "辛亥革命推翻了哪个王朝的统治？");
    EXPECT_EQ(task.items[0].line, 2);
    EXPECT_EQ(task.items[0].choices, (std::vector<std::string>{"明朝", "清朝", "元朝", "宋朝"}));
    EXPECT_EQ(task.items[0].answer, 1);
    EXPECT_EQ(task.items[6].choices[1], "“自强”, “求富”");
    EXPECT_EQ(task.items[9].answer, 2);

    EXPECT_EQ(loadMcqTask("cmmlu:" + (kMcqData / "cmmlu").string() + ":dev").n(), 10);
}

TEST(McqCeval, LoadsValByDefaultAndDevWithExplanations)
{
    const McqTask val = loadMcqTask("ceval:" + (kMcqData / "ceval").string());
    EXPECT_EQ(val.split, "val");
    EXPECT_EQ(val.spec, "ceval:" + (kMcqData / "ceval").string() + ":val");
    EXPECT_EQ(subjectKeys(val), (std::vector<std::string>{"computer_network", "modern_chinese_history"}));
    EXPECT_EQ(val.subjects[1].zhName, "近代史纲要");
    EXPECT_EQ(val.subjects[0].count, 3);
    EXPECT_EQ(val.subjects[1].count, 2);
    EXPECT_EQ(val.items[4].answer, 1);
    EXPECT_EQ(val.items[3].answer, 3);
    ASSERT_EQ(val.subjects[0].dev.size(), 5u);
    // The first dev row's explanation spans two lines.
    EXPECT_EQ(val.subjects[0].dev[1].line, 4);
    EXPECT_EQ(val.subjects[0].dev[1].question, "HTTP协议默认使用的端口号是");

    EXPECT_EQ(loadMcqTask("ceval:" + (kMcqData / "ceval").string() + ":dev").n(), 10);
}

TEST(McqCeval, RefusesTheTestSplitWithoutAnswers)
{
    const std::string error = loadError("ceval:" + (kMcqData / "ceval").string() + ":test");
    EXPECT_NE(error.find("C-Eval's test split has no answers"), std::string::npos) << error;
}

TEST(McqJsonl, GroupsBySubjectAndReadsIndexAndLetterAnswers)
{
    const McqTask task = loadMcqTask("jsonl:" + (kMcqData / "tiny.jsonl").string());
    EXPECT_EQ(task.kind, "jsonl");
    EXPECT_EQ(task.split, "");
    EXPECT_EQ(task.spec, "jsonl:" + (kMcqData / "tiny.jsonl").string());
    EXPECT_EQ(task.label, "jsonl:tiny.jsonl (4 subjects)");
    EXPECT_EQ(subjectKeys(task), (std::vector<std::string>{"all", "arithmetic", "astronomy", "biology"}));
    ASSERT_EQ(task.n(), 5);
    EXPECT_EQ(task.maxChoices(), 5);
    const std::vector<size_t> choices = {5, 2, 5, 4, 4};
    const std::vector<int> answers = {1, 0, 1, 1, 2};
    const std::vector<int64_t> lines = {4, 2, 3, 1, 5};
    for (size_t i = 0; i < choices.size(); ++i) {
        EXPECT_EQ(task.items[i].choices.size(), choices[i]) << i;
        EXPECT_EQ(task.items[i].answer, answers[i]) << i;
        EXPECT_EQ(task.items[i].line, lines[i]) << i;
    }
    EXPECT_EQ(task.items[2].question, "What is 7 × 8?");
    EXPECT_EQ(task.subjects[1].firstItem, 1);
    EXPECT_EQ(task.subjects[1].count, 2);
    EXPECT_TRUE(task.subjects[0].dev.empty());
}

TEST(McqErrors, NameTheFileAndLineOfABadRow)
{
    ScratchDir dir;
    const std::string file = (dir / "mmlu" / "test" / "anatomy_test.csv").string();
    const std::string good = "Q1?,a,b,c,d,A\n";
    EXPECT_EQ(loadError("mmlu:" + mmluWithTest(dir, good + "Q2?,a,b,c,A\n").string()),
              file + ":2: 5 fields, expected 6 (question,A,B,C,D,answer)");
    EXPECT_EQ(loadError("mmlu:" + mmluWithTest(dir, good + good + "Q3?,a,b,c,d,E\n").string()),
              file + ":3: answer 'E' is not one of A, B, C, D");
    EXPECT_EQ(loadError("mmlu:" + mmluWithTest(dir, "\"a\nb\",1,2,3,4,B\n \t,a,b,c,d,A\n").string()),
              file + ":3: empty question");
    EXPECT_EQ(loadError("mmlu:" + mmluWithTest(dir, good + "\"Q2?,a,b,c,d,A\n").string()),
              file + ":2: a quoted field that starts on this line is never closed");
}

TEST(McqErrors, NameTheFolderWhenSplitOrFilesAreMissing)
{
    ScratchDir dir;
    fs::create_directories(dir / "empty" / "test");
    writeFile(dir / "empty" / "test" / "notes.txt", "not a subject");
    EXPECT_EQ(loadError("mmlu:" + (dir / "empty").string()),
              (dir / "empty" / "test").string() + ": no <subject>_test.csv files");
    EXPECT_EQ(loadError("mmlu:" + (dir / "empty").string() + ":val"),
              "task 'mmlu:" + (dir / "empty").string() + ":val': no val folder in " +
                  (dir / "empty").string() + " (expected " +
                  (dir / "empty" / "val" / "<subject>_val.csv").string() + ")");
    EXPECT_EQ(loadError("mmlu:" + (dir / "absent").string()), "task 'mmlu:" + (dir / "absent").string() +
                                                                  "': folder " + (dir / "absent").string() +
                                                                  " not found");
    EXPECT_NE(loadError("squad:x").find("unknown task 'squad:x'"), std::string::npos);
}

TEST(McqErrors, NameTheMissingColumnOfAHeader)
{
    ScratchDir dir;
    writeFile(dir / "test" / "law.csv", ",Question,A,B,C,D\n0,q,a,b,c,d\n");
    EXPECT_EQ(loadError("cmmlu:" + dir.path().string()),
              (dir / "test" / "law.csv").string() +
                  ":1: the header has no 'answer' column (a split without answers cannot be scored)");
    writeFile(dir / "test" / "law.csv", ",Question,A,B,C,D,Answer\n0,q,a,b,c,d\n");
    EXPECT_EQ(loadError("cmmlu:" + dir.path().string()),
              (dir / "test" / "law.csv").string() + ":2: 6 fields, expected 7 as in the header");
}

TEST(McqErrors, NameTheBadMapping)
{
    ScratchDir dir;
    mmluWithTest(dir, "Q?,a,b,c,d,A\n");
    writeFile(dir / "mmlu" / "mapping.json", "{\"anatomy\": 3}");
    EXPECT_EQ(loadError("mmlu:" + (dir / "mmlu").string()),
              (dir / "mmlu" / "mapping.json").string() +
                  ": subject 'anatomy': expected {\"name\": ..., \"category\": ...} or [name, Chinese name, "
                  "category]");
}

TEST(McqErrors, NameTheJsonlLine)
{
    ScratchDir dir;
    const fs::path path = dir / "q.jsonl";
    const std::string file = path.string();
    const std::string good = R"({"question": "Q?", "choices": ["a", "b"], "answer": 0})"
                             "\n";
    const auto errorOf = [&](const std::string& line) {
        writeFile(path, good + "\n" + line + "\n");
        return loadError("jsonl:" + file);
    };
    EXPECT_EQ(errorOf(R"({"question": "Q?", "choices": ["a", "b"]})"), file + ":3: missing key 'answer'");
    EXPECT_EQ(errorOf(R"({"question": "Q?", "choices": ["a"], "answer": 0})"),
              file + ":3: 'choices' must be a list of 2 to 10 strings");
    EXPECT_EQ(
        errorOf(
            R"({"question": "Q?", "choices": ["1","2","3","4","5","6","7","8","9","10","11"], "answer": 0})"),
        file + ":3: 'choices' must be a list of 2 to 10 strings");
    EXPECT_EQ(errorOf(R"({"question": "Q?", "choices": ["a", "b"], "answer": 2})"),
              file + ":3: answer 2 is not a choice index (0 to 1)");
    EXPECT_EQ(errorOf(R"({"question": "Q?", "choices": ["a", "b"], "answer": "C"})"),
              file + ":3: answer 'C' is not one of A, B");
    EXPECT_EQ(errorOf(R"({"question": "", "choices": ["a", "b"], "answer": 0})"),
              file + ":3: 'question' must be a non-empty string");
    const std::string invalid = errorOf(R"({"question": "Q?", "choices": ["a", "b"], )");
    EXPECT_EQ(invalid.rfind(file + ":3: invalid JSON", 0), 0u) << invalid;
}
