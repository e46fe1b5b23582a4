#include "dialogs/clustersubmission.h"

#include "cluster/jobs.h"
#include "common/error.h"
#include "engine/plan_check.h"

namespace nf::ui {

std::vector<store::JobRow> submitToCluster(store::Store& store, const ClusterRequest& request)
{
    // Every plan first: a plan that would fail on every node queues nothing.
    std::vector<cluster::Submission> submissions;
    for (const auto& plan : request.plans) {
        cluster::Submission submission;
        submission.plan = engine::checkPlanFiles(plan);
        submission.taskSeeds = cluster::splitSeeds(submission.plan.seeds, request.slurm.seedsPerTask);
        submission.slurm = request.slurm;
        submission.database = request.database;
        submissions.push_back(std::move(submission));
    }
    std::vector<store::JobRow> jobs;
    for (const auto& submission : submissions) {
        try {
            jobs.push_back(cluster::submit(store, submission, request.shardsRoot, false).job);
        } catch (const InputError& e) {
            if (jobs.empty())
                throw;
            std::string done;
            for (const auto& job : jobs)
                done += (done.empty() ? "" : ", ") + std::to_string(job.id);
            throw InputError(std::string(e.what()) + " (job" + (jobs.size() == 1 ? " " : "s ") + done +
                             " of this form were submitted before it)");
        }
    }
    return jobs;
}

} // namespace nf::ui
