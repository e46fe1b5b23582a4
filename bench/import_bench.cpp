// Import speed of a full-size lm-evaluation-harness output: 5-shot MMLU with --log_samples, 57
// samples files with MMLU's real test counts (14,042 lines), each line carrying its ~1.7 KB
// prompt once per choice in "arguments" (about 100 MB in all).
//
//   import_bench [DIR]   default $XDG_CACHE_HOME/noisefloor/import-bench/lm-eval-mmlu-5shot
//                        (~/.cache/... without XDG_CACHE_HOME); the output is generated there once
//
// Prints, for readLmEval (three times: the first may read from disk, the others from the page
// cache): wall and CPU seconds, MB/s over every byte read, peak RSS. For scale it also times two
// ways of reading the same lines that readLmEval does not take: nlohmann's SAX parser with a
// handler that keeps nothing (the floor of any SAX-based reader) and json::parse of every line.
// Never asserts.

#include "workspace/import.h"
#include "bench_process.h"
#include "formats/importers/lm_eval.h"
#include "store/store.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

namespace fs = std::filesystem;
namespace bench = nf::bench;
using nlohmann::json;
using nlohmann::ordered_json;

constexpr const char* kDate = "2024-05-13T13-42-28.123456";
constexpr const char* kVersion = "1"; // bump when the generated output changes

struct Subject
{
    const char* key;
    int count;
    const char* category;
};

// MMLU's test split and lm-eval's category of each subject.
const std::vector<Subject> kSubjects = {
    {"abstract_algebra", 100, "stem"},
    {"anatomy", 135, "stem"},
    {"astronomy", 152, "stem"},
    {"business_ethics", 100, "other"},
    {"clinical_knowledge", 265, "other"},
    {"college_biology", 144, "stem"},
    {"college_chemistry", 100, "stem"},
    {"college_computer_science", 100, "stem"},
    {"college_mathematics", 100, "stem"},
    {"college_medicine", 173, "other"},
    {"college_physics", 102, "stem"},
    {"computer_security", 100, "stem"},
    {"conceptual_physics", 235, "stem"},
    {"econometrics", 114, "social_sciences"},
    {"electrical_engineering", 145, "stem"},
    {"elementary_mathematics", 378, "stem"},
    {"formal_logic", 126, "humanities"},
    {"global_facts", 100, "other"},
    {"high_school_biology", 310, "stem"},
    {"high_school_chemistry", 203, "stem"},
    {"high_school_computer_science", 100, "stem"},
    {"high_school_european_history", 165, "humanities"},
    {"high_school_geography", 198, "social_sciences"},
    {"high_school_government_and_politics", 193, "social_sciences"},
    {"high_school_macroeconomics", 390, "social_sciences"},
    {"high_school_mathematics", 270, "stem"},
    {"high_school_microeconomics", 238, "social_sciences"},
    {"high_school_physics", 151, "stem"},
    {"high_school_psychology", 545, "social_sciences"},
    {"high_school_statistics", 216, "stem"},
    {"high_school_us_history", 204, "humanities"},
    {"high_school_world_history", 237, "humanities"},
    {"human_aging", 223, "other"},
    {"human_sexuality", 131, "social_sciences"},
    {"international_law", 121, "humanities"},
    {"jurisprudence", 108, "humanities"},
    {"logical_fallacies", 163, "humanities"},
    {"machine_learning", 112, "stem"},
    {"management", 103, "other"},
    {"marketing", 234, "other"},
    {"medical_genetics", 100, "other"},
    {"miscellaneous", 783, "other"},
    {"moral_disputes", 346, "humanities"},
    {"moral_scenarios", 895, "humanities"},
    {"nutrition", 306, "other"},
    {"philosophy", 311, "humanities"},
    {"prehistory", 324, "humanities"},
    {"professional_accounting", 282, "other"},
    {"professional_law", 1534, "humanities"},
    {"professional_medicine", 272, "other"},
    {"professional_psychology", 612, "social_sciences"},
    {"public_relations", 110, "social_sciences"},
    {"security_studies", 245, "social_sciences"},
    {"sociology", 201, "social_sciences"},
    {"us_foreign_policy", 100, "social_sciences"},
    {"virology", 166, "other"},
    {"world_religions", 171, "humanities"},
};

