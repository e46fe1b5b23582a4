#include "engine/config.h"

#include "common/error.h"
#include "common/sha256.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>

namespace nf::engine {
namespace {

template <typename Enum, size_t N>
Enum parseEnum(const std::string& key, const std::string& text,
               const std::pair<const char*, Enum> (&names)[N])
{
    std::string expected;
    for (const auto& [name, value] : names) {
        if (text == name)
            return value;
        expected += expected.empty() ? name : std::string(" | ") + name;
    }
    throw InputError(key + ": '" + text + "' is not one of " + expected);
}

constexpr std::pair<const char*, Decoding> kDecodings[] = {{"greedy", Decoding::Greedy},
                                                           {"sample", Decoding::Sample}};
constexpr std::pair<const char*, DropoutMode> kDropouts[] = {{"eval", DropoutMode::Eval},
                                                             {"train", DropoutMode::Train}};
constexpr std::pair<const char*, DType> kDTypes[] = {
    {"fp32", DType::Float32}, {"bf16", DType::BFloat16}, {"fp16", DType::Float16}};
constexpr std::pair<const char*, Order> kOrders[] = {{"fixed", Order::Fixed}, {"shuffled", Order::Shuffled}};
constexpr std::pair<const char*, InputLayout> kInputs[] = {{"image", InputLayout::Image},
                                                           {"flat", InputLayout::Flat}};

constexpr std::pair<const char*, PaddingSide> kPaddingSides[] = {{"right", PaddingSide::Right},
                                                                 {"left", PaddingSide::Left}};
constexpr std::pair<const char*, ShotSelection> kShotSelections[] = {
    {"first", ShotSelection::First}, {"per-run", ShotSelection::PerRun}, {"per-item", ShotSelection::PerItem}};

template <typename Enum, size_t N>
const char* nameOf(Enum value, const std::pair<const char*, Enum> (&names)[N])
{
    for (const auto& [name, candidate] : names)
        if (candidate == value)
            return name;
    return "?";
}

double parseDouble(const std::string& key, const std::string& text)
{
    double value = 0;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || !std::isfinite(value))
        throw InputError(key + ": '" + text + "' is not a number");
    return value;
}

} // namespace

Decoding parseDecoding(const std::string& text)
{
    return parseEnum("decoding", text, kDecodings);
}
DropoutMode parseDropout(const std::string& text)
{
    return parseEnum("dropout", text, kDropouts);
}
DType parseDType(const std::string& text)
{
    return parseEnum("dtype", text, kDTypes);
}
Order parseOrder(const std::string& text)
{
    return parseEnum("order", text, kOrders);
}
InputLayout parseInputLayout(const std::string& text)
{
    return parseEnum("input", text, kInputs);
}

PaddingSide parsePaddingSide(const std::string& text)
{
    return parseEnum("padding_side", text, kPaddingSides);
}
ShotSelection parseShotSelection(const std::string& text)
{
    return parseEnum("shots", text == "seeded" ? std::string("per-item") : text, kShotSelections);
}

const char* toString(Decoding value)
{
    return nameOf(value, kDecodings);
}
const char* toString(DropoutMode value)
{
    return nameOf(value, kDropouts);
}
const char* toString(DType value)
{
    return nameOf(value, kDTypes);
}
const char* toString(Order value)
{
    return nameOf(value, kOrders);
}
const char* toString(InputLayout value)
{
    return nameOf(value, kInputs);
}
const char* toString(PaddingSide value)
{
    return nameOf(value, kPaddingSides);
}
const char* toString(ShotSelection value)
{
    return nameOf(value, kShotSelections);
}

void parseNormalize(const std::string& text, EvalConfig& config)
{
    const auto comma = text.find(',');
    if (comma == std::string::npos)
        throw InputError("normalize: '" + text + "' should be MEAN,STD (for example 0.2860,0.3530)");
    config.normalizeMean = parseDouble("normalize", text.substr(0, comma));
    config.normalizeStd = parseDouble("normalize", text.substr(comma + 1));
}

