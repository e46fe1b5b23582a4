#pragma once

// The table of evaluation settings: every knob of an EvalConfig declared once, with its name,
// type, range, help and where it counts. The canonical JSON, parsing stored params, validation,
// the group's one-line description, the CLI's options and the New evaluation form all read it.
//
// Adding a setting: its field in EvalConfig (or LanguageModelOptions) with its default, one entry
// in settings.cpp with `addedLater` set (so that the groups users already stored keep their bytes
// and still read), and its use in the engine.

#include "engine/config.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace nf::engine {

enum class SettingType {
    Flag,       // bool
    Integer,    // int64_t
    Number,     // double
    Choice,     // one of `choices`, held as its word
    Text,       // std::string
    NumberPair, // two numbers, written "A,B" (normalize's MEAN,STD)
};

// Whether another value makes another config group.
enum class SettingScope {
    Group,       // in the canonical JSON: another value is another group
    Environment, // changes how fast, not what comes out: recorded with the run's environment
};

// Which configs have the setting (in the canonical JSON, on the form).
enum class SettingUse {
    Always,
    Sampling,      // decoding = sample
    LanguageModel, // a causal language model on a multiple-choice task
    Classifier,    // an image classifier (not a language model)
};

// How the group's one-line description (workspace::describeParams) shows a setting.
enum class SettingDescription {
    KeyValue, // ", key=value" when the value is not the default
    Phrased,  // in words of its own, written in describe_params.cpp ("bs 256", "MC-dropout")
    Hidden,   // not shown
};

using SettingValue = std::variant<bool, int64_t, double, std::string, std::pair<double, double>>;

// The valid values of an Integer or a Number, and what the error says about a value outside.
struct SettingRange
{
    double minimum = -1e300;
    bool minimumExcluded = false;
    double maximum = 1e300;
    std::string rule; // "must be from 1 to 65536": follows "key: value " in the error
};

struct Setting
{
    const char* key; // the canonical JSON's key, also what errors and the description call it
    SettingType type;
    SettingScope scope = SettingScope::Group;
    SettingUse use = SettingUse::Always;
    // Filled by the evaluation from the files it reads (a tokenizer's hash): no option, no field.
    bool derived = false;
    std::vector<std::string> choices = {}; // Choice: its enum's words, in the enum's order
    SettingRange range = {};               // Integer, Number
    // The most a form's spin box offers, where less than the range allows (0: the range's maximum).
    double formMaximum = 0;
    // The CLI: the option and its help. A Flag whose option turns it off ("--no-prefix-cache")
    // sets `optionClears`; `optionShowsDefault` prints the default after the help, for settings
    // whose default does not depend on the model or the template.
    const char* option = nullptr;
    const char* help = "";
    // The form's tooltip, where the help is about the command line; none: the help.
    const char* about = nullptr;
    bool optionClears = false;
    bool optionShowsDefault = true;
    SettingDescription description = SettingDescription::KeyValue;
    // A setting added after users stored groups (every setting added from now on): left out of
    // the canonical JSON while it has its default, and read as its default from a stored text
    // that lacks it, so the groups stored before it keep their hash and still load.
    bool addedLater = false;

    // The value in a config; none when the config does not have it (an unset normalize, a
    // language model's knob on a classifier, empty special tokens).
    std::optional<SettingValue> (*get)(const EvalConfig& config) = nullptr;
    // Sets the value (a language model's knob makes the config a language model's). Throws
    // nf::InputError naming the key when a Choice's word is not one of its choices.
    void (*set)(EvalConfig& config, const SettingValue& value) = nullptr;
    // A check beyond the range (device names); throws nf::InputError naming the key.
    void (*check)(const SettingValue& value) = nullptr;

    // The value of a config made with no options: EvalConfig's and LanguageModelOptions' own.
    // None for a setting that is unset until given (normalize, special tokens): such a setting is
    // in the canonical JSON only when set.
    std::optional<SettingValue> defaultValue() const;
    bool appliesTo(const EvalConfig& config) const;
};

// Whether `value` of `setting` is written into a group's canonical JSON (addedLater: not at its
// default).
bool inCanonicalJson(const Setting& setting, const SettingValue& value);
// Whether a stored text without the key may stand for the setting's default (unset until given,
// or added later).
bool absentMeansDefault(const Setting& setting);

// Every setting, in the order the CLI's help lists them.
const std::vector<Setting>& settings();
// The setting with that key; throws std::out_of_range for a key that is not in the table.
const Setting& setting(std::string_view key);

// A value as a person types it: "256", "0.7", "greedy", "0.286,0.353", "true".
std::string settingText(const Setting& setting, const SettingValue& value);
// The text of a value, read as the setting's type; throws nf::InputError naming the key.
SettingValue parseSettingText(const Setting& setting, const std::string& text);
// Throws nf::InputError naming the key (or `name`, where given: the CLI's option) when the value
// is outside the setting's range or fails its check.
void checkSettingValue(const Setting& setting, const SettingValue& value, std::string_view name = {});

// The most items per forward: more than any task's split holds (Fashion-MNIST's test split is
// 10,000 items, MMLU's largest subject 1,534), far below what makes a batch's buffers overflow.
inline constexpr int64_t kMaxBatchSize = 65536;
// The most threads --threads takes: 4 per core (hardware_concurrency; at least 4). More only
// costs memory and time slices, and tens of thousands of threads exhaust the machine.
int64_t maxThreads();

} // namespace nf::engine