// Deterministic words, so the cached output is the same wherever it is generated.
class Words
{
public:
    explicit Words(uint64_t seed) : m_state(seed * 0x9E3779B97F4A7C15ull + 1) {}
    uint64_t next()
    {
        m_state ^= m_state << 13;
        m_state ^= m_state >> 7;
        m_state ^= m_state << 17;
        return m_state;
    }
    std::string sentence(int words)
    {
        static const char* kWords[] = {
            "the",     "of",       "which",  "following", "is",       "a",      "true",       "statement",
            "about",   "function", "energy", "court",     "patient",  "market", "\"quoted\"", "σ-algebra",
            "Thérèse", "42",       "per",    "cent",      "increase", "when",   "defendant",  "cell"};
        std::string text;
        for (int i = 0; i < words; ++i)
            text += std::string(i ? " " : "") + kWords[next() % (sizeof kWords / sizeof *kWords)];
        return text;
    }

private:
    uint64_t m_state;
};

std::string hexOf(uint64_t a, uint64_t b)
{
    char text[65];
    std::snprintf(text, sizeof text, "%016llx%016llx%016llx%016llx", static_cast<unsigned long long>(a),
                  static_cast<unsigned long long>(b), static_cast<unsigned long long>(a ^ b),
                  static_cast<unsigned long long>(a + b));
    return text;
}

struct Question
{
    std::string text;
    std::vector<std::string> choices;
    int answer = 0;
};

Question makeQuestion(Words& words)
{
    Question q;
    q.text = words.sentence(22) + "?";
    for (int c = 0; c < 4; ++c)
        q.choices.push_back(words.sentence(4));
    q.answer = static_cast<int>(words.next() % 4);
    return q;
}

std::string formatted(const Question& q)
{
    std::string text = q.text;
    for (int c = 0; c < 4; ++c)
        text += "\n" + std::string(1, static_cast<char>('A' + c)) + ". " + q.choices[static_cast<size_t>(c)];
    return text + "\nAnswer:";
}

// Writes samples_mmlu_<subject>_<date>.jsonl; returns the number of correct answers.
int writeSamples(const fs::path& dir, const Subject& subject, uint64_t seed)
{
    Words words(seed);
    std::string prompt = "The following are multiple choice questions (with answers) about " +
                         std::string(subject.key) + ".\n\n";
    for (int shot = 0; shot < 5; ++shot) {
        const Question example = makeQuestion(words);
        prompt += formatted(example) + " " + std::string(1, static_cast<char>('A' + example.answer)) + "\n\n";
    }
    std::ofstream out(dir / ("samples_mmlu_" + std::string(subject.key) + "_" + kDate + ".jsonl"),
                      std::ios::binary);
    int correct = 0;
    for (int doc = 0; doc < subject.count; ++doc) {
        const Question q = makeQuestion(words);
        const std::string context = prompt + formatted(q);
        const int predicted = words.next() % 10 < 6 ? q.answer : static_cast<int>(words.next() % 4);
        ordered_json line;
        line["doc_id"] = doc;
        line["doc"] = {
            {"question", q.text}, {"subject", subject.key}, {"choices", q.choices}, {"answer", q.answer}};
        line["target"] = std::to_string(q.answer);
        ordered_json arguments, resps, filtered;
        for (int c = 0; c < 4; ++c) {
            arguments["gen_args_" + std::to_string(c)] = {
                {"arg_0", context}, {"arg_1", " " + std::string(1, static_cast<char>('A' + c))}};
            const double loglik =
                c == predicted ? -0.25 : -1.5 - static_cast<double>(words.next() % 1000) / 250.0;
            const ordered_json response = {std::to_string(loglik), c == predicted ? "True" : "False"};
            resps.push_back(ordered_json::array({response}));
            filtered.push_back(response);
        }
        line["arguments"] = arguments;
        line["resps"] = resps;
        line["filtered_resps"] = filtered;
        line["filter"] = "none";
        line["metrics"] = {"acc"};
        line["doc_hash"] = hexOf(words.next(), words.next());
        line["prompt_hash"] = hexOf(words.next(), words.next());
        line["target_hash"] = hexOf(words.next(), words.next());
        line["acc"] = predicted == q.answer ? 1.0 : 0.0;
        correct += predicted == q.answer;
        out << line.dump() << '\n';
    }
    return correct;
}

