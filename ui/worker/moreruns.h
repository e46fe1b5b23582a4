#pragma once

// "Run N more repeats" of a config group: the plan that adds runs to that same group.

#include "engine/runner.h"

#include <cstdint>
#include <vector>

namespace nf::store {
class Store;
}

namespace nf::ui {

// One plan with the group's model path and label, task spec and config (from its stored params),
// and `count` seeds after the largest seed any run of the group used. Another model at that path
// would start a new group instead of adding to this one: a model file is read here to check it
// is still the group's, a model folder (gigabytes of weights) only by the engine once loaded
// (engine::checkAddsToGroup), so the job that carries the plan must name the group
// (EvaluationJob::addsToGroups). Throws nf::InputError (message names the path or group) when the
// group does not exist, was imported ("imported runs cannot be repeated here: ..."), its model or
// adapter is gone, its model file changed, a language model's tokenizer is gone or changed, or
// count < 1. A language model's plan names the tokenizer and adapter the group's latest run used
// (see tokenizerForMoreRuns).
std::vector<engine::RunPlan> morePlansForGroup(const store::Store& store, int64_t groupId, int count);

} // namespace nf::ui
