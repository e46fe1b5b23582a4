// loadMcqTask on a small benchmark folder whose one fuzzed file is the input: its first byte
// picks which file (an MMLU, CMMLU or C-Eval split, an MMLU dev file, mapping.json, a jsonl task),
// the rest is the file's bytes; the folder's other files are tests/data/mcq's. An accepted task
// must keep the engine's promises: subjects sorted, each a contiguous run of items, every item a
// non-empty question with 2 to 10 choices and an answer among them.
#include "formats/mcq.h"
#include "fuzz/fuzz_support.h"
#include "fuzz/fuzz_target.h"

#include <array>

using nf::formats::McqItem;
using nf::formats::McqTask;
using nf::fuzz::promise;

namespace {

struct Layout
{
    const char* kind;     // mmlu | cmmlu | ceval | jsonl
    const char* fuzzed;   // the input's path in the folder
    const char* fixed;    // a file copied from tests/data/mcq, or nullptr
    const char* fixedAs;  // its path in the folder
    const char* seedFrom; // tests/data/mcq/<folder> holding files like the fuzzed one
    const char* seedSuffix;
};

constexpr std::array<Layout, 6> kLayouts = {{
    {"mmlu", "test/subject_test.csv", nullptr, nullptr, "mmlu/test", ".csv"},
    {"cmmlu", "test/subject.csv", nullptr, nullptr, "cmmlu", ".csv"},
    {"ceval", "val/subject_val.csv", nullptr, nullptr, "ceval/val", ".csv"},
    {"mmlu", "dev/abstract_algebra_dev.csv", "mmlu/test/abstract_algebra_test.csv", "test/abstract_algebra_test.csv",
     "mmlu/dev", ".csv"},
    {"mmlu", "mapping.json", "mmlu/test/abstract_algebra_test.csv", "test/abstract_algebra_test.csv", "", "mapping.json"},
    {"jsonl", "task.jsonl", nullptr, nullptr, "", ".jsonl"},
}};

// The folder of one layout, with its fixed file, made once per process.
std::filesystem::path folderOf(size_t index)
{
    static std::array<std::filesystem::path, kLayouts.size()> folders;
    if (folders[index].empty()) {
        folders[index] = nf::fuzz::scratchFolder() / ("mcq-" + std::to_string(index));
        const Layout& layout = kLayouts[index];
        if (layout.fixed)
            nf::fuzz::writeFile(folders[index] / layout.fixedAs, nf::fuzz::testData(std::string("mcq/") + layout.fixed));
    }
    return folders[index];
}

void checkItem(const McqItem& item, int subject, bool csv)
{
    promise(!nf::trimmed(item.question).empty(), "a non-empty question");
    const size_t choices = item.choices.size();
    promise(csv ? choices == 4 : choices >= 2 && choices <= 10, "2 to 10 choices (4 in a CSV)");
    promise(item.answer >= 0 && static_cast<size_t>(item.answer) < choices, "an answer among the choices");
    promise(item.subject == subject, "the item's subject is the one it is listed under");
    promise(item.line >= 1 && !item.file.empty(), "a file and line for messages");
}

void checkTask(const McqTask& task)
{
    const bool csv = task.kind != "jsonl";
    promise(!task.subjects.empty() && !task.items.empty(), "subjects and items");
    promise(task.sha256.size() == 64, "a sha256 of the data");
    int64_t next = 0;
    for (size_t s = 0; s < task.subjects.size(); ++s) {
        const auto& subject = task.subjects[s];
        promise(s == 0 || task.subjects[s - 1].key < subject.key, "subjects sorted by key, unique");
        promise(subject.firstItem == next && subject.count >= 0, "subjects' items contiguous, in order");
        next += subject.count;
        promise(next <= task.n(), "subjects' items inside the task");
        for (int64_t i = subject.firstItem; i < next; ++i)
            checkItem(task.items[static_cast<size_t>(i)], static_cast<int>(s), csv);
        for (const McqItem& shot : subject.dev)
            checkItem(shot, static_cast<int>(s), csv);
    }
    promise(next == task.n(), "every item in a subject");
    promise(task.maxChoices() <= 10, "at most 10 choices");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size == 0)
        return 0;
    const size_t index = data[0] % kLayouts.size();
    const Layout& layout = kLayouts[index];
    const std::filesystem::path folder = folderOf(index);
    nf::fuzz::writeFile(folder / layout.fuzzed, std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
    const std::string spec =
        std::string(layout.kind) + ":" + (layout.kind == std::string("jsonl") ? folder / layout.fuzzed : folder).string();
    McqTask task;
    if (nf::fuzz::acceptedOrRefused([&] { task = nf::formats::loadMcqTask(spec); }))
        checkTask(task);
    return 0;
}

namespace nf::fuzz {

std::vector<std::string> seeds()
{
    std::vector<std::string> all;
    for (size_t i = 0; i < kLayouts.size(); ++i) {
        const Layout& layout = kLayouts[i];
        for (const std::string& file : testDataFiles(std::string("mcq/") + layout.seedFrom, layout.seedSuffix))
            all.push_back(std::string(1, static_cast<char>(i)) + file);
    }
    return all;
}

std::vector<std::string> dictionary()
{
    return jsonDictionary({",", "\"", "\"\"", "\r\n", "\n", "\r", "\xEF\xBB\xBF", ",A\n", ",E\n", ", B \n",
                           ",,,,,\n", "id,question,A,B,C,D,answer\n", ",Question,A,B,C,D,Answer\n",
                           "\"a,\"\"b\"\"\nc\"", "\"question\"", "\"choices\"", "\"answer\"", "\"subject\"",
                           "\"name\"", "\"category\"", "[\"a\", \"b\"]", "[\"en\", \"zh\", \"STEM\"]",
                           "\"abstract_algebra\""});
}

std::string repair(std::string input, uint64_t)
{
    return input;
}

} // namespace nf::fuzz