void validate(const EvalConfig& config)
{
    if (config.decoding == Decoding::Sample) {
        if (!(config.temperature > 0) || !std::isfinite(config.temperature))
            throw InputError("temperature: " + std::to_string(config.temperature) +
                             " must be greater than 0 when sampling (use --decoding greedy for argmax)");
        if (!(config.topP > 0 && config.topP <= 1))
            throw InputError("top_p: " + std::to_string(config.topP) + " must be in (0, 1]");
        if (config.topK < 0)
            throw InputError("top_k: " + std::to_string(config.topK) +
                             " must be 0 (all classes) or positive");
    }
    if (config.batchSize < 1)
        throw InputError("batch_size: " + std::to_string(config.batchSize) + " must be at least 1");
    if (config.threads < 0)
        throw InputError("threads: " + std::to_string(config.threads) + " must be 0 (automatic) or positive");
    if (config.limit < 0)
        throw InputError("limit: " + std::to_string(config.limit) + " must be 0 (all items) or positive");
    if (config.normalizeMean.has_value() != config.normalizeStd.has_value())
        throw InputError("normalize: needs both MEAN and STD");
    if (config.normalizeStd && !(*config.normalizeStd > 0))
        throw InputError("normalize: STD must be greater than 0");
    if (config.lm) {
        if (config.lm->nShot < 0)
            throw InputError("n_shot: " + std::to_string(config.lm->nShot) + " must be 0 or more");
        if (config.lm->maxLength < 8)
            throw InputError("max_length: " + std::to_string(config.lm->maxLength) + " must be at least 8 tokens");
    }
    const auto& device = config.device;
    const bool deviceOk = device == "auto" || device == "cpu" || device == "cuda" ||
                          (device.rfind("cuda:", 0) == 0 && device.size() > 5 &&
                           device.find_first_not_of("0123456789", 5) == std::string::npos);
    if (!deviceOk)
        throw InputError("device: '" + device + "' is not one of auto | cpu | cuda | cuda:N");
}

std::string canonicalParamsJson(const EvalConfig& config, const std::string& deviceType)
{
    nlohmann::json params = {
        {"decoding", toString(config.decoding)},
        {"dropout", toString(config.dropout)},
        {"batch_size", config.batchSize},
        {"dtype", toString(config.dtype)},
        {"device", deviceType},
        {"deterministic", config.deterministic},
        {"order", toString(config.order)},
        {"limit", config.limit},
    };
    if (config.lm) {
        params["template"] = config.lm->promptTemplate;
        params["n_shot"] = config.lm->nShot;
        params["shots"] = toString(config.lm->shots);
        params["max_length"] = config.lm->maxLength;
        params["padding_side"] = toString(config.lm->paddingSide);
        params["tokenizer_sha256"] = config.lm->tokenizerSha256;
        if (!config.lm->specialTokens.empty())
            params["special_tokens"] = config.lm->specialTokens;
    } else {
        params["input"] = toString(config.input);
    }
    if (config.decoding == Decoding::Sample) {
        params["temperature"] = config.temperature;
        params["top_k"] = config.topK;
        params["top_p"] = config.topP;
    }
    if (config.normalizeMean)
        params["normalize"] = {*config.normalizeMean, *config.normalizeStd};
    return params.dump();
}

EvalConfig configFromParamsJson(const std::string& text)
{
    EvalConfig config;
    try {
        const auto params = nlohmann::json::parse(text);
        config.decoding = parseDecoding(params.at("decoding").get<std::string>());
        config.dropout = parseDropout(params.at("dropout").get<std::string>());
        config.batchSize = params.at("batch_size").get<int>();
        config.dtype = parseDType(params.at("dtype").get<std::string>());
        config.device = params.at("device").get<std::string>();
        config.deterministic = params.at("deterministic").get<bool>();
        config.order = parseOrder(params.at("order").get<std::string>());
        config.limit = params.at("limit").get<int64_t>();
        if (params.contains("template")) {
            LanguageModelOptions lm;
            lm.promptTemplate = params.at("template").get<std::string>();
            lm.nShot = params.at("n_shot").get<int>();
            lm.shots = parseShotSelection(params.at("shots").get<std::string>());
            lm.maxLength = params.at("max_length").get<int>();
            lm.paddingSide = parsePaddingSide(params.at("padding_side").get<std::string>());
            lm.tokenizerSha256 = params.at("tokenizer_sha256").get<std::string>();
            if (params.contains("special_tokens"))
                lm.specialTokens = params.at("special_tokens").get<std::string>();
            config.lm = lm;
        } else {
            config.input = parseInputLayout(params.at("input").get<std::string>());
        }
        if (config.decoding == Decoding::Sample) {
            config.temperature = params.at("temperature").get<double>();
            config.topK = params.at("top_k").get<int>();
            config.topP = params.at("top_p").get<double>();
        }
        if (params.contains("normalize")) {
            config.normalizeMean = params["normalize"].at(0).get<double>();
            config.normalizeStd = params["normalize"].at(1).get<double>();
        }
    } catch (const nlohmann::json::exception& e) {
        throw InputError(std::string("stored config is not a noisefloor engine config: ") + e.what());
    }
    return config;
}

std::string configHash(const std::string& paramsJson, const std::string& modelSha256,
                       const std::string& taskSha256)
{
    return groupHash(paramsJson, modelSha256, taskSha256);
}

} // namespace nf::engine
