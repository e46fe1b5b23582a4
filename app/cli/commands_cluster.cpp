// submit, jobs, collect and cancel: repeats run as a Slurm job array, each task into a shard
// database of its own, merged into this database by collecting (cluster/jobs.h).

#include "cluster/jobs.h"
#include "commands.h"
#include "common/error.h"
#include "engine/plan_check.h"
#include "output.h"
#include "run_options.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <memory>

namespace nf::cli {
namespace {

namespace fs = std::filesystem;

struct SubmitOptions
{
    bool slurm = false;
    cluster::SlurmOptions cluster;
    std::string shards;
    bool dryRun = false;
    std::vector<std::string> runOptions; // after --
};

// The noisefloor-cli the nodes run: this program, or the one beside it (or in bin/ above
// libexec/noisefloor) when this is noisefloor-engine, which needs libtorch even to collect.
std::string thisCli()
{
    std::error_code ec;
    const auto self = fs::read_symlink("/proc/self/exe", ec);
    if (ec)
        throw InputError("cannot tell where this program is (/proc/self/exe): give --cli");
    if (self.filename() == "noisefloor-cli")
        return self.string();
    for (const auto& candidate : {self.parent_path() / "noisefloor-cli",
                                  self.parent_path().parent_path().parent_path() / "bin" / "noisefloor-cli"})
        if (fs::exists(candidate, ec))
            return candidate.lexically_normal().string();
    return self.string();
}

// The run options after `--`, read as `run` reads them (same names, checks and messages).
engine::RunPlan planFromArguments(const std::vector<std::string>& arguments)
{
    RunOptions options;
    CLI::App run{"", "run"};
    addRunOptions(&run, options);
    std::vector<const char*> argv = {"run"};
    for (const auto& argument : arguments)
        argv.push_back(argument.c_str());
    try {
        run.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::ExtrasError&) {
        std::string extras;
        for (const auto& extra : run.remaining())
            extras += (extras.empty() ? "" : " ") + extra;
        throw InputError("submit: after --: not what `run` takes: " + extras +
                         " (noisefloor-cli run --help)");
    } catch (const CLI::ParseError& e) {
        throw InputError(std::string("submit: the run options after --: ") + e.what());
    }
    if (!options.resume.empty())
        throw InputError("submit: --resume cannot be submitted (resume the run on this machine with "
                         "`noisefloor-cli run --resume RUN`)");
    if (options.model.empty() || options.task.empty())
        throw InputError("submit: --model and --task are required after -- (the options `run` takes)");
    return planFrom(options);
}

std::string seedsText(const std::vector<std::vector<int64_t>>& tasks)
{
    std::vector<int64_t> seeds;
    for (const auto& task : tasks)
        seeds.insert(seeds.end(), task.begin(), task.end());
    std::string text;
    for (size_t i = 0; i < seeds.size() && i < 8; ++i)
        text += (i ? "," : "") + std::to_string(seeds[i]);
    if (seeds.size() > 8)
        text += ",... (" + std::to_string(seeds.size()) + " seeds)";
    return text;
}

int runSubmit(const GlobalOptions& global, SubmitOptions options)
{
    if (!options.slurm)
        throw InputError("submit: say where to: --slurm (the one scheduler noisefloor submits to)");
    // The same checks as `run`, before anything is written or queued.
    auto plan = engine::checkPlanFiles(planFromArguments(options.runOptions));
    cluster::Submission submission;
    submission.taskSeeds = cluster::splitSeeds(plan.seeds, options.cluster.seedsPerTask);
    submission.plan = std::move(plan);
    submission.slurm = options.cluster;
    if (submission.slurm.cli.empty())
        submission.slurm.cli = thisCli();
    submission.database = fs::absolute(databasePath(global)).lexically_normal();
    const fs::path shardsRoot =
        fs::absolute(options.shards.empty() ? submission.database.parent_path() / "shards"
                                            : fs::path(options.shards))
            .lexically_normal();
    if (!options.dryRun && !cluster::slurmAvailable())
        throw InputError(
            "submit --slurm: sbatch is not on the PATH (submit from a Slurm login node; --dry-run "
            "prints the scripts anywhere)");
    // A dry run writes nothing: a database not made yet is stood in for by an empty one. A
    // submission that sbatch refuses leaves nothing either: neither a database nor a shards folder
    // made for it.
    std::error_code ec;
    const bool databaseExisted = fs::exists(submission.database, ec);
    const bool shardsExisted = fs::exists(shardsRoot, ec);
    cluster::SubmitResult result;
    try {
        auto store = !options.dryRun   ? openStore(global, store::OpenMode::ReadWrite)
                     : databaseExisted ? openExisting(global)
                                       : store::Store(":memory:");
        result = cluster::submit(store, submission, shardsRoot, options.dryRun);
    } catch (const InputError&) {
        if (!databaseExisted)
            for (const char* suffix : {"", "-wal", "-shm"})
                fs::remove(submission.database.string() + suffix, ec);
        if (!shardsExisted && fs::is_empty(shardsRoot, ec))
            fs::remove(shardsRoot, ec);
        throw;
    }
    const auto& job = result.job;
    if (options.dryRun) {
        std::cout << "# job.sbatch\n"
                  << result.arrayScript << "\n# collect.sbatch (after the array: afterany)\n"
                  << result.collectScript << "\ndry run: nothing was submitted; the shards would go to "
                  << job.shardsDir << '\n';
        return kExitOk;
    }
    std::cout << "Submitted job " << job.id << " to Slurm: array " << job.arrayId << " (" << job.nTasks
              << (job.nTasks == 1 ? " task" : " tasks") << ", seeds " << seedsText(submission.taskSeeds)
              << ")";
    if (!job.collectId.empty())
        std::cout << ", collect job " << job.collectId << " after it";
    std::cout << ".\nShards: " << job.shardsDir << "\n";
    if (job.collectId.empty())
        std::cerr << "noisefloor-cli: warning: " << job.detail << '\n';
    std::cout << "Watch: noisefloor-cli jobs " << job.id << "    Collect now: noisefloor-cli collect "
              << job.id << "    Cancel: noisefloor-cli cancel " << job.id << '\n';
    return kExitOk;
}

// jobs, collect and cancel write (the state they see, the shards they merge) but never make a
// database: one not made yet is bad input that says how to make one.
store::Store openForJobs(const GlobalOptions& global)
{
    std::error_code ec;
    if (!fs::exists(databasePath(global), ec))
        openExisting(global); // throws, saying so
    return openStore(global, store::OpenMode::ReadWrite);
}

std::string label(const store::JobRow& job)
{
    const auto plan = cluster::jobPlan(job);
    return plan.modelLabel + " on " + plan.task;
}

nlohmann::json statusJson(const cluster::JobStatus& status)
{
    nlohmann::json tasks = nlohmann::json::array();
    for (const auto& task : status.tasks)
        tasks.push_back({{"task", task.task},
                         {"seeds", task.seeds},
                         {"state", task.state},
                         {"slurm_state", task.slurmState},
                         {"exit_code", task.exitCode ? nlohmann::json(*task.exitCode) : nlohmann::json()},
                         {"node", task.node},
                         {"message", task.message},
                         {"shard", task.shard},
                         {"collected", task.collected}});
    const auto& job = status.job;
    return {{"id", job.id},
            {"scheduler", job.scheduler},
            {"array_id", job.arrayId},
            {"collect_id", job.collectId},
            {"state", status.state},
            {"summary", status.summary()},
            {"shards_dir", job.shardsDir},
            {"n_tasks", job.nTasks},
            {"n_runs", job.nRuns},
            {"submitted_at", job.submittedAt},
            {"finished_at", status.finishedAt.empty() ? nlohmann::json() : nlohmann::json(status.finishedAt)},
            {"plan", nlohmann::json::parse(job.planJson, nullptr, false)},
            {"tasks", tasks}};
}

int runJobs(const GlobalOptions& global, int64_t jobId)
{
    // Writes the state it sees, for when the scheduler has forgotten the job.
    auto store = openForJobs(global);
    std::vector<store::JobRow> jobs;
    if (jobId > 0) {
        const auto job = store.job(jobId);
        if (!job)
            throw InputError("job " + std::to_string(jobId) + " is not in " + store.path().string() +
                             " (`noisefloor-cli jobs` lists the submissions)");
        jobs.push_back(*job);
    } else {
        jobs = store.jobs();
    }
    std::vector<cluster::JobStatus> statuses;
    for (const auto& job : jobs) {
        statuses.push_back(cluster::jobStatus(store, job));
        cluster::recordStatus(store, statuses.back());
    }
    if (global.json) {
        auto out = nlohmann::json::array();
        for (const auto& status : statuses)
            out.push_back(statusJson(status));
        std::cout << (jobId > 0 ? out.front() : out).dump(2) << '\n';
        return kExitOk;
    }
    if (statuses.empty()) {
        std::cout << "No submissions in " << store.path().string()
                  << " (noisefloor-cli submit --slurm ...).\n";
        return kExitOk;
    }
    if (jobId == 0) {
        Table table({"JOB", "SLURM", "STATE", "TASKS", "RUNS", "SUBMITTED", "WHAT"});
        for (const auto& status : statuses)
            table.addRow({std::to_string(status.job.id), status.job.arrayId, status.state, status.summary(),
                          std::to_string(status.job.nRuns), status.job.submittedAt.substr(0, 19),
                          label(status.job)});
        table.print(std::cout);
        if (std::any_of(statuses.begin(), statuses.end(), [](const auto& s) { return !s.schedulerAnswered; }))
            std::cout << "(squeue is not on this machine's PATH: states come from the shards alone)\n";
        return kExitOk;
    }
    const auto& status = statuses.front();
    std::cout << "Job " << status.job.id << " (Slurm array " << status.job.arrayId
              << (status.job.collectId.empty() ? "" : ", collect job " + status.job.collectId)
              << "): " << status.state << ", " << status.summary() << "\n"
              << label(status.job) << "\nShards: " << status.job.shardsDir << "\n\n";
    Table table({"TASK", "SEEDS", "STATE", "NODE", "EXIT", "SHARD", "MESSAGE"});
    for (const auto& task : status.tasks) {
        std::string seeds;
        for (const int64_t seed : task.seeds)
            seeds += (seeds.empty() ? "" : ",") + std::to_string(seed);
        // Slurm's word where it says more than ours ("lost (OUT_OF_MEMORY)", not "running (RUNNING)").
        std::string word = task.state;
        std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) { return std::toupper(c); });
        const bool saysMore = !task.slurmState.empty() && task.slurmState != word && task.state != "completed";
        table.addRow(
            {std::to_string(task.task), seeds, task.state + (saysMore ? " (" + task.slurmState + ")" : ""),
             task.node, task.exitCode ? std::to_string(*task.exitCode) : "-",
             task.shard.empty() ? "-" : task.shard + (task.collected ? " (collected)" : ""), task.message});
    }
    table.print(std::cout);
    return kExitOk;
}

