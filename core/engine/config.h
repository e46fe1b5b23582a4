#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace nf::engine {

enum class Decoding { Greedy, Sample };
enum class DropoutMode { Eval, Train };
enum class DType { Float32, BFloat16, Float16 };
enum class Order { Fixed, Shuffled };
enum class InputLayout { Image, Flat };
enum class PaddingSide { Right, Left };

// How few-shot examples are chosen from a subject's dev rows.
//   First:   the first k rows, as the original MMLU code does.
//   PerRun:  k rows drawn once per run (per subject) from the run's seed.
//   PerItem: k rows drawn afresh for every question from the (seed, item) stream, as
//            LLaMA-Factory's unseeded shuffle() per question does.
enum class ShotSelection { First, PerRun, PerItem };

// The knobs of a causal language model on a multiple-choice task (see engine/prompt.h).
struct LanguageModelOptions
{
    std::string promptTemplate = "llamafactory";
    int nShot = 5;
    ShotSelection shots = ShotSelection::PerItem;
    int maxLength = 2048; // tokens; longer prompts drop shots from the front, then lose tokens on the left
    PaddingSide paddingSide = PaddingSide::Right;
    // Filled by the evaluation from the tokenizer file: part of the config group, as another
    // tokenizer gives other prompts.
    std::string tokenizerSha256;
    // Filled by the evaluation when tokenizer_config.json changes what the post-processor puts
    // around a prompt ("bos 1 | eos none"); empty otherwise. Part of the group when set.
    std::string specialTokens;
};

// Batch sizes when none is given: a classifier's items are small, a language model's prompts are
// up to max_length tokens each.
inline constexpr int kClassifierBatchSize = 256;
inline constexpr int kLanguageModelBatchSize = 8;

// Everything about an evaluation except its seed. All but `threads` is part of the config group
// (threads change timing and are recorded in the environment instead).
struct EvalConfig
{
    Decoding decoding = Decoding::Greedy;
    double temperature = 1.0; // sampling only
    int topK = 0;             // sampling only; 0 = all classes
    double topP = 1.0;        // sampling only; (0, 1]
    DropoutMode dropout = DropoutMode::Eval;
    int batchSize = kClassifierBatchSize;
    DType dtype = DType::Float32;
    std::string device = "auto"; // auto | cpu | cuda | cuda:N
    bool deterministic = false;
    Order order = Order::Fixed;
    int threads = 0;   // 0 = automatic: 1 torch thread, OpenBLAS on every core
    // Hugging Face folders: compute the prompts' shared prefix once per (run, subject). Like
    // `threads`, not part of the config group (the answers are the same); the environment records it.
    bool prefixCache = true;
    int64_t limit = 0; // first N items; 0 = all
    InputLayout input = InputLayout::Image;
    std::optional<double> normalizeMean; // both set or neither: x' = (x - mean) / std
    std::optional<double> normalizeStd;
    // Set for a causal language model on a multiple-choice task; `input` and `normalize` are then
    // not used (nor part of the group).
    std::optional<LanguageModelOptions> lm;
};

// Throws nf::InputError naming the key and what is wrong (temperature <= 0 with sampling, top_p
// outside (0, 1], a batch size < 1, ...).
void validate(const EvalConfig& config);

// The canonical JSON of the config's group-defining parameters, with the device resolved to its
// type ("cpu", "cuda": never "auto", never an index). Keys sorted, sampling keys only when
// sampling, so equal configs give equal text.
std::string canonicalParamsJson(const EvalConfig& config, const std::string& deviceType);

// Rebuilds a config from canonicalParamsJson's output (for `reproduce`). Throws nf::InputError.
EvalConfig configFromParamsJson(const std::string& json);

// sha256 over the canonical params and the model's and data's sha256: the config group's key.
std::string configHash(const std::string& paramsJson, const std::string& modelSha256,
                       const std::string& taskSha256);

// Parsers for the CLI and the app; each throws nf::InputError naming the key and the value.
Decoding parseDecoding(const std::string& text);
DropoutMode parseDropout(const std::string& text);
DType parseDType(const std::string& text);
Order parseOrder(const std::string& text);
InputLayout parseInputLayout(const std::string& text);
PaddingSide parsePaddingSide(const std::string& text);
// first | per-run | per-item ("seeded" is accepted for per-item).
ShotSelection parseShotSelection(const std::string& text);
// "MEAN,STD", e.g. "0.2860,0.3530".
void parseNormalize(const std::string& text, EvalConfig& config);

const char* toString(Decoding value);
const char* toString(DropoutMode value);
const char* toString(DType value);
const char* toString(Order value);
const char* toString(InputLayout value);
const char* toString(PaddingSide value);
const char* toString(ShotSelection value);

} // namespace nf::engine
