#include "engine/hf_model.h"

#include "common/error.h"
#include "engine/hf_folder.h"
#include "engine/hf_ops.h"
#include "engine/torch_glue.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cmath>

namespace nf::engine {
namespace {

using detail::CheckedFolder;
using detail::kScoreBlockBytes;
using detail::mlpBlockRows;
using detail::LoraPair;
using formats::HfModelConfig;
using formats::SafetensorsSet;

struct Layer
{
    at::Tensor inputNorm;
    at::Tensor postNorm;
    at::Tensor qkv; // q, k and v projections stacked: [(H + 2 Hkv) D, hidden]
    at::Tensor qkvBias;
    at::Tensor o;
    at::Tensor oBias;
    at::Tensor qNorm;
    at::Tensor kNorm;
    at::Tensor gateUp; // gate and up stacked: [2 I, hidden]
    at::Tensor gateUpBias;
    at::Tensor down;
    at::Tensor downBias;
};

} // namespace

struct HfModel::Prefix
{
    // One block, allocated before the prefix's forward: kept keys and values copied out of each
    // layer's temporaries would pin small blocks amid them and fragment the heap.
    at::Tensor storage;             // [layers, 2, Hkv, L, D]
    std::vector<at::Tensor> keys;   // per layer [Hkv, L, D], after rotary embedding: storage[i][0]
    std::vector<at::Tensor> values; // per layer [Hkv, L, D]: storage[i][1]
    int64_t length = 0;
};

int64_t HfModel::prefixLength(const Prefix& prefix)
{
    return prefix.length;
}

struct HfModel::Impl
{
    ModelFolderInfo info;
    EvalConfig config;
    c10::Device device{c10::kCPU};
    at::ScalarType dtype = at::kFloat;
    at::Tensor embed;
    at::Tensor lmHead; // the embedding when tied
    at::Tensor finalNorm;
    std::vector<Layer> layers;
    at::Tensor invFreq; // [D/2] float
    at::Tensor cosTable; // [P, D] in the run's dtype, positions 0..P-1
    at::Tensor sinTable;
    std::vector<int32_t> cachedRows; // the rows lmHeadRows holds
    at::Tensor lmHeadRows;

    const HfModelConfig& model() const { return info.config; }

    at::TensorOptions longOptions() const { return at::TensorOptions().dtype(at::kLong).device(device); }

    // A stored tensor in the run's dtype on the device; `merge` adds scale * B A in fp32 first.
    at::Tensor load(const SafetensorsSet::Entry& entry, const LoraPair* merge, double scale)
    {
        at::Tensor tensor;
        if (merge) {
            auto weight = mappedTensor(entry).to(at::kFloat, false, true);
            const auto a = mappedTensor(merge->a).to(at::kFloat);
            const auto b = mappedTensor(merge->b).to(at::kFloat);
            weight.add_(at::mm(b, a), scale);
            tensor = weight.to(device, dtype);
            merge->a.file->release(*merge->a.tensor);
            merge->b.file->release(*merge->b.tensor);
        } else {
            tensor = mappedTensor(entry).to(device, dtype, false, true);
        }
        entry.file->release(*entry.tensor);
        return tensor;
    }

    void loadWeights(CheckedFolder& checked)
    {
        const double scale = info.adapter ? info.adapter->scale() : 0.0;
        auto get = [&](const std::string& name) {
            const auto entry = checked.weights.find(name);
            const auto pair = checked.lora.find(name);
            return load(entry, pair == checked.lora.end() ? nullptr : &pair->second, scale);
        };
        const auto& m = model();
        embed = get("model.embed_tokens.weight");
        lmHead = m.tieEmbeddings ? embed : get("lm_head.weight");
        finalNorm = get("model.norm.weight");
        layers.resize(static_cast<size_t>(m.layers));
        for (int64_t i = 0; i < m.layers; ++i) {
            auto& layer = layers[static_cast<size_t>(i)];
            const std::string prefix = "model.layers." + std::to_string(i) + ".";
            const std::string attention = prefix + "self_attn.";
            const std::string mlp = prefix + "mlp.";
            layer.inputNorm = get(prefix + "input_layernorm.weight");
            layer.postNorm = get(prefix + "post_attention_layernorm.weight");
            layer.qkv = at::cat({get(attention + "q_proj.weight"), get(attention + "k_proj.weight"),
                                 get(attention + "v_proj.weight")});
            if (m.qkvBias)
                layer.qkvBias = at::cat(
                    {get(attention + "q_proj.bias"), get(attention + "k_proj.bias"), get(attention + "v_proj.bias")});
            layer.o = get(attention + "o_proj.weight");
            if (m.oBias)
                layer.oBias = get(attention + "o_proj.bias");
            if (m.qkNorm) {
                layer.qNorm = get(attention + "q_norm.weight");
                layer.kNorm = get(attention + "k_norm.weight");
            }
            layer.gateUp = at::cat({get(mlp + "gate_proj.weight"), get(mlp + "up_proj.weight")});
            layer.down = get(mlp + "down_proj.weight");
            if (m.mlpBias) {
                layer.gateUpBias = at::cat({get(mlp + "gate_proj.bias"), get(mlp + "up_proj.bias")});
                layer.downBias = get(mlp + "down_proj.bias");
            }
        }
    }

