#include "engine/hf_folder.h"

#include "common/error.h"
#include "common/sha256.h"
#include "env/gpu.h"

#include <algorithm>
#include <cstdio>

namespace nf::engine {
namespace {

using detail::CheckedFolder;
using detail::LoraPair;
using formats::HfModelConfig;
using formats::SafetensorsSet;
using formats::TensorDType;

std::string shapeString(const std::vector<int64_t>& shape)
{
    std::string text = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
}

std::string where(const SafetensorsSet::Entry& entry)
{
    return entry.file->path().string() + ": tensor " + entry.tensor->name;
}

size_t runElementSize(DType dtype)
{
    return dtype == DType::Float32 ? 4 : 2;
}

// Checkpoint entries that carry nothing the model computes with.
bool ignorable(const std::string& name, const HfModelConfig& config)
{
    if (name.ends_with(".rotary_emb.inv_freq"))
        return true; // a buffer older Llama checkpoints saved
    return config.tieEmbeddings && name == "lm_head.weight"; // tied: transformers uses the embedding
}

// "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight" -> module name and A/B.
bool splitLoraName(const std::string& name, std::string& module, bool& isA)
{
    static const std::string prefix = "base_model.model.";
    if (!name.starts_with(prefix))
        return false;
    for (const char* suffix : {".lora_A.weight", ".lora_B.weight"}) {
        const std::string tail = suffix;
        if (name.ends_with(tail)) {
            module = name.substr(prefix.size(), name.size() - prefix.size() - tail.size());
            isA = tail == ".lora_A.weight";
            return true;
        }
    }
    return false;
}

void checkAdapter(CheckedFolder& checked, const std::map<std::string, std::vector<int64_t>>& shapes)
{
    const auto& lora = *checked.info.adapter;
    const std::string folder = lora.folder.string();
    checked.adapterWeights = SafetensorsSet::openFolder(lora.folder, "adapter_model");
    std::map<std::string, LoraPair> pairs;
    for (const auto& name : checked.adapterWeights.names()) {
        const auto entry = checked.adapterWeights.find(name);
        std::string module;
        bool isA = false;
        if (!splitLoraName(name, module, isA))
            throw InputError(where(entry) + " is not a LoRA A or B matrix of a linear module (embedding adapters, "
                                            "DoRA magnitudes and saved modules are not supported)");
        auto& pair = pairs[module + ".weight"];
        (isA ? pair.a : pair.b) = entry;
    }
    if (pairs.empty())
        throw InputError(folder + ": the adapter has no LoRA weights");
    for (const auto& [weight, pair] : pairs) {
        const auto& present = pair.a.tensor ? pair.a : pair.b;
        if (!pair.a.tensor || !pair.b.tensor)
            throw InputError(where(present) + " has no " + (pair.a.tensor ? "lora_B" : "lora_A") + " partner");
        const auto base = shapes.find(weight);
        if (base == shapes.end() || base->second.size() != 2)
            throw InputError(where(present) + " adapts " + weight + ", which " +
                             checked.info.config.architectureName + " does not have: is the adapter for another model (" +
                             (lora.baseModel.empty() ? std::string("base not named") : lora.baseModel) + ")?");
        const auto& a = pair.a.tensor->shape;
        const auto& b = pair.b.tensor->shape;
        const int64_t out = base->second[0];
        const int64_t in = base->second[1];
        if (a.size() != 2 || b.size() != 2 || a[1] != in || b[0] != out || a[0] != b[1])
            throw InputError(where(pair.a) + " " + shapeString(a) + " and lora_B " + shapeString(b) +
                             " do not adapt a weight of shape " + shapeString(base->second) +
                             ": is the adapter for another model (" +
                             (lora.baseModel.empty() ? std::string("base not named") : lora.baseModel) + ")?");
        if (a[0] != lora.r)
            throw InputError(where(pair.a) + " has rank " + std::to_string(a[0]) + " but adapter_config.json says r " +
                             std::to_string(lora.r));
    }
    checked.lora = std::move(pairs);
}

// Device memory free now: MemAvailable on the CPU, cuMemGetInfo on a GPU.
std::optional<uint64_t> availableOn(const ResolvedDevice& device)
{
    if (device.type == "cuda")
        return env::gpuFreeBytes(device.index < 0 ? 0 : device.index);
    return env::hostAvailableBytes();
}

} // namespace

namespace detail {

CheckedFolder checkFolder(const std::filesystem::path& folder, const std::string& adapter, const EvalConfig& config,
                          const ResolvedDevice& device, int64_t promptTokens)
{
    CheckedFolder checked;
    auto& info = checked.info;
    info.config = formats::readHfConfig(folder);
    const auto& model = info.config;
    if (config.dropout == DropoutMode::Train && !(model.attentionDropout > 0))
        throw InputError("dropout: --dropout train (MC-dropout) needs dropout in the model, and " +
                         (folder / "config.json").string() + " has attention_dropout " +
                         std::to_string(model.attentionDropout) + ": there is nothing to sample");
    checked.weights = SafetensorsSet::openFolder(folder, "model");

    std::map<std::string, std::vector<int64_t>> shapes;
    std::map<TensorDType, uint64_t> bytesByType;
    for (const auto& expected : formats::expectedTensors(model)) {
        shapes[expected.name] = expected.shape;
        const auto entry = checked.weights.find(expected.name);
        if (!entry.tensor)
            throw InputError(folder.string() + ": tensor " + expected.name + " is missing from the weights (" +
                             model.architectureName + " needs it)");
        if (entry.tensor->shape != expected.shape)
            throw InputError(where(entry) + " has shape " + shapeString(entry.tensor->shape) + ", but config.json " +
                             "makes it " + shapeString(expected.shape));
        bytesByType[entry.tensor->dtype] += entry.tensor->end - entry.tensor->begin;
        info.storedBytes += entry.tensor->end - entry.tensor->begin;
    }
    std::vector<std::string> unexpected;
    for (const auto& name : checked.weights.names())
        if (!shapes.contains(name) && !ignorable(name, model))
            unexpected.push_back(name);
    if (!unexpected.empty()) {
        std::string list;
        for (size_t i = 0; i < std::min<size_t>(unexpected.size(), 5); ++i)
            list += (i ? ", " : "") + unexpected[i];
        if (unexpected.size() > 5)
            list += " and " + std::to_string(unexpected.size() - 5) + " more";
        throw InputError(folder.string() + ": the weights have tensors " + model.architectureName +
                         " does not use (" + list + "): config.json does not describe this checkpoint");
    }
    info.storedDtype = formats::toString(
        std::max_element(bytesByType.begin(), bytesByType.end(),
                         [](const auto& a, const auto& b) { return a.second < b.second; })
            ->first);
    if (!adapter.empty()) {
        info.adapter = formats::readLoraConfig(adapter);
        checkAdapter(checked, shapes);
    }

    info.parameters = formats::parameterCount(model);
    const uint64_t element = runElementSize(config.dtype);
    info.weightBytes = static_cast<uint64_t>(info.parameters) * element;
    // One batch of the longest prompt: the layer's activations (x, q/k/v, the MLP's blocks of
    // gate/up), the attention scores in fp32 with their softmax, and the prefix cache's keys and
    // values.
    const auto batch = static_cast<uint64_t>(std::max(1, config.batchSize));
    const auto tokens = static_cast<uint64_t>(std::max<int64_t>(1, promptTokens));
    const auto qkv = static_cast<uint64_t>((model.heads + 2 * model.kvHeads) * model.headDim);
    const auto mlpRows = std::min(batch * tokens, static_cast<uint64_t>(detail::mlpBlockRows(
                                                      model.intermediateSize, static_cast<int64_t>(element))));
    const uint64_t activations = batch * tokens * element * (3 * static_cast<uint64_t>(model.hiddenSize) + qkv) +
                                 mlpRows * element * 3 * static_cast<uint64_t>(model.intermediateSize);
    // Attention goes sequence by sequence in blocks of scores of detail::kScoreBlockBytes (a few alive at
    // once), beside its mask of one byte per (query, key).
    const uint64_t attention = 3 * static_cast<uint64_t>(detail::kScoreBlockBytes) + batch * tokens * tokens;
    const uint64_t cache = 2 * element * static_cast<uint64_t>(model.layers * model.kvHeads * model.headDim) * tokens;
    info.batchBytes = activations + attention + cache + batch * 4 * static_cast<uint64_t>(model.vocabSize);
    if (device.type == "cuda")
        info.batchBytes += 512ull << 20; // the CUDA context and cuBLAS workspaces
    info.deviceName = device.type == "cuda" ? "cuda:" + std::to_string(std::max(0, device.index)) : "cpu";
    info.availableBytes = availableOn(device);
    return checked;
}

} // namespace detail

bool ModelFolderInfo::fits() const
{
    return !availableBytes || weightBytes + batchBytes <= *availableBytes;
}

namespace {

std::string gigabytes(uint64_t bytes)
{
    char text[32];
    if (bytes >= (1ull << 40))
        std::snprintf(text, sizeof text, "%.1f TB", static_cast<double>(bytes) / (1ull << 40));
    else if (bytes >= (1ull << 30))
        std::snprintf(text, sizeof text, "%.1f GB", static_cast<double>(bytes) / (1ull << 30));
    else
        std::snprintf(text, sizeof text, "%.0f MB", std::max(1.0, static_cast<double>(bytes) / (1ull << 20)));
    return text;
}

std::string parameterText(int64_t count)
{
    char text[32];
    if (count >= 1'000'000'000)
        std::snprintf(text, sizeof text, "%.2f B", static_cast<double>(count) / 1e9);
    else if (count >= 1'000'000)
        std::snprintf(text, sizeof text, "%.1f M", static_cast<double>(count) / 1e6);
    else if (count >= 1'000)
        std::snprintf(text, sizeof text, "%.1f K", static_cast<double>(count) / 1e3);
    else
        std::snprintf(text, sizeof text, "%lld", static_cast<long long>(count));
    return text;
}

} // namespace

std::string ModelFolderInfo::summary() const
{
    std::string text = config.architectureName + ", " + parameterText(parameters) + " parameters, " + storedDtype +
                       " weights";
    if (adapter)
        text += " + LoRA r " + std::to_string(adapter->r) + " (" + std::to_string(adapter->targetModules.size()) +
                " target modules)";
    text += "; on " + deviceName + ": weights " + gigabytes(weightBytes) + " + one batch about " +
            gigabytes(batchBytes);
    if (availableBytes)
        text += " of " + gigabytes(*availableBytes) + " free";
    return text;
}

ModelFolderInfo inspectModelFolder(const std::filesystem::path& folder, const std::string& adapter,
                                   const EvalConfig& config, int64_t promptTokens, const ResolvedDevice& device)
{
    return detail::checkFolder(folder, adapter, config, device, promptTokens).info;
}

void checkFits(const ModelFolderInfo& info)
{
    if (info.fits())
        return;
    std::string remedy;
    if (info.availableBytes && info.weightBytes > *info.availableBytes)
        remedy = info.weightBytes == static_cast<uint64_t>(info.parameters) * 4 &&
                         info.weightBytes / 2 < *info.availableBytes
                     ? "the weights alone do not fit: run in bf16, or on another device"
                     : "the weights alone do not fit: use another device";
    else
        remedy = "a batch does not fit beside the weights: use a smaller batch size or max length";
    throw InputError(info.config.folder.string() + ": does not fit: " + info.summary() + "; " + remedy);
}

namespace {

void hashFiles(Sha256& hash, const std::vector<std::filesystem::path>& files)
{
    for (const auto& file : files)
        hash.update(file.filename().string() + " " + sha256File(file) + "\n");
}

} // namespace

std::string adapterSha256(const std::string& adapter)
{
    if (adapter.empty())
        return {};
    Sha256 hash;
    const std::filesystem::path folder(adapter);
    hashFiles(hash, {folder / "adapter_config.json"});
    hashFiles(hash, SafetensorsSet::openFolder(folder, "adapter_model").files());
    return hash.hexDigest();
}

std::string modelFolderSha256(const std::filesystem::path& folder, const std::string& adapterHash)
{
    Sha256 hash;
    hash.update("hf-folder\n");
    hashFiles(hash, {folder / "config.json"});
    hashFiles(hash, SafetensorsSet::openFolder(folder, "model").files());
    if (!adapterHash.empty())
        hash.update("adapter " + adapterHash + "\n");
    return hash.hexDigest();
}

std::string modelIdentitySha256(const std::string& path, const std::string& adapter)
{
    if (std::filesystem::is_directory(path))
        return modelFolderSha256(path, adapterSha256(adapter));
    return sha256File(path);
}

} // namespace nf::engine
