#pragma once

// The checks an evaluation makes of its plan before it reads a weight: the config, the seeds, the
// model file or folder (its config.json and safetensors headers), the adapter, the task's data and
// a language model's tokenizer and first prompt. Evaluation (runner.h) starts from them; a cluster
// submission (cluster/submit.h) makes them on the submitting machine, so that a plan that would
// fail on every node is refused with the same message as `run` gives, before anything is queued.
// No torch here.

#include "engine/runner.h"

namespace nf::engine {

// The config's values, the seeds, and the model path: it exists, is a TorchScript file or a
// Hugging Face folder whose config.json names an architecture noisefloor runs. Makes the model and
// adapter paths absolute (without a trailing slash) and gives the model its default label (the
// file or folder name, + the adapter folder's). Throws nf::InputError.
void normalizePlan(RunPlan& plan);

// What a classifier plan must not have (a language model's knobs, a folder, an adapter). Throws
// nf::InputError.
void checkClassifierPlan(const RunPlan& plan);

// A language-model plan's task and tokenizer: no image options, a task with questions, the
// tokenizer found (given, else the model folder's or beside the model file) and made absolute, an
// adapter only on a folder. Makes the config a language model's. Throws nf::InputError.
void checkLanguageModelPlan(RunPlan& plan, const formats::McqTask& task);

// Everything above, the task loaded, a language model's tokenizer read and its first prompt built,
// and a folder's weights checked against its config (not against this machine's memory: the plan
// may run elsewhere). Returns the plan as an evaluation runs it: absolute paths and the task's
// canonical spec. Reads files, writes nothing. Throws nf::InputError.
RunPlan checkPlanFiles(RunPlan plan);

} // namespace nf::engine
