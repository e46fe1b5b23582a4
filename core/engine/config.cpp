#include "engine/config.h"

#include "common/error.h"
#include "common/sha256.h"
#include "engine/settings_json.h"

namespace nf::engine {
namespace {

// The choices of a Choice setting are its enum's words, in the enum's order.
template <typename Enum> Enum parseChoice(const char* key, const std::string& text)
{
    const auto& choices = setting(key).choices;
    std::string expected;
    for (size_t i = 0; i < choices.size(); ++i) {
        if (text == choices[i])
            return static_cast<Enum>(i);
        expected += expected.empty() ? choices[i] : " | " + choices[i];
    }
    throw InputError(std::string(key) + ": '" + text + "' is not one of " + expected);
}

template <typename Enum> const char* choiceName(const char* key, Enum value)
{
    const auto& choices = setting(key).choices;
    const auto index = static_cast<size_t>(value);
    return index < choices.size() ? choices[index].c_str() : "?";
}

} // namespace

Decoding parseDecoding(const std::string& text)
{
    return parseChoice<Decoding>("decoding", text);
}
DropoutMode parseDropout(const std::string& text)
{
    return parseChoice<DropoutMode>("dropout", text);
}
DType parseDType(const std::string& text)
{
    return parseChoice<DType>("dtype", text);
}
Order parseOrder(const std::string& text)
{
    return parseChoice<Order>("order", text);
}
InputLayout parseInputLayout(const std::string& text)
{
    return parseChoice<InputLayout>("input", text);
}
PaddingSide parsePaddingSide(const std::string& text)
{
    return parseChoice<PaddingSide>("padding_side", text);
}
ShotSelection parseShotSelection(const std::string& text)
{
    return parseChoice<ShotSelection>("shots", text == "seeded" ? std::string("per-item") : text);
}

const char* toString(Decoding value)
{
    return choiceName("decoding", value);
}
const char* toString(DropoutMode value)
{
    return choiceName("dropout", value);
}
const char* toString(DType value)
{
    return choiceName("dtype", value);
}
const char* toString(Order value)
{
    return choiceName("order", value);
}
const char* toString(InputLayout value)
{
    return choiceName("input", value);
}
const char* toString(PaddingSide value)
{
    return choiceName("padding_side", value);
}
const char* toString(ShotSelection value)
{
    return choiceName("shots", value);
}

void parseNormalize(const std::string& text, EvalConfig& config)
{
    const Setting& normalize = setting("normalize");
    normalize.set(config, parseSettingText(normalize, text));
}

void validate(const EvalConfig& config)
{
    if (config.normalizeMean.has_value() != config.normalizeStd.has_value())
        throw InputError("normalize: needs both MEAN and STD");
    for (const Setting& setting : settings()) {
        if (setting.derived || !setting.appliesTo(config))
            continue;
        if (const auto value = setting.get(config))
            checkSettingValue(setting, *value);
    }
}

std::string canonicalParamsJson(const EvalConfig& config, const std::string& deviceType)
{
    EvalConfig resolved = config;
    resolved.device = deviceType;
    nlohmann::json params = nlohmann::json::object(); // keys sorted: equal configs, equal text
    for (const Setting& setting : settings()) {
        if (setting.scope != SettingScope::Group || !setting.appliesTo(resolved))
            continue;
        if (const auto value = setting.get(resolved); value && inCanonicalJson(setting, *value))
            params[setting.key] = settingJson(*value);
    }
    return params.dump();
}

EvalConfig configFromParamsJson(const std::string& text)
{
    EvalConfig config;
    try {
        const auto params = nlohmann::json::parse(text);
        // A language model's group has its template; the sampling keys follow `decoding`, which
        // comes before them in the table.
        if (params.contains(setting("template").key))
            config.lm.emplace();
        for (const Setting& setting : settings()) {
            if (setting.scope != SettingScope::Group || !setting.appliesTo(config))
                continue;
            // A setting that is unset by default is in the text only when it was set; one added
            // later, only when it was not at its default (the config has it already).
            if (absentMeansDefault(setting) && !params.contains(setting.key))
                continue;
            setting.set(config, settingFromJson(setting, params.at(setting.key)));
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
