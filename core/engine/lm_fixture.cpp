#include "engine/models.h"

#include <torch/script.h>
#include <torch/torch.h>

#include <cmath>

namespace nf::engine {
namespace {

torch::jit::Module makeModule(const std::string& className)
{
    torch::jit::Module module(className);
    module.register_attribute("training", c10::BoolType::get(), false);
    return module;
}

void addWeight(torch::jit::Module& module, const std::string& name, std::vector<int64_t> shape, double scale)
{
    module.register_parameter(name, torch::randn(shape).mul_(scale), false);
}

void addLayerNorm(torch::jit::Module& module, const std::string& name, int64_t dim)
{
    module.register_parameter(name + "_w", torch::ones({dim}), false);
    module.register_parameter(name + "_b", torch::zeros({dim}), false);
}

// One pre-norm block: x + attention(norm(x)), then x + mlp(norm(x)).
torch::jit::Module makeBlock(const TinyCausalLmSpec& spec)
{
    const int64_t dim = spec.dim;
    const double scale = 1.0 / std::sqrt(static_cast<double>(dim));
    auto block = makeModule("Block");
    addLayerNorm(block, "ln1", dim);
    addLayerNorm(block, "ln2", dim);
    for (const char* name : {"wq", "wk", "wv", "wo"})
        addWeight(block, name, {dim, dim}, scale);
    addWeight(block, "w_up", {4 * dim, dim}, scale);
    addWeight(block, "w_down", {dim, 4 * dim}, 0.5 * scale);
    const std::string heads = std::to_string(spec.heads);
    const std::string headDim = std::to_string(spec.dim / spec.heads);
    block.define(R"(
def forward(self, x, allowed):
    B = x.size(0)
    T = x.size(1)
    h = torch.layer_norm(x, [x.size(2)], self.ln1_w, self.ln1_b, 1e-5)
    q = torch.matmul(h, self.wq.t()).view([B, T, )" + heads + ", " + headDim + R"(]).transpose(1, 2)
    k = torch.matmul(h, self.wk.t()).view([B, T, )" + heads + ", " + headDim + R"(]).transpose(1, 2)
    v = torch.matmul(h, self.wv.t()).view([B, T, )" + heads + ", " + headDim + R"(]).transpose(1, 2)
    scores = torch.matmul(q, k.transpose(2, 3)) * )" + std::to_string(1.0 / std::sqrt(spec.dim / spec.heads)) + R"(
    scores = scores.masked_fill(torch.logical_not(allowed.unsqueeze(1)), -10000.0)
    attention = torch.softmax(scores, -1)
    out = torch.matmul(attention, v).transpose(1, 2).reshape([B, T, x.size(2)])
    x = x + torch.matmul(out, self.wo.t())
    h = torch.layer_norm(x, [x.size(2)], self.ln2_w, self.ln2_b, 1e-5)
    return x + torch.matmul(torch.gelu(torch.matmul(h, self.w_up.t())), self.w_down.t())
)");
    return block;
}

} // namespace

void writeTinyCausalLm(const std::filesystem::path& path, const TinyCausalLmSpec& spec)
{
    torch::manual_seed(spec.seed);
    auto model = makeModule("TinyCausalLM");
    addWeight(model, "tok", {spec.vocab, spec.dim}, 1.0);
    addWeight(model, "pos", {spec.maxPositions, spec.dim}, 0.3);
    addLayerNorm(model, "ln_f", spec.dim);
    addWeight(model, "head", {spec.vocab, spec.dim}, 1.0 / std::sqrt(static_cast<double>(spec.dim)));
    for (int layer = 0; layer < spec.layers; ++layer)
        model.register_module("block" + std::to_string(layer), makeBlock(spec));

    std::string body = "def forward(self, input_ids, attention_mask):\n"
                       "    T = input_ids.size(1)\n";
    if (spec.positions == TinyCausalLmSpec::Positions::FromMask)
        body += "    positions = torch.clamp(torch.cumsum(attention_mask, 1) - 1, 0)\n";
    else
        body += "    positions = torch.arange(T, device=input_ids.device).unsqueeze(0).expand([input_ids.size(0), T])\n";
    body += "    x = torch.embedding(self.tok, input_ids) + torch.embedding(self.pos, positions)\n"
            "    causal = torch.tril(torch.ones([T, T], device=input_ids.device)) > 0.5\n";
    if (spec.ignoresMask)
        body += "    allowed = causal.unsqueeze(0).expand([input_ids.size(0), T, T])\n";
    else
        body += "    allowed = torch.logical_and(causal.unsqueeze(0), (attention_mask > 0).unsqueeze(1))\n";
    for (int layer = 0; layer < spec.layers; ++layer)
        body += "    x = self.block" + std::to_string(layer) + ".forward(x, allowed)\n";
    body += "    x = torch.layer_norm(x, [x.size(2)], self.ln_f_w, self.ln_f_b, 1e-5)\n"
            "    logits = torch.matmul(x, self.head.t())\n";
    switch (spec.output) {
    case TinyCausalLmSpec::Output::Logits:
        body += "    return logits\n";
        break;
    case TinyCausalLmSpec::Output::Tuple:
        body += "    return (logits, x)\n";
        break;
    case TinyCausalLmSpec::Output::Dict:
        body += "    return {\"logits\": logits}\n";
        break;
    case TinyCausalLmSpec::Output::Rank2:
        body += "    return logits[:, -1]\n";
        break;
    }
    model.define(body);
    model.save(path.string());
}

} // namespace nf::engine
