#pragma once

// A loaded evaluation that continues stored runs (resume, reproduce, more repeats of a group) must
// use the files those runs used: these checks compare the sha256 it computed while loading with the
// store's, before anything is written. They need a loaded Evaluation, so they live with the runner
// (the half of the engine that links libtorch); the checks that need no loaded model are in
// resume_plan.h and stored_plan.h.

#include <cstdint>
#include <string>

namespace nf::store {
class Store;
}

namespace nf::engine {

class Evaluation;

// Throws nf::InputError naming the file when the loaded evaluation's model, task data or tokenizer
// has other bytes (sha256) than group `configId` was run with: its answers would mix with answers
// of something else. `what` names the run or group in the message ("run 12").
void checkSameFiles(const store::Store& store, int64_t configId, const Evaluation& evaluation,
                    const std::string& what);

// checkSameFiles for a loaded evaluation meant to continue group `configId`: throws
// nf::InputError when the group is gone or the model (with its adapter), the task's data or the
// tokenizer has other bytes than the group was run with, the message ending with `ifChanged`.
// Uses the sha256 the evaluation computed when it loaded: nothing is read again.
void checkSameFilesAsGroup(const store::Store& store, int64_t configId, const Evaluation& evaluation,
                           const std::string& what, const std::string& ifChanged);

// Checks a loaded evaluation of a resume plan against the stored run: the model (with its
// adapter), the task's data and the tokenizer must have the sha256 they had (other bytes give
// other answers, and the run's stored items would mix with answers of something else). Does
// nothing for a plan that resumes no run. Throws nf::InputError naming the file.
void checkResumable(const store::Store& store, const Evaluation& evaluation);

// Checks a loaded evaluation of a plan that reproduces a stored run against that run: the same
// model, task data and tokenizer (sha256), or the comparison of their answers would compare
// different things. Does nothing for a plan that reproduces no run. Throws nf::InputError.
void checkReproducible(const store::Store& store, const Evaluation& evaluation);

// checkSameFilesAsGroup for a plan that adds runs to group `groupId` ("Run N more repeats"): its
// runs would otherwise start a new group.
void checkAddsToGroup(const store::Store& store, int64_t groupId, const Evaluation& evaluation);

} // namespace nf::engine
