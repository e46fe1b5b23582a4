// The text of a submission's two batch scripts.

#include "cluster/script.h"

#include "common/error.h"
#include "engine/settings.h"

#include <sstream>

namespace nf::cluster {
namespace {

// A value on an #SBATCH line: in double quotes when it has a space (sbatch reads quoted values
// there; checkSubmission refuses what quotes cannot carry).
std::string sbatchValue(const std::string& value)
{
    if (value.find_first_of(" \t'\\") == std::string::npos)
        return value;
    return "\"" + value + "\"";
}

std::string joinSeeds(const std::vector<int64_t>& seeds)
{
    std::string text;
    for (const int64_t seed : seeds)
        text += (text.empty() ? "" : ",") + std::to_string(seed);
    return text;
}

void checkPath(const std::filesystem::path& path, const std::string& what)
{
    const auto text = path.string();
    if (text.find_first_of("\n\r\"%") != std::string::npos)
        throw InputError(what + " " + text +
                         ": a path with a newline, a double quote or a % cannot go into a Slurm script");
}

void checkWord(const std::string& text, const std::string& what)
{
    if (text.find_first_of("\n\r") != std::string::npos)
        throw InputError(what + ": a newline cannot go into a Slurm script");
}

// The #SBATCH lines both jobs share.
void commonDirectives(std::ostream& out, const SlurmOptions& slurm)
{
    if (!slurm.partition.empty())
        out << "#SBATCH --partition=" << sbatchValue(slurm.partition) << '\n';
    for (const auto& arg : slurm.sbatchArgs)
        out << "#SBATCH " << arg << '\n';
}

// The command that starts the CLI on a node: the launcher's words, then the CLI quoted.
std::string cliCommand(const SlurmOptions& slurm)
{
    return (slurm.launcher.empty() ? "" : slurm.launcher + " ") + shellQuote(slurm.cli);
}

} // namespace

std::vector<std::vector<int64_t>> splitSeeds(const std::vector<int64_t>& seeds, int perTask)
{
    if (perTask < 1)
        throw InputError("--seeds-per-task: " + std::to_string(perTask) + " must be 1 or more");
    std::vector<std::vector<int64_t>> tasks;
    for (size_t i = 0; i < seeds.size(); i += static_cast<size_t>(perTask)) {
        const auto end = std::min(seeds.size(), i + static_cast<size_t>(perTask));
        tasks.emplace_back(seeds.begin() + static_cast<std::ptrdiff_t>(i),
                           seeds.begin() + static_cast<std::ptrdiff_t>(end));
    }
    return tasks;
}

std::vector<std::string> runArguments(const engine::RunPlan& plan)
{
    std::vector<std::string> args = {"--model", plan.modelPath, "--task", plan.taskSpec};
    auto add = [&](const char* option, const std::string& value) {
        if (!value.empty()) {
            args.emplace_back(option);
            args.push_back(value);
        }
    };
    add("--model-label", plan.modelLabel);
    add("--label", plan.label);
    add("--tokenizer", plan.tokenizerPath);
    add("--adapter", plan.adapterPath);
    if (plan.rerun)
        args.emplace_back("--rerun");
    for (const auto& setting : engine::settings()) {
        if (!setting.option || setting.derived || !setting.appliesTo(plan.config))
            continue;
        const auto value = setting.get(plan.config);
        if (!value)
            continue; // unset until given (normalize, special tokens)
        if (setting.type == engine::SettingType::Flag) {
            // A flag's option sets it, or clears it (--no-prefix-cache): written only when it
            // says what the value is, since without it the value is the other one.
            if (std::get<bool>(*value) != setting.optionClears)
                args.emplace_back(setting.option);
            continue;
        }
        args.emplace_back(setting.option);
        args.push_back(engine::settingText(setting, *value));
    }
    return args;
}

std::string shellQuote(const std::string& text)
{
    if (!text.empty() && text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                "0123456789_-+=./:,@%") == std::string::npos)
        return text;
    std::string quoted = "'";
    for (const char c : text) {
        if (c == '\'')
            quoted += "'\\''";
        else
            quoted += c;
    }
    return quoted + "'";
}

void checkSubmission(const Submission& submission)
{
    checkPath(submission.shardsDir, "--shards");
    checkPath(submission.database, "--db");
    checkWord(submission.slurm.cli, "--cli");
    checkWord(submission.slurm.launcher, "--launcher");
    checkWord(submission.slurm.partition, "--partition");
    checkWord(submission.slurm.time, "--time");
    if (submission.slurm.partition.find('"') != std::string::npos)
        throw InputError("--partition " + submission.slurm.partition +
                         ": a double quote cannot go into a Slurm script");
    for (const auto& arg : submission.slurm.sbatchArgs) {
        checkWord(arg, "--sbatch-arg");
        if (!arg.starts_with("-"))
            throw InputError("--sbatch-arg " + arg + ": an sbatch option starts with - (e.g. --account=lab)");
    }
    for (const auto& arg : runArguments(submission.plan))
        checkWord(arg, "a run option");
    if (submission.slurm.gpusPerTask < 0)
        throw InputError("--gpus-per-task: " + std::to_string(submission.slurm.gpusPerTask) +
                         " must be 0 or more");
    if (submission.slurm.maxParallel < 0)
        throw InputError("--max-parallel: " + std::to_string(submission.slurm.maxParallel) +
                         " must be 0 (no limit) or more");
    if (submission.taskSeeds.empty())
        throw InputError("seeds: at least one seed is needed");
}

