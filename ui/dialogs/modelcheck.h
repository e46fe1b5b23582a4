#pragma once

// The New-evaluation form's model and adapter fields checked before anything loads: a TorchScript
// file, or a Hugging Face model folder (config.json and safetensors) with an optional PEFT LoRA
// adapter folder, read and sized by engine::inspectModelFolder from JSON and safetensors headers
// only. Cheap enough for the GUI thread, once the engine that resolves the device has loaded (the
// form starts loading it when it opens; a check made before it is done waits for it).

#include "engine/config.h"

#include <QString>

namespace nf::ui {

// A folder holding config.json: a Hugging Face model.
bool isModelFolder(const QString& path);
// A folder holding adapter_config.json: a PEFT adapter.
bool isAdapterFolder(const QString& path);

// The prompt length a folder is sized for: a language model config's max length, else 1024 tokens.
int64_t promptTokensFor(const engine::EvalConfig& config);

// Checks the model and adapter fields (an empty adapter is none) for a run under `config`. Returns
// the folder's summary (ModelFolderInfo::summary), or nothing for a TorchScript file. Throws
// nf::InputError naming the field: "Model: ..." (empty, a folder without config.json, one that
// does not fit the device's free memory), "Model not found: /path", "Adapter folder not found:
// /path", "Adapter: ..." (with a TorchScript file), or the engine's message naming the file and key.
// `onThisMachine` false (a cluster submission): the paths only, not the folder against this
// machine's device, which the run will not use (checkPlanFiles checks the weights off the GUI thread).
QString checkModelFields(const QString& modelPath, const QString& adapterPath,
                         const engine::EvalConfig& config, bool onThisMachine = true);

} // namespace nf::ui
