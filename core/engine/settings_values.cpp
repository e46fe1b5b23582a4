// Settings' values as text (the CLI, the form), in JSON (the canonical params) and checked
// against their ranges: one function per type for every setting of the table.

#include "common/error.h"
#include "engine/settings.h"
#include "engine/settings_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace nf::engine {
namespace {

using enum SettingType;

double parseNumber(const std::string& key, const std::string& text)
{
    double value = 0;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || !std::isfinite(value))
        throw InputError(key + ": '" + text + "' is not a number");
    return value;
}

std::string numberText(double value)
{
    char text[32];
    const auto [end, ec] = std::to_chars(text, text + sizeof text, value);
    return std::string(text, ec == std::errc() ? end : text);
}

} // namespace

std::string settingText(const Setting& setting, const SettingValue& value)
{
    switch (setting.type) {
    case Flag:
        return std::get<bool>(value) ? "true" : "false";
    case Integer:
        return std::to_string(std::get<int64_t>(value));
    case Number:
        return numberText(std::get<double>(value));
    case Choice:
    case Text:
        return std::get<std::string>(value);
    case NumberPair: {
        const auto [first, second] = std::get<std::pair<double, double>>(value);
        return numberText(first) + "," + numberText(second);
    }
    }
    return {};
}

SettingValue parseSettingText(const Setting& setting, const std::string& text)
{
    const std::string key = setting.key;
    switch (setting.type) {
    case Flag:
        if (text != "true" && text != "false")
            throw InputError(key + ": '" + text + "' is not one of true | false");
        return text == "true";
    case Integer: {
        int64_t value = 0;
        const auto* end = text.data() + text.size();
        auto [ptr, ec] = std::from_chars(text.data(), end, value);
        if (ec != std::errc() || ptr != end)
            throw InputError(key + ": '" + text + "' is not a whole number");
        return value;
    }
    case Number:
        return parseNumber(key, text);
    case Choice:
    case Text:
        return text;
    case NumberPair: {
        const auto comma = text.find(',');
        if (comma == std::string::npos)
            throw InputError(key + ": '" + text + "' should be MEAN,STD (for example 0.2860,0.3530)");
        return std::pair(parseNumber(key, text.substr(0, comma)), parseNumber(key, text.substr(comma + 1)));
    }
    }
    return {};
}

namespace {

// A number as a person typed it: 1.5, not to_string's 1.500000.
std::string shortestText(double number)
{
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, number).ptr;
    return std::string(text, end);
}

} // namespace

void checkSettingValue(const Setting& setting, const SettingValue& value, std::string_view name)
{
    const std::string label(name.empty() ? std::string_view(setting.key) : name);
    if (setting.type == Integer || setting.type == Number) {
        const bool whole = setting.type == Integer;
        const double number = whole ? static_cast<double>(std::get<int64_t>(value)) : std::get<double>(value);
        const auto& range = setting.range;
        const bool aboveMinimum = range.minimumExcluded ? number > range.minimum : number >= range.minimum;
        if (!std::isfinite(number) || !aboveMinimum || !(number <= range.maximum))
            throw InputError(label + ": " +
                             (whole ? std::to_string(std::get<int64_t>(value)) : shortestText(number)) + " " +
                             range.rule);
    }
    if (setting.type == Choice) {
        const auto& word = std::get<std::string>(value);
        if (std::find(setting.choices.begin(), setting.choices.end(), word) == setting.choices.end()) {
            std::string expected;
            for (const auto& choice : setting.choices)
                expected += (expected.empty() ? "" : " | ") + choice;
            throw InputError(label + ": '" + word +
                             "' is not one of " + expected);
        }
    }
    if (setting.check)
        setting.check(value);
}

nlohmann::json settingJson(const SettingValue& value)
{
    return std::visit(
        [](const auto& held) -> nlohmann::json {
            if constexpr (std::is_same_v<std::decay_t<decltype(held)>, std::pair<double, double>>)
                return {held.first, held.second};
            else
                return held;
        },
        value);
}

SettingValue settingFromJson(const Setting& setting, const nlohmann::json& value)
{
    switch (setting.type) {
    case Flag:
        return value.get<bool>();
    case Integer:
        return value.get<int64_t>();
    case Number:
        return value.get<double>();
    case Choice:
    case Text:
        return value.get<std::string>();
    case NumberPair:
        return std::pair(value.at(0).get<double>(), value.at(1).get<double>());
    }
    return {};
}

} // namespace nf::engine
