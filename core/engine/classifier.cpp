#include "engine/classifier.h"

#include "common/error.h"
#include "engine/draws.h"
#include "engine/runtime.h"
#include "engine/sampling.h"
#include "engine/torch_glue.h"
#include "env/environment.h"
#include "formats/task.h"

#include <ATen/ScalarOps.h>
#include <torch/script.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <numeric>
#include <set>
#include <sstream>

namespace nf::engine {
namespace {

// A Dropout submodule is one whose class is torch.nn's Dropout, Dropout1d/2d/3d, AlphaDropout or
// FeatureAlphaDropout (by its unqualified name, so scripted subclasses of user code with other
// names, e.g. a model class called MCDropoutNet, do not count).
bool isDropoutModule(const torch::jit::Module& module)
{
    static const std::set<std::string> kDropoutClasses = {"Dropout",   "Dropout1d",    "Dropout2d",
                                                          "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"};
    const auto type = module.type()->name();
    return type && kDropoutClasses.count(type->name()) > 0;
}

} // namespace

struct Classifier::Impl
{
    std::string path;
    EvalConfig config;
    torch::jit::Module module;
    ResolvedDevice device;
    c10::Device torchDevice{c10::kCPU};
    at::ScalarType dtype = at::kFloat;

    at::Tensor forward(at::Tensor input)
    {
        input = input.to(torchDevice, dtype);
        torch::jit::IValue output = module.forward({input});
        return outputLogits(output, path, "a Tensor[B, C] of logits").to(at::kCPU, at::kFloat).contiguous();
    }

    // The whole task as model inputs, converted once and shared by every run of this classifier,
    // so a repeat hands the model views of it instead of converting bytes again (with OpenBLAS
    // spinning on the other hyperthread, per-batch conversion cost about 12% of a run). It is a
    // normal tensor, not an inference tensor, so an in-place write by the model bumps its version:
    // that is noticed after the forward and the engine falls back to fresh copies.
    static constexpr int64_t kInputCacheBytes = int64_t{512} << 20;
    const formats::ImageTask* cachedTask = nullptr;
    at::Tensor cachedInputs;
    bool modelWritesInputs = false;
    // Per-batch inputs when the cache is not used; reused, as a fresh tensor per batch cost page faults.
    at::Tensor inputBuffer;

    double inputScale() const { return (config.normalizeStd ? 1.0 / *config.normalizeStd : 1.0) / 255.0; }
    double inputOffset() const
    {
        return config.normalizeMean ? -*config.normalizeMean / *config.normalizeStd : 0.0;
    }

    // (v / 255 - mean) / std as v * scale + offset; conversion and scale in one pass.
    void convert(at::Tensor& out, const at::Tensor& bytes) const
    {
        at::mul_out(out, bytes, at::native::wrapped_scalar_tensor(inputScale()));
        if (config.normalizeMean)
            out.add_(inputOffset());
    }

    at::Tensor taskBytes(const formats::ImageTask& task) const
    {
        const int64_t pixels = static_cast<int64_t>(task.rows) * task.cols;
        return torch::from_blob(const_cast<uint8_t*>(task.pixels.data()), {task.n, pixels}, at::kByte);
    }

    const at::Tensor* taskInputs(const formats::ImageTask& task)
    {
        if (modelWritesInputs || static_cast<int64_t>(task.pixels.size() * sizeof(float)) > kInputCacheBytes)
            return nullptr;
        if (cachedTask != &task || !cachedInputs.defined()) {
            c10::InferenceMode normalTensors(false);
            // Only the items a run evaluates (--limit): a 100-item run of a 60,000-item task
            // converts 100 rows, not 188 MB.
            const auto bytes = taskBytes(task).narrow(0, 0, itemCount(task, config));
            cachedInputs = at::empty(bytes.sizes(), at::kFloat);
            convert(cachedInputs, bytes);
            cachedTask = &task;
        }
        return &cachedInputs;
    }

    at::Tensor shaped(const at::Tensor& input, const formats::ImageTask& task) const
    {
        if (config.input == InputLayout::Image)
            return input.view({input.size(0), 1, task.rows, task.cols});
        return input;
    }