    // Inverse frequencies as transformers computes them in fp32, with the config's scaling.
    void computeInverseFrequencies()
    {
        const auto& m = model();
        const int64_t dim = m.headDim;
        auto exponents = at::arange(0, dim, 2, at::kLong).to(at::kFloat) / static_cast<double>(dim);
        auto inv = 1.0 / at::pow(m.ropeTheta, exponents);
        const auto& rope = m.rope;
        if (rope.type == formats::RopeScaling::Type::Linear) {
            inv = inv / rope.factor;
        } else if (rope.type == formats::RopeScaling::Type::Llama3) {
            const double oldContext = static_cast<double>(rope.originalMaxPositions);
            const double lowWavelen = oldContext / rope.lowFreqFactor;
            const double highWavelen = oldContext / rope.highFreqFactor;
            const auto wavelen = 2 * M_PI / inv;
            auto scaled = at::where(wavelen > lowWavelen, inv / rope.factor, inv);
            const auto smooth = (oldContext / wavelen - rope.lowFreqFactor) / (rope.highFreqFactor - rope.lowFreqFactor);
            const auto smoothed = (1 - smooth) * scaled / rope.factor + smooth * scaled;
            const auto medium = at::logical_not(wavelen < highWavelen) * at::logical_not(wavelen > lowWavelen);
            inv = at::where(medium, smoothed, scaled);
        }
        invFreq = inv.to(device);
    }

    // cos and sin tables up to `positions` (grown as needed), [P, D] in the run's dtype.
    void ensureRotaryTables(int64_t positions)
    {
        if (cosTable.defined() && cosTable.size(0) >= positions)
            return;
        const int64_t size = std::max<int64_t>(positions, cosTable.defined() ? 2 * cosTable.size(0) : 512);
        const auto t = at::arange(size, at::TensorOptions().dtype(at::kLong).device(device)).to(at::kFloat);
        const auto freqs = t.unsqueeze(1) * invFreq.unsqueeze(0); // [P, D/2] fp32
        const auto emb = at::cat({freqs, freqs}, -1);
        cosTable = emb.cos().to(dtype);
        sinTable = emb.sin().to(dtype);
    }

    // ids [B, T] (right-padded), lengths; returns x and fills positions' cos/sin [B, 1, T, D].
    struct Batch
    {
        at::Tensor ids;     // [B, T] long on the device
        at::Tensor lengths; // [B] long on the device
        at::Tensor last;    // [B] index of the last real token
        int64_t width = 0;
        int64_t count = 0;
    };

    Batch makeBatch(const std::vector<std::span<const int32_t>>& sequences) const
    {
        Batch batch;
        batch.count = static_cast<int64_t>(sequences.size());
        for (const auto& sequence : sequences)
            batch.width = std::max<int64_t>(batch.width, static_cast<int64_t>(sequence.size()));
        auto ids = at::zeros({batch.count, batch.width}, at::kLong);
        auto lengths = at::empty({batch.count}, at::kLong);
        auto* idData = ids.data_ptr<int64_t>();
        auto* lengthData = lengths.data_ptr<int64_t>();
        for (int64_t b = 0; b < batch.count; ++b) {
            const auto& sequence = sequences[static_cast<size_t>(b)];
            for (size_t t = 0; t < sequence.size(); ++t)
                idData[b * batch.width + static_cast<int64_t>(t)] = sequence[t];
            lengthData[b] = static_cast<int64_t>(sequence.size());
        }
        batch.ids = ids.to(device);
        batch.lengths = lengths.to(device);
        batch.last = batch.lengths - 1;
        return batch;
    }

