#pragma once

#include "store/store.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

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
void addStatsCommands(CLI::App& app, GlobalOptions& global,
                      Action& action); // summary, compare, zones, pin, unpin
void addCompareCommand(CLI::App& app, GlobalOptions& global, Action& action); // compare (by addStatsCommands)
void addImportCommand(CLI::App& app, GlobalOptions& global, Action& action); // import
void addTokenizeCommand(CLI::App& app, GlobalOptions& global, Action& action); // tokenize
void addMergeCommand(CLI::App& app, GlobalOptions& global, Action& action); // merge
void addClusterCommands(CLI::App& app, GlobalOptions& global,
                        Action& action); // submit, jobs, collect, cancel

std::string databasePath(const GlobalOptions& global);

// Opens the database named by --db. A database that cannot be opened is bad input (exit 2,
// nothing written); a store error later, in the middle of a run, is a failure (exit 1).
store::Store openStore(const GlobalOptions& global, store::OpenMode mode);
// Opens an existing database read-only; a missing one is bad input that says how to make one. A
// file of an older schema is upgraded in place when it can be written and `mayUpgrade` (saying so
// on stderr), else read through a copy upgraded in memory (saying so too).
store::Store openExisting(const GlobalOptions& global, bool mayUpgrade = true);

// Exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadInput = 2;

} // namespace nf::cli