int runCollect(const GlobalOptions& global, int64_t jobId)
{
    auto store = openForJobs(global);
    if (const auto filesystem = cluster::networkFilesystem(store.path()); !filesystem.empty())
        std::cerr << "noisefloor-cli: warning: " << store.path().string() << " is on a network filesystem ("
                  << filesystem << "): collect only where no other machine has it open (docs/cluster.md)\n";
    std::vector<int64_t> ids;
    if (jobId > 0) {
        ids.push_back(jobId);
    } else {
        for (const auto& job : store.jobs())
            ids.push_back(job.id);
        if (ids.empty()) {
            std::cout << "No submissions in " << store.path().string() << ".\n";
            return kExitOk;
        }
    }
    int code = kExitOk;
    for (const int64_t id : ids) {
        const auto result = cluster::collect(store, id);
        const auto job = *store.job(id);
        std::cout << "job " << id << ": ";
        if (result.shardsMerged == 0)
            std::cout << "no new shards";
        else
            std::cout << "merged " << result.shardsMerged << (result.shardsMerged == 1 ? " shard" : " shards")
                      << ", " << result.runsAdded << (result.runsAdded == 1 ? " run" : " runs") << " added";
        if (result.runsAlreadyHere > 0)
            std::cout << ", " << result.runsAlreadyHere << " already here";
        if (result.runsNotCompleted > 0)
            std::cout << ", " << result.runsNotCompleted << " that did not complete left out";
        if (result.shardsWithoutRuns > 0)
            std::cout << ", " << result.shardsWithoutRuns << " from tasks that stored no run";
        std::cout << " (" << job.state << ": " << job.detail << ")\n";
        if (!result.groups.empty()) {
            std::cout << "  groups:";
            for (const int64_t group : result.groups)
                std::cout << ' ' << group;
            std::cout << " (`noisefloor-cli summary GROUP`)\n";
        }
        for (const auto& problem : result.problems) {
            std::cerr << "noisefloor-cli: failed: job " << id << ": " << problem << '\n';
            code = kExitFailure;
        }
    }
    std::cout << "Database: " << store.path().string() << '\n';
    return code;
}

} // namespace

