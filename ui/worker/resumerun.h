#pragma once

// "Resume run": the plan that continues an interrupted, cancelled or failed run in place, built
// from the store as `noisefloor-cli run --resume RUN` builds it.

#include "engine/runner.h"

#include <cstdint>
#include <string>

namespace nf::store {
class Store;
struct ModelRow;
struct RunRow;
} // namespace nf::store

namespace nf::ui {

// Whether the run browser offers "Resume run" for a run of this status and source.
bool canResume(const std::string& status, const std::string& source);

// The plan that resumes `runId`: its group's model path and label, task spec and config (from the
// stored params), its seed and label, resumeRun set, the LoRA adapter the run merged into a model
// folder ("engine.adapter"), and for a language model the tokenizer the run used (the
// environment's "engine.tokenizer" when that file is still there, else the model's own). Reads
// the model (file, or folder and adapter) and the tokenizer to check they are the ones the run
// used. Throws nf::InputError naming the run and what is wrong: not in the store, imported,
// completed or still running, its model or adapter gone or changed, its tokenizer gone or another.
engine::RunPlan resumePlanForRun(const store::Store& store, int64_t runId);

// Checks that a group's `model` and the `adapter` a run of it merged in (empty: none) are still
// there with the bytes the group was run with (engine::modelIdentitySha256). Throws
// nf::InputError naming the missing or changed path; `what` names the run or group, `toDo` what
// putting a missing one back allows ("resume"), `ifChanged` what a change would do.
void checkModelAndAdapter(const store::ModelRow& model, const std::string& adapter, const std::string& what,
                          const std::string& toDo, const std::string& ifChanged);

// The tokenizer.json for more runs like `run` (a language-model run of a group whose config is
// `config`): the one its environment records ("engine.tokenizer") when that file is still there,
// else empty for the model's own (tokenizer.json in a model folder, or beside a model file).
// Throws nf::InputError naming the file when neither exists or the file has other bytes than the
// group's tokenizer (it would give other prompts). `what` names the run or group in messages.
std::string tokenizerForMoreRuns(const store::Store& store, const store::RunRow& run,
                                 const engine::EvalConfig& config, const std::string& modelPath,
                                 const std::string& what);

// Checks a loaded evaluation of a resume plan against the stored run: the model, the task's data
// and the tokenizer must have the sha256 they had (other bytes give other answers, and the run's
// stored items would mix with answers of something else). Throws nf::InputError naming the file.
void checkResumable(const store::Store& store, const engine::Evaluation& evaluation);

} // namespace nf::ui
