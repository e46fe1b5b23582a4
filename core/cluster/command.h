#pragma once

// Running the scheduler's programs (sbatch, squeue, sacct, scancel): by name on the PATH, with
// arguments and no shell between, their output captured.

#include <chrono>
#include <string>
#include <vector>

namespace nf::cluster {

struct CommandResult
{
    int exitCode = 0; // 128 + the signal when it was killed
    std::string out;
    std::string err;

    bool ok() const { return exitCode == 0; }
    // The last non-empty line of what it said on stderr (else stdout), for messages.
    std::string lastLine() const;
};

// Whether `program` is an executable file on the PATH.
bool onPath(const std::string& program);

// Runs argv[0] (looked up on the PATH) with `input` on its stdin and waits for it. Throws
// nf::InputError naming the program when it is not on the PATH, std::runtime_error when it cannot
// be started or outlives `timeout` (it is then killed).
CommandResult runCommand(const std::vector<std::string>& argv, const std::string& input = {},
                         std::chrono::seconds timeout = std::chrono::seconds(60));

} // namespace nf::cluster