    // A batch of the items at `indices` as model inputs. With `useCache`, rows of a fixed order are
    // a view of the cached inputs and other orders a gather from it.
    at::Tensor inputBatch(const formats::ImageTask& task, const int64_t* indices, int64_t count,
                          bool useCache)
    {
        const bool contiguous =
            indices[count - 1] - indices[0] == count - 1 && std::is_sorted(indices, indices + count);
        const auto index = [&] {
            return torch::from_blob(const_cast<int64_t*>(indices), {count}, at::kLong);
        };
        const at::Tensor* cache = useCache ? taskInputs(task) : nullptr;
        if (cache && contiguous)
            return shaped(cache->narrow(0, indices[0], count), task);
        const int64_t pixels = static_cast<int64_t>(task.rows) * task.cols;
        if (!inputBuffer.defined() || inputBuffer.size(0) < count || inputBuffer.size(1) != pixels)
            inputBuffer = at::empty({std::max<int64_t>(count, config.batchSize), pixels}, at::kFloat);
        auto input = inputBuffer.narrow(0, 0, count);
        if (cache) {
            at::index_select_out(input, *cache, 0, index());
        } else {
            const auto bytes = taskBytes(task);
            convert(input, contiguous ? bytes.narrow(0, indices[0], count) : bytes.index_select(0, index()));
        }
        return shaped(input, task);
    }

    at::Tensor forwardItems(const formats::ImageTask& task, const int64_t* indices, int64_t count)
    {
        const auto input = inputBatch(task, indices, count, true);
        const auto version = cachedInputs.defined() ? cachedInputs._version() : 0;
        at::Tensor logits;
        try {
            logits = forward(input);
        } catch (const InputError&) {
            throw;
        } catch (const std::exception& e) {
            // The run is stored as failed with this as its note: the useful line, not a backtrace.
            throw std::runtime_error(path + ": forward failed on items " + std::to_string(indices[0]) +
                                     "...: " + torchErrorSummary(e));
        }
        if (cachedInputs.defined() && cachedInputs._version() != version) {
            // The model wrote into its input: later batches must not see that.
            modelWritesInputs = true;
            releaseCache();
        }
        return logits;
    }

    void releaseCache()
    {
        cachedTask = nullptr;
        cachedInputs = at::Tensor();
    }