    // What a key may see: [B, 1, 1, Tq, L + T] bool, true where attention is allowed. Queries are
    // the rows `queryRows` ([B, Tq] suffix indices); keys are the prefix then the suffix.
    at::Tensor allowed(const Batch& batch, const at::Tensor& queryRows, int64_t prefixLength, size_t layer) const
    {
        const auto keyRows = at::arange(batch.width, longOptions()); // [T]
        // Suffix keys: causal and real. A padding query also sees itself, so that no row is left
        // with nothing to attend to (a softmax over nothing is NaN, and 0 x NaN would reach the
        // real rows through the next layer's values).
        auto suffix = keyRows.view({1, 1, -1}) <= queryRows.unsqueeze(-1); // [B, Tq, T]
        suffix = suffix & (keyRows.view({1, 1, -1}) < batch.lengths.view({-1, 1, 1}));
        suffix = suffix | (keyRows.view({1, 1, -1}) == queryRows.unsqueeze(-1));
        at::Tensor mask = suffix;
        if (prefixLength > 0) {
            auto prefix = at::ones({batch.count, queryRows.size(1), prefixLength},
                                   at::TensorOptions().dtype(at::kBool).device(device));
            mask = at::cat({prefix, suffix}, -1);
        }
        if (const auto& window = model().slidingWindow; window && model().slidingLayers[layer]) {
            // transformers masks keys `window` or more positions back.
            const auto queryPositions = (queryRows + prefixLength).unsqueeze(-1);
            const auto keyPositions = at::cat({at::arange(prefixLength, longOptions()), keyRows + prefixLength});
            mask = mask & ((queryPositions - keyPositions.view({1, 1, -1})) < *window);
        }
        return mask.view({batch.count, 1, 1, queryRows.size(1), -1});
    }

    // One decoder layer over x [B, T, hidden]. With `onlyRows` ([B, 1] indices) the attention
    // output and MLP are computed at those rows only and x comes back as [B, 1, hidden].
    // With `keep` the layer's keys and values go into it (a prefix: B = 1), and when `kvOnly` the
    // rest of the layer is skipped.
    at::Tensor layerForward(const Layer& layer, const at::Tensor& x, const Batch& batch, const at::Tensor& cos,
                            const at::Tensor& sin, const Prefix* prefix, size_t layerIndex, const at::Tensor& onlyRows,
                            Prefix* keep, bool kvOnly)
    {
        // The attention's temporaries (q, k, v, masks) are gone before the MLP starts.
        const auto hidden = attention(layer, x, batch, cos, sin, prefix, layerIndex, onlyRows, keep, kvOnly);
        return hidden.defined() ? mlp(layer, hidden) : x;
    }

