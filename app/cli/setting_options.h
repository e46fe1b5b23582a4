#pragma once

// The CLI's options for the evaluation settings (engine/settings.h): one per setting, named,
// typed, explained and defaulted by its entry in the table.

#include "engine/settings.h"

#include <CLI/CLI.hpp>

#include <list>
#include <string>
#include <variant>

namespace nf::cli {

class SettingOptions
{
public:
    // Adds the options of the language model's settings, or of the others, in the table's order;
    // `group` names their section of the help (null: the command's own options).
    void add(CLI::App* command, bool languageModel, const char* group = nullptr);
    // Sets every setting given on the command line; the others keep the config's values.
    // Throws nf::InputError naming the option for a value outside the setting's range.
    void apply(engine::EvalConfig& config) const;
    // Whether the option was given. Not giving it is the one way to ask for a default that depends
    // on the model or the template: a given value out of the setting's range (--batch-size 0,
    // --n-shot -1, --shots "") is refused, not read as "default".
    bool given(const char* key) const;

private:
    struct Bound
    {
        const engine::Setting* setting = nullptr;
        CLI::Option* option = nullptr;
        // What CLI11 parses into: its type gives the help's INT, FLOAT or TEXT and the errors
        // for a value that is not a number.
        std::variant<bool, int, int64_t, double, std::string> value;
    };
    std::list<Bound> m_bound; // CLI11 keeps pointers to the values
};

} // namespace nf::cli
