#include "engine/models.h"

#include "common/error.h"
#include "engine/runtime.h"
#include "formats/task.h"

#include <torch/script.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>

#include <unistd.h>

namespace nf::engine {
namespace {

torch::jit::Module makeModule(const std::string& className)
{
    torch::jit::Module module(className);
    // Modules built with define() only get `training` (and so train()/eval() and
    // self.training) when it is registered by hand.
    module.register_attribute("training", c10::BoolType::get(), false);
    return module;
}

torch::jit::Module makeDropout(double p, bool inert)
{
    // Both are class Dropout, as torch.nn names it; only the script keeps `training` in its code.
    auto dropout = makeModule("Dropout");
    if (inert)
        dropout.define("def forward(self, x):\n    return x\n");
    else
        dropout.define("def forward(self, x):\n    return torch.dropout(x, " + std::to_string(p) +
                       ", self.training)\n");
    return dropout;
}

// nn.Linear's initialisation: uniform in +-1/sqrt(fan_in).
void addLinear(torch::jit::Module& module, const std::string& name, int64_t in, int64_t out, bool trainable)
{
    const double bound = 1.0 / std::sqrt(static_cast<double>(in));
    module.register_parameter(
        name + "_w", torch::empty({out, in}).uniform_(-bound, bound).set_requires_grad(trainable), false);
    module.register_parameter(
        name + "_b", torch::empty({out}).uniform_(-bound, bound).set_requires_grad(trainable), false);
}

void saveAtomically(torch::jit::Module& module, const std::filesystem::path& path)
{
    // Unique per process: two first-time demos at once must not rename each other's half-written file.
    const auto temporary = path.string() + ".partial-" + std::to_string(::getpid());
    module.save(temporary);
    std::filesystem::rename(temporary, path);
}

torch::jit::Module makeDemoMlp()
{
    auto mlp = makeModule("DemoMLP");
    mlp.register_module("dropout", makeDropout(0.2, false));
    addLinear(mlp, "fc1", 784, 256, true);
    addLinear(mlp, "fc2", 256, 10, true);
    mlp.define(R"(
def forward(self, x):
    x = x.reshape([x.size(0), 784])
    h = torch.relu(torch.addmm(self.fc1_b, x, self.fc1_w.t()))
    h = self.dropout.forward(h)
    return torch.addmm(self.fc2_b, h, self.fc2_w.t())
)");
    return mlp;
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

void writeTinyClassifier(const std::filesystem::path& path, const TinyClassifierSpec& spec)
{
    torch::manual_seed(spec.seed);
    auto model = makeModule(spec.className);
    const bool hasDropout = spec.dropout || spec.inertDropout;
    if (hasDropout)
        model.register_module("dropout", makeDropout(0.5, spec.inertDropout));
    if (spec.trainSensitiveChild) {
        auto norm = makeModule("Norm");
        norm.define("def forward(self, x):\n    if self.training:\n        return x * 0.0\n    return x\n");
        model.register_module("norm", norm);
    }
    addLinear(model, "fc", spec.inputSize, spec.classes, false);
    std::string body = "def forward(self, x):\n";
    if (spec.writesInput)
        body += "    x.mul_(0.5)\n";
    body += "    x = x.reshape([x.size(0), " + std::to_string(spec.inputSize) + "])\n";
    if (hasDropout)
        body += "    x = self.dropout.forward(x)\n";
    if (spec.trainSensitiveChild)
        body += "    x = self.norm.forward(x)\n";
    body += "    logits = torch.addmm(self.fc_b, x, self.fc_w.t())\n";
    switch (spec.output) {
    case TinyClassifierSpec::Output::Logits:
        body += "    return logits\n";
        break;
    case TinyClassifierSpec::Output::Vector:
        body += "    return logits.sum(1)\n";
        break;
    case TinyClassifierSpec::Output::Rank3:
        body += "    return logits.unsqueeze(2)\n";
        break;
    }
    model.define(body);
    model.save(path.string());
}

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

DemoModels ensureDemoModels(const std::filesystem::path& directory, const TrainProgress& progress)
{
    DemoModels models;
    models.oneEpoch = directory / "demo-mlp-v1-epoch1.pt";
    models.threeEpochs = directory / "demo-mlp-v1-epoch3.pt";
    if (std::filesystem::exists(models.oneEpoch) && std::filesystem::exists(models.threeEpochs))
        return models;

    const auto start = std::chrono::steady_clock::now();
    std::filesystem::create_directories(directory);
    const auto train = formats::loadImageTask("fashion-mnist:train");
    applyThreads(0);
    applyDeterminism(false);
    torch::manual_seed(20260101);

    const int64_t n = train.n;
    const int64_t pixels = static_cast<int64_t>(train.rows) * train.cols;
    // Bytes stay bytes (47 MB); each batch is scaled to float on its own.
    const auto images =
        torch::from_blob(const_cast<uint8_t*>(train.pixels.data()), {n, pixels}, torch::kUInt8);
    const auto labels =
        torch::from_blob(const_cast<int32_t*>(train.labels.data()), {n}, torch::kInt32).to(torch::kLong);

    auto mlp = makeDemoMlp();
    std::vector<at::Tensor> parameters;
    for (const auto& parameter : mlp.parameters())
        parameters.push_back(parameter);
    torch::optim::Adam optimizer(parameters, torch::optim::AdamOptions(1e-3));

    constexpr int kEpochs = 3;
    constexpr int64_t kBatch = 128;
    auto generator = at::detail::createCPUGenerator(20260101);
    for (int epoch = 1; epoch <= kEpochs; ++epoch) {
        mlp.train(true);
        const auto permutation = torch::randperm(n, generator, torch::kLong);
        for (int64_t begin = 0; begin < n; begin += kBatch) {
            const auto index = permutation.slice(0, begin, std::min(n, begin + kBatch));
            const auto x = images.index_select(0, index).to(torch::kFloat).div_(255.0);
            const auto y = labels.index_select(0, index);
            optimizer.zero_grad();
            const auto logits = mlp.forward({x}).toTensor();
            const auto loss = torch::nn::functional::cross_entropy(logits, y);
            loss.backward();
            optimizer.step();
            if (progress && (begin / kBatch) % 20 == 0)
                progress(epoch, kEpochs, std::min(n, begin + kBatch), n);
        }
        if (progress)
            progress(epoch, kEpochs, n, n);
        if (epoch == 1 || epoch == kEpochs) {
            mlp.train(false);
            saveAtomically(mlp, epoch == 1 ? models.oneEpoch : models.threeEpochs);
        }
    }
    models.trained = true;
    models.trainSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return models;
}

} // namespace nf::engine
