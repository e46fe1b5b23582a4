#include "setting_options.h"

#include <climits>

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
            return bound.option->count() > 0;
    return false;
}

void SettingOptions::apply(engine::EvalConfig& config) const
{
    for (const Bound& bound : m_bound) {
        if (bound.option->count() == 0)
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
        // Here, before a model or a task is read, and named as the user typed it.
        engine::checkSettingValue(setting, value, setting.option);
        setting.set(config, value);
    }
}

} // namespace nf::cli
