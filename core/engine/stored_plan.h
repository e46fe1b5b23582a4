#pragma once

// Plans built from what a store recorded: running a group again (more repeats, reproduce) or
// continuing one of its runs (resume). Shared by the CLI and the app.

#include "engine/runner.h"

#include <cstdint>
#include <string>

namespace nf::store {
class Store;
struct GroupRow;
struct ModelRow;
struct RunRow;
struct TaskRow;
} // namespace nf::store

namespace nf::engine {

// A plan that runs the group again: its model path and label, task spec and config (from the
// stored params). Seeds, label and tokenizer are the caller's.
RunPlan planForGroup(const store::ModelRow& model, const store::TaskRow& task, const store::GroupRow& group);

// The tokenizer.json a language-model run used, as its environment records it
// ("engine.tokenizer"); empty when it records none.
std::string recordedTokenizer(const store::Store& store, const store::RunRow& run);

// The LoRA adapter folder a run merged into its model folder ("engine.adapter"); empty for none.
std::string recordedAdapter(const store::Store& store, const store::RunRow& run);

} // namespace nf::engine
