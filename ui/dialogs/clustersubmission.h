#pragma once

// What New evaluation's Submit does off the GUI thread: every plan checked as `run` checks it
// (engine::checkPlanFiles: the model, the task files, the tokenizer), then one job array per
// plan submitted with cluster::submit and recorded in the database. The same steps as
// `noisefloor-cli submit --slurm`.

#include "cluster/script.h"
#include "engine/runner.h"
#include "store/store.h"

#include <filesystem>
#include <vector>

namespace nf::ui {

struct ClusterRequest
{
    std::vector<engine::RunPlan> plans;
    cluster::SlurmOptions slurm;      // its cli set (absolute)
    std::filesystem::path database;   // absolute: where the collect job merges the shards
    std::filesystem::path shardsRoot; // absolute: each submission makes its own folder in it
};

// The jobs as recorded, one per plan. Nothing is submitted unless every plan passes its checks.
// Throws nf::InputError with the check's or sbatch's message; when a later plan is refused after
// earlier ones were queued, the message names the jobs already submitted.
std::vector<store::JobRow> submitToCluster(store::Store& store, const ClusterRequest& request);

} // namespace nf::ui
