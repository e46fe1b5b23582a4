// noisefloor-cli: headless seeded evaluation repeats for GPU servers, scripts and CI.

#include "commands.h"
#include "common/error.h"
#include "env/environment.h"
#include "nf/version.h"

#include <iostream>

int main(int argc, char** argv)
{
    // Before anything can touch CUDA: cuBLAS reads it once, at its first handle.
    nf::env::ensureCublasWorkspaceConfig();

    CLI::App app{
        "noisefloor-cli: seeded evaluation repeats, stored in SQLite, to tell run-to-run noise from a "
        "real change",
        "noisefloor-cli"};
    app.require_subcommand(1);
    // The global options after the command as well (`noisefloor-cli groups --json`, as gh, kubectl
    // and git take them): a subcommand hands what it does not know to the program.
    app.fallthrough();
    app.set_version_flag("--version",
                         std::string("noisefloor ") + nf::kVersion + " (" + nf::kGitCommit + ")");
    nf::cli::GlobalOptions global;
    app.add_option("--db", global.db, "SQLite database (default: $XDG_DATA_HOME/noisefloor/runs.sqlite)");
    app.add_flag("--json", global.json,
                 "Machine-readable output on read commands (accuracies as fractions 0-1)");

    nf::cli::Action action;
    nf::cli::addRunCommands(app, global, action);
    nf::cli::addReadCommands(app, global, action);
    nf::cli::addStatsCommands(app, global, action);
    nf::cli::addImportCommand(app, global, action);
    nf::cli::addMergeCommand(app, global, action);
    nf::cli::addTokenizeCommand(app, global, action);
    nf::cli::addDoctorCommand(app, global, action);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : nf::cli::kExitBadInput;
    }
    try {
        return action ? action() : nf::cli::kExitOk;
    } catch (const nf::InputError& e) {
        std::cerr << "noisefloor-cli: error: " << e.what() << '\n';
        return nf::cli::kExitBadInput;
    } catch (const nf::StoreError& e) {
        // Opening errors arrive as InputError; this is the database failing mid-way (a full disk).
        // Runs committed before it are kept.
        std::cerr << "noisefloor-cli: failed: " << e.what() << '\n';
        return nf::cli::kExitFailure;
    } catch (const std::exception& e) {
        std::cerr << "noisefloor-cli: failed: " << e.what() << '\n';
        return nf::cli::kExitFailure;
    }
}
