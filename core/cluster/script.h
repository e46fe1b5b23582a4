#pragma once

// The batch scripts of a cluster submission (`noisefloor-cli submit --slurm`, the app's "Run on:
// Slurm cluster"): a job array with one task per seed (or chunk of seeds), each running
// `noisefloor-cli run` into a shard database of its own in node-local $TMPDIR and moving it, when
// the run ends for any reason, into its own folder in the submission's shards folder (renamed into
// place, so a shard is there whole or not at all); and a job that depends on the array and merges
// the shards into the user's database (`noisefloor-cli collect`). Pure text: nothing here runs.

#include "engine/runner.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace nf::cluster {

// What the user asks of Slurm.
struct SlurmOptions
{
    std::string partition; // empty: the cluster's default
    int gpusPerTask = 0;   // 0: none asked for
    std::string time;      // a task's time limit in Slurm's format ("2:00:00"); empty: the partition's
    int maxParallel = 0;   // tasks running at once (the array's %K); 0: no limit
    int seedsPerTask = 1;  // seeds each array task runs, one after the other
    std::vector<std::string> sbatchArgs; // more sbatch options, one per #SBATCH line (both jobs)
    // Words the nodes put before the CLI, e.g. "apptainer exec --nv /images/noisefloor.sif"
    // (written into the script as they are: shell words).
    std::string launcher;
    std::string cli; // the noisefloor-cli the nodes run (absolute; inside the container with a launcher)
};

// Everything the scripts say.
struct Submission
{
    engine::RunPlan plan; // checked (engine/plan_check.h): absolute paths, canonical task
    SlurmOptions slurm;
    std::filesystem::path database;              // absolute: where the collect job merges the shards
    std::filesystem::path shardsDir;             // this submission's own folder (absolute)
    std::vector<std::vector<int64_t>> taskSeeds; // array task i runs taskSeeds[i]
};

// The seeds in order, `perTask` to a task (the last may have fewer). Throws nf::InputError for
// perTask < 1.
std::vector<std::vector<int64_t>> splitSeeds(const std::vector<int64_t>& seeds, int perTask);

// The options of `noisefloor-cli run` that make `plan` (without its seeds): model, task, labels,
// tokenizer, adapter, --rerun and every setting of its config written out, so that the node's
// run has this config whatever the defaults are there.
std::vector<std::string> runArguments(const engine::RunPlan& plan);

// `text` as one word for bash: itself when it has only safe characters, else in single quotes.
std::string shellQuote(const std::string& text);

// Checks what goes into the scripts: paths without a newline, a double quote or a % (which
// Slurm's #SBATCH lines and file patterns cannot carry), and options without a newline. Throws
// nf::InputError naming the option.
void checkSubmission(const Submission& submission);

// The job array's script. `jobId` is the database's id of the submission (the collect job's too).
std::string arrayScript(const Submission& submission);
// The collect job's script: `cli --db DATABASE collect JOB`.
std::string collectScript(const Submission& submission, int64_t jobId);

// Where a task's output goes: SHARDS/logs/task-N.log (the collect job's: collect.log).
std::filesystem::path taskLogPath(const std::filesystem::path& shardsDir, int64_t task);
std::filesystem::path collectLogPath(const std::filesystem::path& shardsDir);

} // namespace nf::cluster
