#pragma once

// The documentation that ships with the CLI (man pages, bash completion), generated from the same
// CLI11 definitions that parse the command line: neither can list an option the program does not
// take, nor miss one it does.

#include "commands.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace nf::cli {

// The values an option's description lists as "a | b | c ..." at its start, each alternative's
// first word: "fp32 | bf16 | fp16 (fp16 on CUDA only)" gives fp32, bf16, fp16. Placeholders with
// capitals (cuda:N) are left out. Empty when the description lists no choice.
std::vector<std::string> listedChoices(const std::string& description);

// Writes noisefloor-cli.1 (the global options, every command, exit status, files, environment)
// and noisefloor-cli-COMMAND.1 for each command into `folder`; returns the files, in that order.
std::vector<std::filesystem::path> writeManPages(const CLI::App& app, const std::filesystem::path& folder);

// A bash completion script for noisefloor-cli: commands, each command's options, the choices its
// descriptions list, files and folders where an option or argument names one (type FILE, DIR or
// PATH). Works with bash-completion's helpers when they are loaded, and without them.
void writeBashCompletion(const CLI::App& app, std::ostream& out);

// `completion bash` (prints the script) and the hidden `man-pages DIR`, which the build runs.
void addDocsCommands(CLI::App& app, Action& action);

} // namespace nf::cli
