// noisefloor-cli: headless seeded evaluation repeats for GPU servers, scripts and CI.

#include "commands.h"
#ifndef NF_CLI_READS_ONLY
#include "cli_docs.h"
#endif
#include "common/error.h"
#include "common/paths.h"
#include "env/environment.h"
#include "nf/version.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string_view>

#include <unistd.h>

#ifdef NF_CLI_READS_ONLY
namespace {

// Whether the command on this line is one this build has (it links no engine, so it registers
// only the commands that read and analyse); everything else is noisefloor-engine's.
bool answeredHere(CLI::App& app, int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--db")
            ++i; // its value
        else if (arg == "--json" || arg.starts_with("--db="))
            continue;
        else if (arg.starts_with('-'))
            return false;
        else
            return !app.get_subcommands([&](CLI::App* command) { return command->check_name(std::string(arg)); })
                        .empty();
    }
    return false;
}

// Replaces this process by noisefloor-engine with the same arguments (so a signal, the exit code
// and the output are the engine's own); returns only when it cannot be started.
int runEngine(char** argv)
{
    std::error_code error;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    const auto here = self.parent_path();
    const std::filesystem::path candidates[] = {here / "noisefloor-engine",
                                                here.parent_path() / "libexec" / "noisefloor" / "noisefloor-engine"};
    // execv itself decides (access() would judge by the real user, not by what exec may do).
    for (const auto& engine : candidates) {
        ::execv(engine.c_str(), argv);
        if (errno != ENOENT) {
            std::cerr << "noisefloor-cli: failed: cannot start " << engine.string() << ": " << std::strerror(errno)
                      << '\n';
            return nf::cli::kExitFailure;
        }
    }
    std::cerr << "noisefloor-cli: failed: noisefloor-engine, which runs evaluations, is neither at "
              << candidates[0].string() << " nor at " << candidates[1].string() << " (reinstall noisefloor)\n";
    return nf::cli::kExitFailure;
}

} // namespace
#endif

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
    app.add_option("--db", global.db, "SQLite database (default: $XDG_DATA_HOME/noisefloor/runs.sqlite)")
        ->type_name("FILE");
    app.add_flag("--json", global.json,
                 "Machine-readable output on read commands (accuracies as fractions 0-1)");

    nf::cli::Action action;
#ifndef NF_CLI_READS_ONLY
    nf::cli::addRunCommands(app, global, action);
#endif
    nf::cli::addReadCommands(app, global, action);
    nf::cli::addStatsCommands(app, global, action);
    nf::cli::addImportCommand(app, global, action);
    nf::cli::addMergeCommand(app, global, action);
    nf::cli::addClusterCommands(app, global, action);
    nf::cli::addTokenizeCommand(app, global, action);
#ifndef NF_CLI_READS_ONLY
    nf::cli::addDoctorCommand(app, global, action);
    // Last: they describe the whole tree above.
    nf::cli::addDocsCommands(app, action);
#else
    if (!answeredHere(app, argc, argv))
        return runEngine(argv);
#endif

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : nf::cli::kExitBadInput;
    }
    try {
        // Before a command loads anything: a FIFO as --db would block SQLite's open.
        if (action) {
            const auto database = nf::cli::databasePath(global);
            if (const auto kind = nf::specialFileKind(database); !kind.empty())
                throw nf::InputError("--db " + database + " is " + kind + ", not a database file");
        }
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