    void enableDropout()
    {
        int switched = 0;
        for (auto submodule : module.modules()) {
            if (isDropoutModule(submodule) && submodule.hasattr("training")) {
                // Only this module's flag: Module::train() would recurse into its children.
                submodule.setattr("training", true);
                ++switched;
            }
        }
        if (switched == 0)
            throw InputError(path +
                             ": --dropout train needs a Dropout submodule and this model has none "
                             "(a model saved with torch.jit.trace has dropout frozen off; save it with "
                             "torch.jit.script to keep it)");
    }
};

Classifier::Classifier(const std::string& path, const EvalConfig& config) : d(std::make_unique<Impl>())
{
    d->path = path;
    d->config = config;
    d->device = loadScriptModule(path, config, d->module);
    d->torchDevice = torchDeviceOf(d->device);
    d->dtype = scalarTypeOf(config.dtype);
    if (config.dropout == DropoutMode::Train)
        d->enableDropout();
}

Classifier::~Classifier() = default;

const std::string& Classifier::deviceType() const
{
    return d->device.type;
}

std::string Classifier::deviceDescription() const
{
    return d->device.description;
}

void Classifier::checkAgainst(const formats::ImageTask& task)
{
    c10::InferenceMode guard;
    const int64_t count = std::min<int64_t>(2, task.n);
    if (count == 0)
        throw InputError(task.spec + ": the task has no items");
    std::vector<int64_t> indices(static_cast<size_t>(count));
    std::iota(indices.begin(), indices.end(), 0);
    const auto input = d->inputBatch(task, indices.data(), count, false);
    at::Tensor logits;
    try {
        logits = d->forward(input);
    } catch (const InputError&) {
        throw;
    } catch (const std::exception& e) {
        // TorchScript raises torch::jit::JITException (a std::runtime_error) whose last line is
        // the Python-style error; c10::Error has its own first line.
        throw InputError(d->path + ": forward failed on a float input of shape " + shapeText(input) + " (" +
                         torchErrorSummary(e) + ")" +
                         (d->config.input == InputLayout::Image
                              ? "; if the model takes flat vectors, use --input flat"
                              : "; if the model takes images, use --input image"));
    }
    if (logits.dim() != 2 || logits.size(0) != count)
        throw InputError(d->path + ": output has shape " + shapeText(logits) +
                         ", expected [B, C] logits = [" + std::to_string(count) + ", C]");
    const int64_t classes = logits.size(1);
    const bool exact = task.spec.rfind("idx:", 0) != 0;
    if (classes < task.numClasses() || (exact && classes != task.numClasses()))
        throw InputError(d->path + ": outputs " + std::to_string(classes) + " classes but " + task.label +
                         " has " + std::to_string(task.numClasses()) + " (labels 0 to " +
                         std::to_string(task.numClasses() - 1) + ")");

    if (d->config.dropout == DropoutMode::Train) {
        // Two forwards of the same input with different dropout masks must differ, or the
        // "MC-dropout" repeats would silently be greedy repeats.
        torch::manual_seed(1);
        const auto first = d->forward(input);
        torch::manual_seed(2);
        const auto second = d->forward(input);
        if (torch::equal(first, second))
            throw InputError(d->path +
                             ": --dropout train changes nothing: two forwards with different dropout "
                             "masks came out identical (a model saved with torch.jit.trace has dropout "
                             "frozen off; save it with torch.jit.script to keep it)");
    }
}

std::vector<store::ItemRow> Classifier::evaluate(const formats::ImageTask& task, int64_t seed,
                                                 const BatchProgress& progress,
                                                 const std::atomic<bool>* cancel)
{
    c10::InferenceMode guard;
    const auto& config = d->config;
    applyRuntime();
    seedTorch(static_cast<uint64_t>(seed), d->device);

    const int64_t n = itemCount(task, config);
    const std::vector<int64_t> order = runOrder(n, config, seed);

    std::vector<store::ItemRow> items(static_cast<size_t>(n));
    AnswerPicker picker(config);
    for (int64_t start = 0; start < n; start += config.batchSize) {
        if (cancel && cancel->load(std::memory_order_relaxed))
            throw Cancelled();
        const int64_t count = std::min<int64_t>(config.batchSize, n - start);
        const int64_t* indices = order.data() + start;
        const auto logits = d->forwardItems(task, indices, count);
        const int classes = static_cast<int>(logits.size(1));
        const float* rows = logits.data_ptr<float>();
        // p_true for the whole batch in one vectorised softmax (per-item scalar exp was most of
        // the engine's overhead over a bare forward loop).
        const auto probabilities = logits.softmax(1);
        const float* probabilityRows = probabilities.data_ptr<float>();
        for (int64_t b = 0; b < count; ++b) {
            const int64_t idx = indices[b];
            const float* row = rows + b * classes;
            const int label = task.labels[static_cast<size_t>(idx)];
            const double uniform = config.decoding == Decoding::Sample
                                       ? counterUniform(static_cast<uint64_t>(seed),
                                                        static_cast<uint64_t>(idx), DrawStream::Answer)
                                       : 0.0;
            auto& item = items[static_cast<size_t>(idx)];
            item.idx = idx;
            item.predicted = picker.pick(row, classes, uniform);
            item.correct = item.predicted == label;
            item.pTrue = probabilityRows[b * classes + label];
        }
        if (progress)
            progress(start + count, n);
    }
    return items;
}

double Classifier::bareForwardItemsPerSecond(const formats::ImageTask& task, int repeats)
{
    c10::InferenceMode guard;
    applyRuntime();
    const int64_t n = itemCount(task, d->config);
    std::vector<int64_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::vector<at::Tensor> batches;
    for (int64_t start = 0; start < n; start += d->config.batchSize) {
        const int64_t count = std::min<int64_t>(d->config.batchSize, n - start);
        batches.push_back(
            d->inputBatch(task, order.data() + start, count, false).clone().to(d->torchDevice, d->dtype));
    }
    const auto started = std::chrono::steady_clock::now();
    for (int r = 0; r < repeats; ++r)
        for (const auto& batch : batches)
            d->module.forward({batch});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return static_cast<double>(n) * repeats / seconds;
}

void Classifier::releaseInputCache()
{
    d->releaseCache();
}

void Classifier::applyRuntime()
{
    applyThreads(d->config.threads);
    applyDeterminism(d->config.deterministic);
}

void Classifier::describe(env::Snapshot& snapshot) const
{
    describeRuntime(snapshot, d->device);
    snapshot.set("engine.dtype", toString(d->config.dtype));
}

std::vector<int64_t> runOrder(int64_t items, const EvalConfig& config, int64_t seed)
{
    if (config.order == Order::Shuffled)
        return shuffledOrder(items, static_cast<uint64_t>(seed));
    std::vector<int64_t> order(static_cast<size_t>(items));
    std::iota(order.begin(), order.end(), 0);
    return order;
}

int64_t itemCount(const formats::ImageTask& task, const EvalConfig& config)
{
    return config.limit > 0 ? std::min<int64_t>(config.limit, task.n) : task.n;
}

} // namespace nf::engine