std::filesystem::path taskLogPath(const std::filesystem::path& shardsDir, int64_t task)
{
    return shardsDir / "logs" / ("task-" + std::to_string(task) + ".log");
}

std::filesystem::path collectLogPath(const std::filesystem::path& shardsDir)
{
    return shardsDir / "logs" / "collect.log";
}

std::string arrayScript(const Submission& submission)
{
    checkSubmission(submission);
    const auto& slurm = submission.slurm;
    const auto& plan = submission.plan;
    const size_t tasks = submission.taskSeeds.size();
    std::ostringstream out;
    out << "#!/bin/bash\n"
        << "# noisefloor: " << plan.modelLabel << " on " << plan.taskSpec << ", "
        << (tasks == 1 ? std::string("1 array task") : std::to_string(tasks) + " array tasks") << ".\n"
        << "# Written by noisefloor-cli submit. Each task runs its seeds into a database of its own in\n"
        << "# node-local $TMPDIR and, however the run ends, moves it into a folder of its own in the\n"
        << "# shards folder (renamed into place: there whole or not at all). `noisefloor-cli collect`\n"
        << "# merges the shards into the database; several nodes never write one SQLite file.\n"
        << "#SBATCH --job-name=noisefloor\n"
        << "#SBATCH --array=0-" << tasks - 1;
    if (slurm.maxParallel > 0)
        out << '%' << slurm.maxParallel;
    out << "\n#SBATCH --ntasks=1\n";
    if (slurm.gpusPerTask > 0)
        out << "#SBATCH --gpus-per-task=" << slurm.gpusPerTask << '\n';
    if (!slurm.time.empty())
        out << "#SBATCH --time=" << sbatchValue(slurm.time) << '\n';
    out << "#SBATCH --output=" << sbatchValue((submission.shardsDir / "logs" / "task-%a.log").string())
        << '\n';
    commonDirectives(out, slurm);
    out << "\nset -u\n"
        << "shards=" << shellQuote(submission.shardsDir.string()) << '\n'
        << "seeds_of_task=(";
    for (size_t i = 0; i < tasks; ++i)
        out << (i == 0 ? "" : " ") << joinSeeds(submission.taskSeeds[i]);
    out << ")\n"
        << "task=${SLURM_ARRAY_TASK_ID:?this script runs as a task of a Slurm job array}\n"
        << "seeds=${seeds_of_task[$task]}\n"
        << "name=task-$task\n"
        << "[ \"${SLURM_RESTART_COUNT:-0}\" = 0 ] || name=$name.r$SLURM_RESTART_COUNT\n"
        << "work=$(mktemp -d \"${TMPDIR:-/tmp}/noisefloor-$name.XXXXXX\") || exit 1\n"
        << "started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)\n"
        << "# Slurm signals the run itself on scancel or at the time limit: it stores the run in flight\n"
        << "# as cancelled and exits; this shell then saves the shard.\n"
        << "signalled=0\n"
        << "trap 'signalled=1' TERM INT\n"
        << cliCommand(slurm) << " --db \"$work/shard.sqlite\" run --seeds \"$seeds\"";
    // One option to a line, with its value.
    const auto args = runArguments(plan);
    for (size_t i = 0; i < args.size(); ++i)
        out << (args[i].starts_with("--") ? " \\\n    " : " ") << shellQuote(args[i]);
    out << "\nexit_code=$?\n"
        << "partial=$shards/.partial-$name-$$\n"
        << "mkdir -p \"$partial\" || exit 1\n"
        << "# The write-ahead log too when the run was killed before it could fold it in.\n"
        << "for file in \"$work/shard.sqlite\" \"$work/shard.sqlite-wal\"; do\n"
        << "    [ -e \"$file\" ] && { cp \"$file\" \"$partial/\" || exit 1; }\n"
        << "done\n"
        << "printf '%s\\n' \"task=$task\" \"seeds=$seeds\" \"exit_code=$exit_code\" \"signalled=$signalled\" "
           "\\\n"
        << "    \"node=${SLURMD_NODENAME:-$(hostname)}\" \"job_id=${SLURM_JOB_ID:-}\" \\\n"
        << "    \"started_at=$started_at\" \"finished_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)\" > "
           "\"$partial/status\"\n"
        << "mv -T \"$partial\" \"$shards/$name\" || mv -T \"$partial\" \"$shards/$name.$$\" || exit 1\n"
        << "rm -rf \"$work\"\n"
        << "exit $exit_code\n";
    return out.str();
}

std::string collectScript(const Submission& submission, int64_t jobId)
{
    checkSubmission(submission);
    std::ostringstream out;
    out << "#!/bin/bash\n"
        << "# noisefloor: merges the shards of submission " << jobId << " into "
        << submission.database.string() << "\n"
        << "# once every array task has ended (--dependency=afterany).\n"
        << "#SBATCH --job-name=noisefloor-collect\n"
        << "#SBATCH --ntasks=1\n"
        << "#SBATCH --output=" << sbatchValue(collectLogPath(submission.shardsDir).string()) << '\n';
    commonDirectives(out, submission.slurm);
    out << "\nexec " << cliCommand(submission.slurm) << " --db " << shellQuote(submission.database.string())
        << " collect " << jobId << '\n';
    return out.str();
}

} // namespace nf::cluster
