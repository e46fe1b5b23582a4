#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace nf::store {
class Store;
}

namespace nf::cli {

struct GlobalOptions
{
    std::string db;    // --db; empty = the default path
    bool json = false; // --json on read commands
};

// What a parsed subcommand does; returns the process exit code.
using Action = std::function<int()>;

// Each adds its subcommands to `app`; the chosen one stores its work in `action`.
void addRunCommands(CLI::App& app, GlobalOptions& global, Action& action);   // run, demo, reproduce
void addReadCommands(CLI::App& app, GlobalOptions& global, Action& action);  // list, groups, show, export
void addDoctorCommand(CLI::App& app, GlobalOptions& global, Action& action); // doctor

std::string databasePath(const GlobalOptions& global);

// Exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitCancelled = 130;

} // namespace nf::cli
