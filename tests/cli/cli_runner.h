#pragma once

// Runs the noisefloor-cli binary as a user would, in a scratch folder that is also its
// XDG_DATA_HOME, and captures its exit code, standard output and standard error.

#include "cli/shell.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>

namespace nf::test {

struct CliResult
{
    int code = -1;
    std::string out;
    std::string err;
};

// `asUser` prefixes the command (e.g. setpriv to run as another user); `binary` is noisefloor-cli
// unless a test names noisefloor-engine itself.
inline CliResult runCli(const std::filesystem::path& dir, const std::vector<std::string>& args,
                        const std::string& asUser = {}, const std::string& binary = NF_CLI_PATH)
{
    std::string command =
        "XDG_DATA_HOME=" + shellQuote(dir.string()) + " " + asUser + shellQuote(binary);
    for (const auto& arg : args)
        command += " " + shellQuote(arg);
    command += " >" + shellQuote((dir / "out.txt").string()) + " 2>" + shellQuote((dir / "err.txt").string());
    const int status = std::system(command.c_str());
    CliResult result;
    result.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = readFile(dir / "out.txt");
    result.err = readFile(dir / "err.txt");
    return result;
}

} // namespace nf::test