void addClusterCommands(CLI::App& app, GlobalOptions& global, Action& action)
{
    auto options = std::make_shared<SubmitOptions>();
    auto* submit = app.add_subcommand(
        "submit", "Run seeded repeats on a Slurm cluster as a job array (one shard database per task, merged "
                  "into this database by a collect job): submit --slurm [OPTIONS] -- RUN-OPTIONS");
    submit->add_flag("--slurm", options->slurm, "Submit to Slurm with sbatch")->required();
    submit->add_option("--partition", options->cluster.partition, "Partition (default: the cluster's)");
    submit->add_option("--gpus-per-task", options->cluster.gpusPerTask, "GPUs for each array task")
        ->capture_default_str();
    submit->add_option("--time", options->cluster.time, "Time limit of each task, e.g. 2:00:00");
    submit->add_option("--max-parallel", options->cluster.maxParallel, "Tasks running at once (0: no limit)")
        ->capture_default_str();
    submit
        ->add_option("--seeds-per-task", options->cluster.seedsPerTask, "Seeds each array task runs in turn")
        ->capture_default_str();
    submit->add_option("--sbatch-arg", options->cluster.sbatchArgs,
                       "Another sbatch option for both jobs, e.g. --sbatch-arg=--account=lab (repeatable)");
    submit->add_option("--shards", options->shards,
                       "Folder for the shards, on storage every node and this machine see (default: shards/ "
                       "beside the database)")
        ->type_name("DIR");
    submit->add_option("--launcher", options->cluster.launcher,
                       "Words before the CLI on the nodes, e.g. \"apptainer exec --nv noisefloor.sif\"");
    submit->add_option(
        "--cli", options->cluster.cli,
        "The noisefloor-cli the nodes run (default: this one; inside the container with --launcher)")
        ->type_name("FILE");
    submit->add_flag("--dry-run", options->dryRun, "Print the two scripts; submit nothing");
    submit->add_option("RUN-OPTIONS", options->runOptions, "After --: the options `run` takes")->required();
    submit->callback(
        [&global, &action, options] { action = [&global, options] { return runSubmit(global, *options); }; });

    auto jobId = std::make_shared<int64_t>(0);
    auto* jobs =
        app.add_subcommand("jobs", "List cluster submissions and their tasks' states (squeue, sacct and "
                                   "the shards); with JOB, its tasks one by one");
    jobs->add_option("JOB", *jobId, "A submission's id (from submit or jobs)");
    jobs->callback(
        [&global, &action, jobId] { action = [&global, jobId] { return runJobs(global, *jobId); }; });

    auto collectId = std::make_shared<int64_t>(0);
    auto* collect = app.add_subcommand(
        "collect", "Merge the shards that cluster tasks have finished into this database (completed runs; "
                   "a shard merged twice adds nothing)");
    collect->add_option("JOB", *collectId, "A submission's id (default: every submission)");
    collect->callback([&global, &action, collectId] {
        action = [&global, collectId] { return runCollect(global, *collectId); };
    });

    auto cancelId = std::make_shared<int64_t>(0);
    auto* cancel = app.add_subcommand(
        "cancel", "Cancel a cluster submission's array (scancel): runs in flight are stored as cancelled, "
                  "completed runs are kept and still collected");
    cancel->add_option("JOB", *cancelId, "A submission's id")->required();
    cancel->callback([&global, &action, cancelId] {
        action = [&global, cancelId] {
            auto store = openForJobs(global);
            cluster::cancel(store, *cancelId);
            std::cout << "Cancelled job " << *cancelId << " (Slurm array " << store.job(*cancelId)->arrayId
                      << "); its collect job still merges what completed.\n";
            return kExitOk;
        };
    });
}

} // namespace nf::cli
