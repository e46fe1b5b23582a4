#include "workspace/describe_params.h"

#include "engine/settings_json.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <set>

namespace nf::workspace {
namespace {

std::string twoDecimals(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", value);
    return text;
}

std::string valueText(const nlohmann::json& value)
{
    return value.is_string() ? value.get<std::string>() : value.dump();
}

// Whether the params hold the setting's default (or nothing for it).
bool isDefault(const nlohmann::json& params, const char* key)
{
    const auto value = engine::setting(key).defaultValue();
    return !params.contains(key) || (value && params[key] == engine::settingJson(*value));
}

// A run imported from another tool: the tool, then what its output recorded (lm-eval: shots,
// metric, dtype, device, batch size) and any --param keys. model and model_args name the model,
// which the group shows already.
std::string describeImported(const nlohmann::json& params)
{
    std::string text = valueText(params["harness"]);
    if (params.contains("n_shot"))
        text += ", " + valueText(params["n_shot"]) + "-shot";
    if (params.contains("metric")) {
        text += ", " + valueText(params["metric"]);
        if (params.contains("filter") && params["filter"] != "none")
            text += " (" + valueText(params["filter"]) + ")";
    }
    for (const char* key : {"dtype", "device"})
        if (params.contains(key))
            text += ", " + valueText(params[key]);
    if (params.contains("batch_size"))
        text += ", bs " + valueText(params["batch_size"]);
    if (params.contains("limit"))
        text += ", limit " + valueText(params["limit"]);
    static const std::set<std::string> shown = {"harness", "n_shot", "metric", "filter", "dtype", "device",
                                                "batch_size", "limit", "model", "model_args", "task_version",
                                                "group_version"};
    for (const auto& [key, value] : params.items())
        if (!shown.count(key))
            text += ", " + key + "=" + valueText(value);
    return text;
}

} // namespace

std::string describeParams(const std::string& paramsJson)
{
    const auto params = nlohmann::json::parse(paramsJson, nullptr, false);
    if (params.is_discarded() || !params.is_object())
        return paramsJson;
    if (params.contains("harness"))
        return describeImported(params);
    // The settings phrased in words of their own (SettingDescription::Phrased).
    std::string text;
    // A language model's prompt: "5-shot per-item llamafactory, " (right padding unless said).
    if (params.contains("n_shot")) {
        text += std::to_string(params.value("n_shot", 0)) + "-shot ";
        if (params.value("n_shot", 0) > 0)
            text += params.value("shots", "?") + " ";
        text += params.value("template", "?") + ", ";
        if (!isDefault(params, "padding_side"))
            text += params.value("padding_side", "?") + " padding, ";
        if (!isDefault(params, "max_length"))
            text += "max " + std::to_string(params.value("max_length", 0)) + " tokens, ";
    }
    text += params.value("decoding", "?");
    if (params.contains("temperature"))
        text += " T=" + twoDecimals(params["temperature"].get<double>());
    if (params.value("top_k", 0) > 0)
        text += " top_k=" + std::to_string(params["top_k"].get<int>());
    if (params.contains("top_p") && params["top_p"].get<double>() < 1.0)
        text += " top_p=" + twoDecimals(params["top_p"].get<double>());
    if (params.value("dropout", "eval") == "train")
        text += ", MC-dropout";
    text += ", " + params.value("dtype", "?") + ", " + params.value("device", "?");
    text += ", bs " + std::to_string(params.value("batch_size", 0));
    if (!isDefault(params, "order"))
        text += ", " + params.value("order", "?");
    if (params.value("deterministic", false))
        text += ", deterministic";
    if (params.value("limit", 0) > 0)
        text += ", limit " + std::to_string(params["limit"].get<int64_t>());
    // Then any other setting of the table that is not at its default, by its key.
    for (const engine::Setting& setting : engine::settings())
        if (setting.scope == engine::SettingScope::Group &&
            setting.description == engine::SettingDescription::KeyValue && !isDefault(params, setting.key))
            text += ", " + std::string(setting.key) + "=" + valueText(params[setting.key]);
    return text;
}

} // namespace nf::workspace
