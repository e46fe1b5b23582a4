#pragma once

// What an lm-eval results file says about the evaluation besides its scores: the model, the
// settings (noisefloor's params), the seeds and the environment, in noisefloor's terms.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace nf::formats::lmeval {

// The model's name: `override` when given, else model_name, else model_args' pretrained=,
// else config.model ("hf").
std::string modelLabel(const nlohmann::json& root, const std::string& override);

// What pins the model's weights beyond its name: config.model_sha, else a model_revision other
// than the moving "main", else model_args' revision=; "" when none.
std::string modelRevision(const nlohmann::json& root);

// The settings every run of the file shares (harness, model, model_args, batch_size, device
// without its index, limit, gen_kwargs, dtype, chat template and system instruction hashes,
// fewshot_as_multiturn when on). Seeds and dates are left out: they differ between repeats.
nlohmann::json sharedParams(const nlohmann::json& root);

// config.fewshot_seed, else random_seed.
struct Seeds
{
    int64_t seed = 0;
    bool known = false;
    std::string note; // "lm-eval seeds: random 0, numpy 1234, torch 1234, fewshot 1234"
};
Seeds seeds(const nlohmann::json& root);

// A flat object of strings with the keys noisefloor's own snapshots use where they mean the
// same (torch.version, cuda.runtime_version, gpu.name, gpu.driver, os, kernel, cpu.model,
// engine.device), parsed from pretty_env_info (torch's collect_env text), plus lm-eval's own
// (lm_eval.git_hash, lm_eval.version, transformers.version, ...). "" when the file has none.
std::string environmentJson(const nlohmann::json& root);

// "date" (unix seconds) as ISO-8601 UTC, or "".
std::string startedAt(const nlohmann::json& root);

// total_evaluation_time_seconds (written as a string), or 0.
double durationSeconds(const nlohmann::json& root);

} // namespace nf::formats::lmeval