    // The attention block with its residual: x + o(attention(norm(x))), at `onlyRows` when given;
    // undefined when `kvOnly`, once the keys and values are kept.
    at::Tensor attention(const Layer& layer, const at::Tensor& x, const Batch& batch, const at::Tensor& cos,
                         const at::Tensor& sin, const Prefix* prefix, size_t layerIndex, const at::Tensor& onlyRows,
                         Prefix* keep, bool kvOnly)
    {
        const auto& m = model();
        const int64_t B = batch.count;
        const int64_t T = batch.width;
        const int64_t H = m.heads;
        const int64_t Hkv = m.kvHeads;
        const int64_t G = H / Hkv;
        const int64_t D = m.headDim;
        const double scaling = 1.0 / std::sqrt(static_cast<double>(D));

        const auto h = rmsNorm(x, layer.inputNorm, m.rmsNormEps);
        const auto qkv = at::linear(h, layer.qkv, layer.qkvBias);
        auto q = qkv.narrow(-1, 0, H * D).view({B, T, H, D});
        auto k = qkv.narrow(-1, H * D, Hkv * D).view({B, T, Hkv, D});
        auto v = qkv.narrow(-1, (H + Hkv) * D, Hkv * D).view({B, T, Hkv, D});
        if (m.qkNorm) {
            q = rmsNorm(q, layer.qNorm, m.rmsNormEps);
            k = rmsNorm(k, layer.kNorm, m.rmsNormEps);
        }
        k = k.transpose(1, 2);                      // [B, Hkv, T, D]
        v = v.transpose(1, 2).contiguous();         // [B, Hkv, T, D]
        k = applyRotary(k, cos, sin);
        if (keep) {
            keep->keys[layerIndex].copy_(k[0]);
            keep->values[layerIndex].copy_(v[0]);
            if (kvOnly)
                return at::Tensor();
        }
        q = q.transpose(1, 2); // [B, H, T, D]
        q = applyRotary(q, cos, sin);
        at::Tensor queryRows;
        at::Tensor residual = x;
        int64_t Tq = T;
        if (onlyRows.defined()) {
            Tq = onlyRows.size(1);
            q = q.gather(2, onlyRows.view({B, 1, Tq, 1}).expand({B, H, Tq, D}));
            residual = x.gather(1, onlyRows.view({B, Tq, 1}).expand({B, Tq, x.size(2)}));
            queryRows = onlyRows;
        } else {
            queryRows = at::arange(T, longOptions()).unsqueeze(0).expand({B, T});
        }
        // Attention sequence by sequence, in blocks of query rows whose scores stay under
        // kScoreBlockBytes: memory stays bounded on long prompts, and no block is large enough for
        // glibc to map it afresh (zeroed pages at every allocation made attention page-fault bound).
        // The prefix's keys and values go before the sequence's own, so that the scores and the
        // output are one matmul each.
        const int64_t L = prefix ? prefix->length : 0;
        const auto blocked = at::logical_not(allowed(batch, queryRows, L, layerIndex)); // [B, 1, 1, Tq, L + T]
        const auto scaled = (q * scaling).view({B, Hkv, G, Tq, D});
        const int64_t rows = std::max<int64_t>(1, kScoreBlockBytes / (4 * H * (L + T)));
        // Every query sees the whole prefix unless this layer has a sliding window.
        const int64_t maskFrom = m.slidingWindow && m.slidingLayers[layerIndex] ? 0 : L;
        auto out = at::empty({B, Tq, Hkv, G, D}, q.options());
        for (int64_t b = 0; b < B; ++b) {
            auto keys = k[b]; // [Hkv, T, D]
            auto values = v[b];
            if (prefix) {
                keys = at::cat({prefix->keys[layerIndex], keys}, 1); // [Hkv, L + T, D]
                values = at::cat({prefix->values[layerIndex], values}, 1);
            }
            const auto keysT = keys.transpose(1, 2);
            for (int64_t first = 0; first < Tq; first += rows) {
                const int64_t n = std::min(rows, Tq - first);
                const auto query = scaled[b].narrow(2, first, n).reshape({Hkv, G * n, D});
                auto weights = at::matmul(query, keysT).to(at::kFloat).view({Hkv, G, n, L + T});
                weights.narrow(-1, maskFrom, L + T - maskFrom)
                    .masked_fill_(blocked[b][0].narrow(1, first, n).narrow(-1, maskFrom, L + T - maskFrom),
                                  -std::numeric_limits<float>::infinity());
                weights = at::softmax(weights, -1).to(dtype);
                if (config.dropout == DropoutMode::Train && m.attentionDropout > 0)
                    weights = at::dropout(weights, m.attentionDropout, true);
                const auto block = at::matmul(weights.view({Hkv, G * n, L + T}), values).view({Hkv, G, n, D});
                out[b].narrow(0, first, n).copy_(block.permute({2, 0, 1, 3}));
            }
        }
        out = out.view({B, Tq, H * D});
        return at::linear(out, layer.o, layer.oBias).add_(residual);
    }

    // The MLP block with its residual: x + down(silu(gate(norm(x))) * up(norm(x))), over blocks of
    // rows whose gate and up stay under kScoreBlockBytes (but at least kMlpMinimumRows): the batch's
    // full [rows, 2 I] would be the largest tensor of the forward, of a size that changes with every
    // batch (which fragments the heap), and each row's result is the same either way.
    at::Tensor mlp(const Layer& layer, const at::Tensor& x)
    {
        const auto& m = model();
        const int64_t inner = m.intermediateSize;
        const auto rows = x.view({-1, x.size(-1)});
        const int64_t total = rows.size(0);
        const int64_t step = mlpBlockRows(inner, x.element_size());
        auto result = at::empty_like(rows);
        for (int64_t first = 0; first < total; first += step) {
            const int64_t n = std::min(step, total - first);
            const auto post = rmsNorm(rows.narrow(0, first, n), layer.postNorm, m.rmsNormEps);
            const auto gateUp = at::linear(post, layer.gateUp, layer.gateUpBias); // [n, 2 I]
            auto act = gateUp.narrow(-1, 0, inner);
            at::silu_(act).mul_(gateUp.narrow(-1, inner, inner));
            // act keeps gateUp's row stride: BLAS reads it as it is, without a copy.
            auto block = result.narrow(0, first, n);
            if (layer.downBias.defined())
                at::addmm_out(block, layer.downBias, act, layer.down.t());
            else
                at::mm_out(block, act, layer.down.t());
        }
        return result.add_(rows).view_as(x);
    }