void generate(const fs::path& dir)
{
    const fs::path partial = dir.string() + ".partial";
    fs::remove_all(partial);
    fs::create_directories(partial);
    ordered_json results, subtasks, configs, versions, nShot, nSamples;
    std::map<std::string, std::pair<int, int>> byCategory;
    int correctAll = 0;
    uint64_t seed = 1;
    for (const Subject& subject : kSubjects) {
        const std::string task = "mmlu_" + std::string(subject.key);
        const int correct = writeSamples(partial, subject, seed++);
        results[task] = {{"alias", "  - " + std::string(subject.key)},
                         {"acc,none", static_cast<double>(correct) / subject.count},
                         {"acc_stderr,none", 0.04}};
        subtasks["mmlu_" + std::string(subject.category)].push_back(task);
        configs[task] = {
            {"task", task},
            {"task_alias", subject.key},
            {"tag", "mmlu_" + std::string(subject.category) + "_tasks"},
            {"dataset_path", "cais/mmlu"},
            {"dataset_name", subject.key},
            {"test_split", "test"},
            {"fewshot_split", "dev"},
            {"doc_to_target", "answer"},
            {"doc_to_choice", {"A", "B", "C", "D"}},
            {"num_fewshot", 5},
            {"output_type", "multiple_choice"},
            {"metric_list", {{{"metric", "acc"}, {"aggregation", "mean"}, {"higher_is_better", true}}}},
            {"metadata", {{"version", 1.0}}}};
        versions[task] = 1.0;
        nShot[task] = 5;
        nSamples[task] = {{"original", subject.count}, {"effective", subject.count}};
        byCategory[subject.category].first += correct;
        byCategory[subject.category].second += subject.count;
        correctAll += correct;
    }
    for (const auto& [category, counts] : byCategory) {
        results["mmlu_" + category] = {{"alias", " - " + category},
                                       {"acc,none", static_cast<double>(counts.first) / counts.second},
                                       {"acc_stderr,none", "N/A"}};
        subtasks["mmlu"].push_back("mmlu_" + category);
        versions["mmlu_" + category] = 2;
    }
    results["mmlu"] = {
        {"alias", "mmlu"}, {"acc,none", static_cast<double>(correctAll) / 14042}, {"acc_stderr,none", 0.004}};
    versions["mmlu"] = 2;
    ordered_json root;
    root["results"] = results;
    root["group_subtasks"] = subtasks;
    root["configs"] = configs;
    root["versions"] = versions;
    root["n-shot"] = nShot;
    root["n-samples"] = nSamples;
    root["config"] = {{"model", "hf"},
                      {"model_args", "pretrained=meta-llama/Meta-Llama-3-8B,dtype=bfloat16"},
                      {"model_dtype", "torch.bfloat16"},
                      {"batch_size", "8"},
                      {"batch_sizes", json::array()},
                      {"device", "cuda:0"},
                      {"limit", nullptr},
                      {"gen_kwargs", nullptr},
                      {"random_seed", 0},
                      {"numpy_seed", 1234},
                      {"torch_seed", 1234},
                      {"fewshot_seed", 1234}};
    root["git_hash"] = "4600d6bf";
    root["date"] = 1715607748.5;
    root["pretty_env_info"] =
        "PyTorch version: 2.3.0+cu121\nCUDA used to build PyTorch: 12.1\nOS: Ubuntu 22.04.4 LTS "
        "(x86_64)\nGPU models and configuration: GPU 0: NVIDIA H100 80GB HBM3\n";
    root["transformers_version"] = "4.40.2";
    root["model_name"] = "meta-llama/Meta-Llama-3-8B";
    root["total_evaluation_time_seconds"] = "1843.2";
    std::ofstream(partial / ("results_" + std::string(kDate) + ".json"), std::ios::binary) << root.dump(2);
    std::ofstream(partial / "complete") << kVersion << '\n';
    fs::remove_all(dir);
    fs::rename(partial, dir);
}

fs::path defaultDir()
{
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    const char* home = std::getenv("HOME");
    const fs::path cache = xdg && *xdg ? fs::path(xdg) : fs::path(home ? home : "/tmp") / ".cache";
    return cache / "noisefloor" / "import-bench" / "lm-eval-mmlu-5shot";
}

bool isComplete(const fs::path& dir)
{
    std::ifstream marker(dir / "complete");
    std::string version;
    return std::getline(marker, version) && version == kVersion;
}

template <typename ParseLine> long readAllLines(const std::vector<fs::path>& files, ParseLine&& parseLine)
{
    long lines = 0;
    std::string line;
    for (const fs::path& file : files) {
        std::ifstream in(file, std::ios::binary);
        while (std::getline(in, line)) {
            parseLine(line);
            ++lines;
        }
    }
    return lines;
}

} // namespace

