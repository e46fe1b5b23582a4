#include "setting_options.h"

#include <climits>

#include <algorithm>
#include <cstring>

namespace nf::cli {
namespace {

using Parsed = std::variant<bool, int, int64_t, double, std::string>;

// The value an option starts with: the setting's default (shown in the help where it does not
// depend on the model), in the type CLI11 parses.
Parsed initialValue(const engine::Setting& setting)
{
    const auto value = setting.defaultValue();
    switch (setting.type) {
    case engine::SettingType::Flag:
        return false; // given or not
    case engine::SettingType::Integer: {
        const int64_t number = value ? std::get<int64_t>(*value) : 0;
        if (setting.range.maximum <= INT_MAX)
            return static_cast<int>(number);
        return number;
    }
    case engine::SettingType::Number:
        return value ? std::get<double>(*value) : 0.0;
    case engine::SettingType::Choice:
    case engine::SettingType::Text:
        return value ? std::get<std::string>(*value) : std::string();
    case engine::SettingType::NumberPair:
        return std::string(); // typed as text: "MEAN,STD"
    }
    return {};
}

// Before the settings table, an option whose default depends on the model or the template (and is
// not shown in the help) took a number below 1 (below 0 where 0 is valid: --n-shot) or empty text
// as asking for that default. Scripts may pass them still.
bool asksForDefault(const engine::Setting& setting, const Parsed& value)
{
    if (setting.optionShowsDefault)
        return false;
    if (const auto* text = std::get_if<std::string>(&value))
        return text->empty();
    const double lowest = std::min(setting.range.minimum, 1.0);
    if (const auto* number = std::get_if<int>(&value))
        return *number < lowest;
    if (const auto* number = std::get_if<int64_t>(&value))
        return static_cast<double>(*number) < lowest;
    return false;
}

} // namespace

void SettingOptions::add(CLI::App* command, bool languageModel, const char* group)
{
    for (const engine::Setting& setting : engine::settings()) {
        if (!setting.option || (setting.use == engine::SettingUse::LanguageModel) != languageModel)
            continue;
        Bound& bound = m_bound.emplace_back();
        bound.setting = &setting;
        bound.value = initialValue(setting);
        bound.option = std::visit(
            [&](auto& value) -> CLI::Option* {
                if constexpr (std::is_same_v<std::decay_t<decltype(value)>, bool>)
                    return command->add_flag(setting.option, value, setting.help);
                else
                    return command->add_option(setting.option, value, setting.help);
            },
            bound.value);
        if (setting.type != engine::SettingType::Flag && setting.optionShowsDefault)
            bound.option->capture_default_str();
        if (group)
            bound.option->group(group);
    }
}

bool SettingOptions::given(const char* key) const
{
    for (const Bound& bound : m_bound)
        if (std::strcmp(bound.setting->key, key) == 0)
            return bound.option->count() > 0 && !asksForDefault(*bound.setting, bound.value);
    return false;
}

void SettingOptions::apply(engine::EvalConfig& config) const
{
    for (const Bound& bound : m_bound) {
        if (bound.option->count() == 0 || asksForDefault(*bound.setting, bound.value))
            continue;
        const engine::Setting& setting = *bound.setting;
        const engine::SettingValue value = std::visit(
            [&](const auto& parsed) -> engine::SettingValue {
                using Held = std::decay_t<decltype(parsed)>;
                if constexpr (std::is_same_v<Held, bool>)
                    return parsed != setting.optionClears;
                else if constexpr (std::is_same_v<Held, int>)
                    return int64_t{parsed};
                else if constexpr (std::is_same_v<Held, std::string>)
                    return engine::parseSettingText(setting, parsed);
                else
                    return parsed;
            },
            bound.value);
        setting.set(config, value);
    }
}

} // namespace nf::cli
