#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nf::formats {

// One multiple-choice question.
struct McqItem
{
    std::string question;
    std::vector<std::string> choices; // 2 to 10; letters A, B, ... in this order
    int answer = 0;                   // index into choices
    int subject = 0;                  // index into McqTask::subjects
    std::string file;                 // where it was read, for messages
    int64_t line = 0;                 // 1-based line of the row's first line in that file
};

struct McqSubject
{
    std::string key;          // file name without the split suffix: "abstract_algebra"
    std::string displayName;  // mapping.json's name, else the key with '_' as ' ': "abstract algebra"
    std::string zhName;       // mapping.json's Chinese name when it has one, else displayName
    std::string category;     // mapping.json's category ("STEM", "Humanities", ...), else ""
    std::vector<McqItem> dev; // few-shot examples in file order (empty when the data has none)
    std::string devFile;      // where the dev rows were read, or would be: for messages ("" for jsonl)
    int64_t firstItem = 0;    // the subject's items are McqTask::items[firstItem, firstItem + count)
    int64_t count = 0;
};

// A multiple-choice benchmark: items indexed subjects sorted by file name, rows in file order
// (importers of other tools' outputs map (subject, row) to the same index).
struct McqTask
{
    std::string spec;   // canonical: "mmlu:/abs/dir:test", "cmmlu:/abs/dir:test", "ceval:/abs/dir:val",
                        // "jsonl:/abs/file"
    std::string kind;   // mmlu | cmmlu | ceval | jsonl (also the tasks.kind stored)
    std::string split;  // test | val | dev ("" for jsonl)
    std::string path;   // the folder or file, absolute
    std::string label;  // short: "mmlu:test (57 subjects)"
    std::string sha256; // of every file read (names and bytes, in a fixed order): identifies the data
    std::vector<McqSubject> subjects; // sorted by key
    std::vector<McqItem> items;

    int64_t n() const { return static_cast<int64_t>(items.size()); }
    int maxChoices() const;
};

// True for the specs loadMcqTask reads (mmlu:, cmmlu:, ceval:, jsonl:).
bool isMcqSpec(const std::string& spec);

// Loads a task from its spec:
//   mmlu:DIR[:test|val|dev]  DIR/{dev,val,test}/<subject>_<split>.csv, no header, six columns
//                            question,A,B,C,D,answer (RFC 4180); default split test. DIR may be
//                            the benchmark's own `data` folder or LLaMA-Factory's evaluation
//                            folder (mapping.json beside the split folders gives names and
//                            categories).
//   cmmlu:DIR[:test|dev]     CMMLU: a header row with Question,A,B,C,D,Answer (and a leading
//                            unnamed index column); subject from the file name.
//   ceval:DIR[:val|dev]      C-Eval: header id,question,A,B,C,D,answer[,explanation]; the test
//                            split has no answers and is refused; default val.
//   jsonl:FILE               one object per line: question, choices (2-10), answer (index or
//                            letter), subject (optional, default "all"); no dev examples.
// Throws nf::InputError naming the file and line (or the folder) and what is wrong.
McqTask loadMcqTask(const std::string& spec);

// The letter of choice i: 'A' + i.
char choiceLetter(int index);

} // namespace nf::formats
