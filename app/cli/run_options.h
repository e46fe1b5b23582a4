#pragma once

// The options of `run` (its model, task, seeds and settings), shared by `submit --slurm`, which
// takes the same options after `--` and hands them to every array task.

#include "engine/runner.h"
#include "setting_options.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

namespace nf::cli {

struct RunOptions
{
    std::string model;
    std::string modelLabel;
    std::string task;
    std::string seeds;
    int64_t seedStart = 1;
    int64_t repeats = 5;
    SettingOptions settings; // decoding, runtime and prompt: engine/settings.h
    std::string resume;
    std::string label;
    bool rerun = false;
    std::string tokenizer; // a language model's
    std::string adapter;
};

// Adds run's options for a new evaluation (--model, --task, seeds, settings, language-model
// options, --label, --rerun, --resume) to `command`.
void addRunOptions(CLI::App* command, RunOptions& options);

// The plan the options describe: the config with the given settings and the defaults that depend
// on them, the seeds. Throws nf::InputError for a setting out of range or a bad seed list.
engine::RunPlan planFrom(const RunOptions& options);

} // namespace nf::cli
