#pragma once

// Plans built from the store for runs that continue a stored one: "Resume run" (the app) and
// `noisefloor-cli run --resume RUN` continue an interrupted, cancelled or failed run in place, "Run
// N more repeats" (morePlansForGroup) adds runs to a group. One set of checks and messages for
// both front ends. No torch here.

#include "engine/runner.h"
#include "store/run_status.h"

#include <cstdint>
#include <string>

namespace nf::store {
class Store;
struct ModelRow;
struct RunRow;
} // namespace nf::store

namespace nf::engine {

// Whether the run browser offers "Resume run" for a run of this status and source.
bool canResume(store::RunStatus status, store::RunSource source);

// The plan that resumes `runId`: its group's model path and label, task spec and config (from the
// stored params), its seed and label, resumeRun set, the LoRA adapter the run merged into a model
// folder ("engine.adapter"), and for a language model the tokenizer the run used (the
// environment's "engine.tokenizer" when that file is still there, else the model's own). Checks
// that the model and adapter are there and that a model file and the tokenizer have the bytes the
// run used, but reads no model folder's weights (gigabytes): checkResumable compares those on the
// evaluation thread. Throws nf::InputError naming the run and what is wrong: not in the store,
// imported, completed or still running, its model or adapter gone, its model file changed, its
// tokenizer gone or another. `tokenizer`: another copy of the run's tokenizer.json to use (the
// CLI's --tokenizer), checked to have the bytes the run used.
RunPlan resumePlanForRun(const store::Store& store, int64_t runId, const std::string& tokenizer = {});

// Checks, quickly enough for the GUI thread, that a group's `model` (a file, or a folder with its
// config.json) and the `adapter` a run of it merged in (empty: none) are still there, and that a
// model file has the sha256 the group was run with. A folder's weights are not read: the loaded
// evaluation is compared on the evaluation thread (checkSameFilesAsGroup). Throws nf::InputError
// naming the missing or changed path; `what` names the run or group, `toDo` what putting a
// missing one back allows ("resume"), `ifChanged` what a change would do.
void checkModelAndAdapter(const store::ModelRow& model, const std::string& adapter, const std::string& what,
                          const std::string& toDo, const std::string& ifChanged);

// The tokenizer.json for more runs like `run` (a language-model run of a group whose config is
// `config`): the one its environment records ("engine.tokenizer") when that file is still there,
// else empty for the model's own (tokenizer.json in a model folder, or beside a model file).
// Throws nf::InputError naming the file when neither exists or the file has other bytes than the
// group's tokenizer (it would give other prompts). `what` names the run or group in messages.
std::string tokenizerForMoreRuns(const store::Store& store, const store::RunRow& run,
                                 const EvalConfig& config, const std::string& modelPath,
                                 const std::string& what);

// "Run N more repeats" of a group: one plan with the group's model path and label, task spec and
// config (from its stored params), and `count` seeds after the largest seed any run of the group
// used. Another model at that path would start a new group instead of adding to this one: a model
// file is read here to check it is still the group's, a model folder (gigabytes of weights) only
// by the engine once loaded (checkAddsToGroup, evaluation_checks.h), so the request that carries
// the plan must name the group (EvaluationRequest::addsToGroups). Throws nf::InputError (message
// names the path or group) when the group does not exist, was imported ("imported runs cannot be repeated here: ..."), its model or
// adapter is gone, its model file changed, a language model's tokenizer is gone or changed, or
// count < 1. A language model's plan names the tokenizer and adapter the group's latest run used
// (see tokenizerForMoreRuns).
std::vector<RunPlan> morePlansForGroup(const store::Store& store, int64_t groupId, int count);

} // namespace nf::engine
