#pragma once

// Settings' values in JSON (the canonical params and what describes them). Kept out of
// settings.h, which the form and the CLI include, so that they do not parse nlohmann's header.

#include "engine/settings.h"

#include <nlohmann/json.hpp>

namespace nf::engine {

// A value as the canonical JSON holds it: numbers as numbers, words as strings, a pair as [A, B].
nlohmann::json settingJson(const SettingValue& value);
// The JSON value of a setting read as its type; throws nlohmann::json::exception when it is not.
SettingValue settingFromJson(const Setting& setting, const nlohmann::json& value);

} // namespace nf::engine