int main(int argc, char** argv)
{
    const fs::path dir = argc > 1 ? fs::path(argv[1]) : defaultDir();
    if (!isComplete(dir)) {
        std::printf("generating a 5-shot MMLU lm-eval output in %s ...\n", dir.c_str());
        const auto started = std::chrono::steady_clock::now();
        bench::inChild("import_bench", [&] { generate(dir); });
        std::printf("  generated in %.1f s\n", bench::secondsSince(started));
    }
    const fs::path results = dir / ("results_" + std::string(kDate) + ".json");
    std::vector<fs::path> samples;
    uintmax_t bytes = fs::file_size(results);
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().filename().string().starts_with("samples_")) {
            samples.push_back(entry.path());
            bytes += entry.file_size();
        }
    }
    const double megabytes = static_cast<double>(bytes) / 1e6;
    std::printf("%s: %zu samples files + results, %.1f MB\n", dir.c_str(), samples.size(), megabytes);

    for (int repeat = 1; repeat <= 3; ++repeat) {
        bench::inChild("import_bench", [&] {
            const double cpu = bench::cpuSeconds();
            const auto started = std::chrono::steady_clock::now();
            const auto batch = nf::formats::readLmEval(results, {});
            const double wall = bench::secondsSince(started);
            size_t items = 0;
            for (const auto& run : batch.runs)
                items += run.correct.size();
            std::printf(
                "readLmEval #%d: %.3f s (CPU %.3f s), %.0f MB/s, %zu run(s), %zu items, peak RSS %.0f MiB\n",
                repeat, wall, bench::cpuSeconds() - cpu, megabytes / wall, batch.runs.size(), items, bench::peakRssMiB());
        });
    }

    // The whole import as `noisefloor-cli import DIR` does it (less the process start): find and
    // read the sources, preview against the database, store everything in one transaction.
    for (int repeat = 1; repeat <= 2; ++repeat) {
        bench::inChild("import_bench", [&] {
            const fs::path db = fs::temp_directory_path() / ("nf-import-bench-" + std::to_string(getpid()) + ".sqlite");
            const double cpu = bench::cpuSeconds();
            const auto started = std::chrono::steady_clock::now();
            nf::store::Store store(db);
            const auto plan = nf::workspace::planImport({dir.string()}, {});
            const double read = bench::secondsSince(started);
            const auto preview = nf::workspace::previewImport(store, plan);
            const auto result = nf::workspace::applyImport(store, plan);
            const double wall = bench::secondsSince(started);
            std::printf("whole import #%d (plan + preview + apply into a new database): %.3f s (reading %.3f s, "
                        "CPU %.3f s), %d run(s), %lld items stored, %d new group(s), peak RSS %.0f MiB\n",
                        repeat, wall, read, bench::cpuSeconds() - cpu, result.imported, static_cast<long long>(result.items),
                        preview.groupsNew, bench::peakRssMiB());
            for (const char* suffix : {"", "-wal", "-shm"})
                fs::remove(db.string() + suffix);
        });
    }

    // For scale: what reading the same lines costs with nlohmann's parsers.
    bench::inChild("import_bench", [&] {
        struct Nothing : json::json_sax_t
        {
            bool null() override { return true; }
            bool boolean(bool) override { return true; }
            bool number_integer(number_integer_t) override { return true; }
            bool number_unsigned(number_unsigned_t) override { return true; }
            bool number_float(number_float_t, const string_t&) override { return true; }
            bool string(string_t&) override { return true; }
            bool binary(binary_t&) override { return true; }
            bool start_object(std::size_t) override { return true; }
            bool key(string_t&) override { return true; }
            bool end_object() override { return true; }
            bool start_array(std::size_t) override { return true; }
            bool end_array() override { return true; }
            bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override
            {
                return false;
            }
        } nothing;
        const auto started = std::chrono::steady_clock::now();
        const long lines =
            readAllLines(samples, [&](const std::string& line) { json::sax_parse(line, &nothing); });
        const double wall = bench::secondsSince(started);
        std::printf("for scale, nlohmann sax_parse keeping nothing: %.3f s, %.0f MB/s (%ld lines)\n", wall,
                    megabytes / wall, lines);
    });
    bench::inChild("import_bench", [&] {
        const auto started = std::chrono::steady_clock::now();
        size_t members = 0;
        const long lines =
            readAllLines(samples, [&](const std::string& line) { members += json::parse(line).size(); });
        const double wall = bench::secondsSince(started);
        std::printf("for scale, json::parse of every line: %.3f s, %.0f MB/s (%ld lines, %zu members), peak "
                    "RSS %.0f MiB\n",
                    wall, megabytes / wall, lines, members, bench::peakRssMiB());
    });
    return 0;
}
