#pragma once

// Internal to nf_engine: a model folder checked against its config.json (hf_folder.cpp), which
// both inspectModelFolder and HfModel's loading (hf_model.cpp) start from. No torch here.

#include "engine/hf_model.h"
#include "formats/safetensors.h"

#include <map>
#include <string>

namespace nf::engine::detail {

// The largest attention score block (fp32) computed at once; glibc maps blocks over 32 MiB afresh.
constexpr int64_t kScoreBlockBytes = 8 << 20;

// The MLP goes over blocks of this many rows: its gate and up outputs ([rows, 2 I]) under
// kScoreBlockBytes, but never fewer than 256 rows (smaller matrix products run slower).
constexpr int64_t mlpBlockRows(int64_t intermediate, int64_t elementBytes)
{
    const int64_t rows = kScoreBlockBytes / (2 * intermediate * elementBytes);
    return rows > 256 ? rows : 256;
}

// A LoRA pair for one linear module: A [r, in], B [out, r].
struct LoraPair
{
    formats::SafetensorsSet::Entry a;
    formats::SafetensorsSet::Entry b;
};

// A folder checked against its config: every tensor present with its shape, the adapter's pairs
// matched to the modules they change.
struct CheckedFolder
{
    ModelFolderInfo info;
    formats::SafetensorsSet weights;
    formats::SafetensorsSet adapterWeights;
    std::map<std::string, LoraPair> lora; // base weight name -> pair
};

// Reads config.json, the safetensors headers and the adapter, checks them against each other and
// sizes the run for prompts of up to `promptTokens` on `device`. Throws nf::InputError.
CheckedFolder checkFolder(const std::filesystem::path& folder, const std::string& adapter, const EvalConfig& config,
                          const ResolvedDevice& device, int64_t promptTokens);

} // namespace nf::engine::detail
