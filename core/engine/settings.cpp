#include "engine/settings.h"

#include "common/error.h"

#include <climits>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <thread>
#include <type_traits>

namespace nf::engine {
namespace {

// A field's value as the table holds it: whole numbers widen, enums become their words.
SettingValue toValue(bool value)
{
    return value;
}
SettingValue toValue(int value)
{
    return int64_t{value};
}
SettingValue toValue(int64_t value)
{
    return value;
}
SettingValue toValue(double value)
{
    return value;
}
SettingValue toValue(const std::string& value)
{
    return value;
}
template <typename Enum>
requires std::is_enum_v<Enum> SettingValue toValue(Enum value)
{
    return std::string(toString(value));
}

void fromValue(const SettingValue& value, bool& field)
{
    field = std::get<bool>(value);
}
void fromValue(const SettingValue& value, int& field)
{
    field = static_cast<int>(std::get<int64_t>(value));
}
void fromValue(const SettingValue& value, int64_t& field)
{
    field = std::get<int64_t>(value);
}
void fromValue(const SettingValue& value, double& field)
{
    field = std::get<double>(value);
}
void fromValue(const SettingValue& value, std::string& field)
{
    field = std::get<std::string>(value);
}
void fromValue(const SettingValue& value, Decoding& field)
{
    field = parseDecoding(std::get<std::string>(value));
}
void fromValue(const SettingValue& value, DropoutMode& field)
{
    field = parseDropout(std::get<std::string>(value));
}
void fromValue(const SettingValue& value, DType& field)
{
    field = parseDType(std::get<std::string>(value));
}
void fromValue(const SettingValue& value, Order& field)
{
    field = parseOrder(std::get<std::string>(value));
}
void fromValue(const SettingValue& value, InputLayout& field)
{
    field = parseInputLayout(std::get<std::string>(value));
}
void fromValue(const SettingValue& value, PaddingSide& field)
{
    field = parsePaddingSide(std::get<std::string>(value));
}
void fromValue(const SettingValue& value, ShotSelection& field)
{
    field = parseShotSelection(std::get<std::string>(value));
}

// The accessors of an EvalConfig member.
template <auto member> std::optional<SettingValue> getField(const EvalConfig& config)
{
    return toValue(config.*member);
}
template <auto member> void setField(EvalConfig& config, const SettingValue& value)
{
    fromValue(value, config.*member);
}

// The accessors of a LanguageModelOptions member: a classifier has none; giving one makes the
// config a language model's.
template <auto member> std::optional<SettingValue> getPromptField(const EvalConfig& config)
{
    if (!config.lm)
        return std::nullopt;
    return toValue((*config.lm).*member);
}
template <auto member> void setPromptField(EvalConfig& config, const SettingValue& value)
{
    if (!config.lm)
        config.lm.emplace();
    fromValue(value, (*config.lm).*member);
}

std::optional<SettingValue> getSpecialTokens(const EvalConfig& config)
{
    if (!config.lm || config.lm->specialTokens.empty())
        return std::nullopt;
    return config.lm->specialTokens;
}

std::optional<SettingValue> getNormalize(const EvalConfig& config)
{
    if (!config.normalizeMean || !config.normalizeStd)
        return std::nullopt;
    return std::pair(*config.normalizeMean, *config.normalizeStd);
}
void setNormalize(EvalConfig& config, const SettingValue& value)
{
    const auto [mean, deviation] = std::get<std::pair<double, double>>(value);
    config.normalizeMean = mean;
    config.normalizeStd = deviation;
}
void checkNormalize(const SettingValue& value)
{
    if (!(std::get<std::pair<double, double>>(value).second > 0))
        throw InputError("normalize: STD must be greater than 0");
}

void checkDevice(const SettingValue& value)
{
    const auto& device = std::get<std::string>(value);
    const bool known = device == "auto" || device == "cpu" || device == "cuda" ||
                       (device.rfind("cuda:", 0) == 0 && device.size() > 5 &&
                        device.find_first_not_of("0123456789", 5) == std::string::npos);
    if (!known)
        throw InputError("device: '" + device + "' is not one of auto | cpu | cuda | cuda:N");
}

constexpr double kIntMax = INT_MAX;
constexpr double kInt64Max = static_cast<double>(std::numeric_limits<int64_t>::max());

using enum SettingType;
using enum SettingUse;

// Choices are listed in their enum's order: parseDecoding and toString read them here.
std::vector<Setting> makeSettings()
{
    return {
        {.key = "decoding",
         .type = Choice,
         .choices = {"greedy", "sample"},
         .option = "--decoding",
         .help = "greedy | sample",
         .description = SettingDescription::Phrased,
         .get = getField<&EvalConfig::decoding>,
         .set = setField<&EvalConfig::decoding>},
        {.key = "temperature",
         .type = Number,
         .use = Sampling,
         .range = {.minimum = 0,
                   .minimumExcluded = true,
                   .rule = "must be greater than 0 when sampling (use --decoding greedy for argmax)"},
         .option = "--temperature",
         .help = "Sampling temperature (> 0)",
         .description = SettingDescription::Phrased,
         .get = getField<&EvalConfig::temperature>,
         .set = setField<&EvalConfig::temperature>},
        {.key = "top_k",
         .type = Integer,
         .use = Sampling,
         .range = {.minimum = 0, .maximum = kIntMax, .rule = "must be 0 (all classes) or positive"},
         .formMaximum = 1000000,
         .option = "--top-k",
         .help = "Sample among the k most likely classes (0 = all)",
         .description = SettingDescription::Phrased,
         .get = getField<&EvalConfig::topK>,
         .set = setField<&EvalConfig::topK>},
        {.key = "top_p",
         .type = Number,
         .use = Sampling,
         .range = {.minimum = 0, .minimumExcluded = true, .maximum = 1, .rule = "must be in (0, 1]"},
         .option = "--top-p",
         .help = "Nucleus sampling mass in (0, 1]",
         .description = SettingDescription::Phrased,
         .get = getField<&EvalConfig::topP>,
         .set = setField<&EvalConfig::topP>},
        {.key = "dropout",
         .type = Choice,
         .choices = {"eval", "train"},
         .option = "--dropout",
         .help = "eval | train (MC-dropout: only Dropout layers train)",
         .description = SettingDescription::Phrased,
         .get = getField<&EvalConfig::dropout>,
         .set = setField<&EvalConfig::dropout>},
        {.key = "batch_size",
         .type = Integer,
         .range = {.minimum = 1,
                   .maximum = static_cast<double>(kMaxBatchSize),
                   .rule = "must be from 1 to " + std::to_string(kMaxBatchSize)},
         .option = "--batch-size",
         .help = "Items per forward (default 256 for a classifier, 8 for a language model)",
         .optionShowsDefault = false,
         .description = SettingDescription::Phrased,
         .get = getField<&EvalConfig::batchSize>,
         .set = setField<&EvalConfig::batchSize>},
        {.key = "dtype",
         .type = Choice,
         .choices = {"fp32", "bf16", "fp16"},
         .option = "--dtype",
         .help = "fp32 | bf16 | fp16 (fp16 on CUDA only)",
         .description = SettingDescription::Phrased,
         .get = getField<&EvalConfig::dtype>,
         .set = setField<&EvalConfig::dtype>},
        // The group holds the device's type ("cuda"), not "auto" nor an index.
        {.key = "device",
         .type = Text,
         .option = "--device",
         .help = "auto | cpu | cuda | cuda:N",
         .description = SettingDescription::Phrased,
         .get = getField<&EvalConfig::device>,
         .set = setField<&EvalConfig::device>,
         .check = checkDevice},
        {.key = "deterministic",
         .type = Flag,
         .option = "--deterministic",
         .help = "Deterministic algorithms, cuDNN deterministic, no benchmark, TF32 off",
         .about = "Deterministic kernels, no cuDNN benchmark, TF32 off: slower on a GPU",
         .description = SettingDescription::Phrased,
         .get = getField<&EvalConfig::deterministic>,
         .set = setField<&EvalConfig::deterministic>},
        {.key = "order",
         .type = Choice,
         .choices = {"fixed", "shuffled"},
         .option = "--order",
         .help = "fixed | shuffled (by seed)",
         .description = SettingDescription::Phrased,
         .get = getField<&EvalConfig::order>,
         .set = setField<&EvalConfig::order>},
        {.key = "threads",
         .type = Integer,
         .scope = SettingScope::Environment,
         .range = {.minimum = 0,
                   .maximum = static_cast<double>(maxThreads()),
                   .rule = "must be 0 (automatic) or from 1 to " + std::to_string(maxThreads()) +
                           " (4 per core)"},
         .option = "--threads",
         .help = "torch and OpenBLAS threads (0 = 1 torch thread, OpenBLAS on every core)",
         .get = getField<&EvalConfig::threads>,
         .set = setField<&EvalConfig::threads>},
        {.key = "limit",
         .type = Integer,
         .range = {.minimum = 0, .maximum = kInt64Max, .rule = "must be 0 (all items) or positive"},
         .option = "--limit",
         .help = "Evaluate only the first N items (0 = all)",
         .about = "Evaluate only the first N items of the task",
         .description = SettingDescription::Phrased,
         .get = getField<&EvalConfig::limit>,
         .set = setField<&EvalConfig::limit>},
        {.key = "input",
         .type = Choice,
         .use = Classifier,
         .choices = {"image", "flat"},
         .option = "--input",
         .help = "image ([B,1,H,W]) | flat ([B,H*W])",
         .description = SettingDescription::Hidden,
         .get = getField<&EvalConfig::input>,
         .set = setField<&EvalConfig::input>},
        // Only a classifier uses it, but a language model's group stored with it keeps it.
        {.key = "normalize",
         .type = NumberPair,
         .option = "--normalize",
         .help = "MEAN,STD applied to inputs in [0,1]",
         .optionShowsDefault = false,
         .description = SettingDescription::Hidden,
         .get = getNormalize,
         .set = setNormalize,
         .check = checkNormalize},
        // Like threads, the answers are the same either way.
        {.key = "prefix_cache",
         .type = Flag,
         .scope = SettingScope::Environment,
         .use = LanguageModel,
         .option = "--no-prefix-cache",
         .help = "Compute every prompt whole instead of continuing a subject's shared system line and "
                 "shots (model folders; the answers are the same)",
         .optionClears = true,
         .get = getField<&EvalConfig::prefixCache>,
         .set = setField<&EvalConfig::prefixCache>},
        {.key = "n_shot",
         .type = Integer,
         .use = LanguageModel,
         .range = {.minimum = 0, .maximum = kIntMax, .rule = "must be 0 or more"},
         .formMaximum = 10,
         .option = "--n-shot",
         .help = "Few-shot examples per prompt (default 5)",
         .about = "Examples from the subject's dev rows put before each question",
         .optionShowsDefault = false,
         .description = SettingDescription::Phrased,
         .get = getPromptField<&LanguageModelOptions::nShot>,
         .set = setPromptField<&LanguageModelOptions::nShot>},
        {.key = "shots",
         .type = Choice,
         .use = LanguageModel,
         .choices = {"first", "per-run", "per-item"},
         .option = "--shots",
         .help = "first | per-run | per-item (default per-item, first with --template mmlu-original; "
                 "seeded = per-item)",
         .about = "Which dev rows are the examples; drawn ones follow the run's seed, a real source of "
                  "run-to-run variance",
         .optionShowsDefault = false,
         .description = SettingDescription::Phrased,
         .get = getPromptField<&LanguageModelOptions::shots>,
         .set = setPromptField<&LanguageModelOptions::shots>},
        // The engine's templates (engine/prompt.h) are the words it takes.
        {.key = "template",
         .type = Text,
         .use = LanguageModel,
         .option = "--template",
         .help = "llamafactory (default) | llamafactory-zh | mmlu-original",
         .about = "How a question and its few-shot examples become the prompt",
         .optionShowsDefault = false,
         .description = SettingDescription::Phrased,
         .get = getPromptField<&LanguageModelOptions::promptTemplate>,
         .set = setPromptField<&LanguageModelOptions::promptTemplate>},
        {.key = "max_length",
         .type = Integer,
         .use = LanguageModel,
         .range = {.minimum = 8, .maximum = kIntMax, .rule = "must be at least 8 tokens"},
         .formMaximum = 1 << 20,
         .option = "--max-length",
         .help = "Longest prompt in tokens (default 2048)",
         .about = "Longer prompts drop examples from the front, then lose tokens on the left",
         .optionShowsDefault = false,
         .description = SettingDescription::Phrased,
         .get = getPromptField<&LanguageModelOptions::maxLength>,
         .set = setPromptField<&LanguageModelOptions::maxLength>},
        {.key = "padding_side",
         .type = Choice,
         .use = LanguageModel,
         .choices = {"right", "left"},
         .option = "--padding-side",
         .help = "right (default) | left",
         .about = "The side batches are padded on; the run is refused when the model's answer changes "
                  "with padding",
         .optionShowsDefault = false,
         .description = SettingDescription::Phrased,
         .get = getPromptField<&LanguageModelOptions::paddingSide>,
         .set = setPromptField<&LanguageModelOptions::paddingSide>},
        // Another tokenizer gives other prompts.
        {.key = "tokenizer_sha256",
         .type = Text,
         .use = LanguageModel,
         .derived = true,
         .description = SettingDescription::Hidden,
         .get = getPromptField<&LanguageModelOptions::tokenizerSha256>,
         .set = setPromptField<&LanguageModelOptions::tokenizerSha256>},
        // What tokenizer_config.json changes around a prompt; in the group only when it changes something.
        {.key = "special_tokens",
         .type = Text,
         .use = LanguageModel,
         .derived = true,
         .description = SettingDescription::Hidden,
         .get = getSpecialTokens,
         .set = setPromptField<&LanguageModelOptions::specialTokens>},
    };
}

} // namespace

int64_t maxThreads()
{
    return 4 * std::max<int64_t>(1, std::thread::hardware_concurrency());
}

bool inCanonicalJson(const Setting& setting, const SettingValue& value)
{
    return !setting.addedLater || value != setting.defaultValue();
}

bool absentMeansDefault(const Setting& setting)
{
    return setting.addedLater || !setting.defaultValue();
}

const std::vector<Setting>& settings()
{
    static const std::vector<Setting> table = makeSettings();
    return table;
}

const Setting& setting(std::string_view key)
{
    for (const Setting& candidate : settings())
        if (key == candidate.key)
            return candidate;
    throw std::out_of_range("no evaluation setting '" + std::string(key) + "'");
}

std::optional<SettingValue> Setting::defaultValue() const
{
    EvalConfig config;
    config.lm.emplace();
    return get(config);
}

bool Setting::appliesTo(const EvalConfig& config) const
{
    switch (use) {
    case SettingUse::Always:
        return true;
    case SettingUse::Sampling:
        return config.decoding == Decoding::Sample;
    case SettingUse::LanguageModel:
        return config.lm.has_value();
    case SettingUse::Classifier:
        return !config.lm.has_value();
    }
    return false;
}

} // namespace nf::engine
