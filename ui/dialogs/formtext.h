#pragma once

// The New-evaluation form's text fields, parsed and formatted without widgets. Each parser throws
// nf::InputError whose message starts with the field's name as the dialog shows it.

#include "engine/runner.h"

#include <QString>
#include <cstdint>
#include <vector>

namespace nf::ui {

// "1-5", "1,2,3" or a mix ("1-3, 7"): every seed once, in the order given.
std::vector<int64_t> parseSeedsText(const QString& text);
// Seeds as the form shows them: "1-5" for a run of consecutive seeds, else "1, 4, 9".
QString seedsText(const std::vector<int64_t>& seeds);

// "0.7, 1.0" (commas or spaces): each >= 0, every value once. 0 means greedy decoding.
std::vector<double> parseTemperatures(const QString& text);

// Checks that the files a task spec names exist, before anything loads them: idx:IMAGES,LABELS,
// mmlu:DIR[:split], cmmlu:DIR[:split], ceval:DIR[:split], jsonl:FILE (presets name no file).
// Throws nf::InputError starting "Task" ("Task folder not found: /data/mmlu").
void checkTaskFiles(const QString& spec);

// A task spec short enough for a title or a list row: "idx:images-ubyte", "mmlu:data (test)",
// "jsonl:tiny.jsonl"; presets ("fashion-mnist:test") unchanged.
QString shortTaskSpec(const QString& spec);

// The model a plan runs, as lists and titles name it: its label, else the file's or folder's name
// ("model.pt", "Qwen3-0.6B"), with " + " and the adapter folder's name when it has one.
QString planModelName(const engine::RunPlan& plan);

// One line for the queue list: "model.pt · fashion-mnist:test · sample T=0.70, fp32, auto, bs 256 · seeds
// 1-5".
QString describePlan(const engine::RunPlan& plan);

} // namespace nf::ui