    // Runs every layer; see HfModel::lastHidden. With `keep` (a prefix being computed) the last
    // layer stops after its keys and values.
    at::Tensor forward(const Batch& batch, const Prefix* prefix, Prefix* keep, bool lastOnly)
    {
        const int64_t L = prefix ? prefix->length : 0;
        ensureRotaryTables(L + batch.width);
        const auto positions = at::arange(L, L + batch.width, longOptions());
        const auto cos = cosTable.index_select(0, positions).view({1, 1, batch.width, -1});
        const auto sin = sinTable.index_select(0, positions).view({1, 1, batch.width, -1});
        auto x = at::embedding(embed, batch.ids);
        const auto lastRows = lastOnly ? batch.last.view({batch.count, 1}) : at::Tensor();
        for (size_t i = 0; i < layers.size(); ++i) {
            const bool final = i + 1 == layers.size();
            x = layerForward(layers[i], x, batch, cos, sin, prefix, i, final ? lastRows : at::Tensor(), keep,
                             final && keep);
        }
        if (keep)
            return at::Tensor();
        return rmsNorm(x, finalNorm, model().rmsNormEps);
    }
};

HfModel::HfModel(const std::filesystem::path& folder, const std::string& adapter, const EvalConfig& config,
                 const ResolvedDevice& device)
    : d(std::make_unique<Impl>())
{
    c10::InferenceMode guard;
    auto checked = detail::checkFolder(folder, adapter, config, device, 0);
    d->info = checked.info;
    d->config = config;
    d->device = torchDeviceOf(device);
    d->dtype = scalarTypeOf(config.dtype);
    try {
        d->loadWeights(checked);
    } catch (const InputError&) {
        throw;
    } catch (const std::exception& e) {
        throw InputError(folder.string() + ": the weights could not be loaded onto " + device.description + " (" +
                         torchErrorSummary(e) + ")");
    }
    d->computeInverseFrequencies();
}

HfModel::~HfModel() = default;

const formats::HfModelConfig& HfModel::config() const
{
    return d->info.config;
}

const ModelFolderInfo& HfModel::info() const
{
    return d->info;
}

std::shared_ptr<const HfModel::Prefix> HfModel::computePrefix(std::span<const int32_t> ids)
{
    c10::InferenceMode guard;
    auto prefix = std::make_shared<Prefix>();
    if (ids.empty())
        return prefix;
    const auto& m = d->model();
    const auto length = static_cast<int64_t>(ids.size());
    prefix->storage = at::empty({m.layers, 2, m.kvHeads, length, m.headDim},
                                at::TensorOptions().dtype(d->dtype).device(d->device));
    for (int64_t i = 0; i < m.layers; ++i) {
        prefix->keys.push_back(prefix->storage[i][0]);
        prefix->values.push_back(prefix->storage[i][1]);
    }
    const auto batch = d->makeBatch({ids});
    d->forward(batch, nullptr, prefix.get(), false);
    prefix->length = length;
    return prefix;
}

at::Tensor HfModel::lastHidden(const std::vector<std::span<const int32_t>>& sequences, const Prefix* prefix)
{
    c10::InferenceMode guard;
    const auto batch = d->makeBatch(sequences);
    const auto hidden = d->forward(batch, prefix && prefix->length > 0 ? prefix : nullptr, nullptr, true);
    return hidden.squeeze(1);
}

at::Tensor HfModel::logits(const at::Tensor& hidden, const std::vector<int32_t>& rows)
{
    c10::InferenceMode guard;
    if (rows.empty())
        return at::linear(hidden, d->lmHead).to(at::kCPU, at::kFloat).contiguous();
    if (rows != d->cachedRows) {
        const std::vector<int64_t> ids(rows.begin(), rows.end());
        d->lmHeadRows = d->lmHead.index_select(0, at::tensor(ids, at::kLong).to(d->device));
        d->cachedRows = rows;
    }
    return at::linear(hidden, d->lmHeadRows).to(at::kCPU, at::kFloat).contiguous();
}

std::vector<std::vector<float>> HfModel::lastLogits(const std::vector<std::span<const int32_t>>& sequences,
                                                    const Prefix* prefix, const std::vector<int32_t>& rows)
{
    const auto values = logits(lastHidden(sequences, prefix), rows);
    std::vector<std::vector<float>> out(static_cast<size_t>(values.size(0)));
    const float* data = values.data_ptr<float>();
    for (size_t b = 0; b < out.size(); ++b)
        out[b].assign(data + static_cast<int64_t>(b) * values.size(1), data + static_cast<int64_t>(b + 1) * values.size(1));
    return out;
}

at::Tensor HfModel::allLogits(const std::vector<std::span<const int32_t>>& sequences)
{
    c10::InferenceMode guard;
    const auto batch = d->makeBatch(sequences);
    return at::linear(d->forward(batch, nullptr, nullptr, false), d->lmHead);
}

} // namespace nf::engine
