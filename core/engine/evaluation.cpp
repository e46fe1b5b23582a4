// Evaluation: a plan with its model and task loaded and checked against each other. The runner
// (runner.cpp) stores what it evaluates.

#include "engine/runner.h"

#include "engine/plan_check.h"

#include "common/error.h"
#include "common/paths.h"
#include "common/sha256.h"
#include "engine/classifier.h"
#include "engine/hf_model.h"
#include "engine/prompt.h"
#include "env/environment.h"
#include "formats/hf_config.h"
#include "formats/mcq.h"
#include "formats/task.h"
#include "formats/tokenizer.h"
#include "store/store.h"

#include <filesystem>
#include <map>

namespace nf::engine {

struct Evaluation::Impl
{
    RunPlan plan;
    LoadedTask task;
    // Exactly one of the two model kinds, matching the task's kind.
    std::unique_ptr<Classifier> classifier;
    std::unique_ptr<CausalLm> lm;
    std::shared_ptr<const formats::Tokenizer> tokenizer;
    std::unique_ptr<PromptBuilder> prompts;
    std::string modelSha256;
    std::string adapterSha256;
    std::string paramsJson;
    std::string configHash;
    std::string taskSpec;
    std::string taskSha256;
    std::string deviceType;

    // tokenizer_config.json beside tokenizer.json, as transformers applies it over the
    // post-processor: a BOS or EOS it adds or removes around prompts encoded whole.
    void applyTokenizerSettings(PromptOptions& options, EvalConfig& config, bool folder) const
    {
        // Its pieces are encoded without special tokens, as LLaMA-Factory's are; and a TorchScript
        // file's prompts stay what they were (its groups keep their keys).
        if (!folder || promptTemplate(config.lm->promptTemplate).piecewise)
            return;
        const auto settingsPath = std::filesystem::path(plan.tokenizerPath).parent_path() / "tokenizer_config.json";
        const auto settings = formats::readTokenizerSettings(settingsPath);
        const auto modelConfig = formats::readHfConfig(plan.modelPath);
        auto idOf = [&](const std::string& token, bool bos) -> std::optional<int32_t> {
            if (!token.empty())
                if (const auto id = tokenizer->tokenToId(token))
                    return id;
            const auto& fallback = bos ? modelConfig.bosTokenId : modelConfig.eosTokenId;
            if (fallback)
                return static_cast<int32_t>(*fallback);
            return std::nullopt;
        };
        auto adjust = [&](std::optional<bool> add, const std::string& token, bool bos,
                          const std::vector<int32_t>& current) -> std::optional<std::vector<int32_t>> {
            if (!add)
                return std::nullopt;
            const auto id = idOf(token, bos);
            if (*add && current.empty()) {
                if (!id)
                    throw InputError(settingsPath.string() + ": add_" + (bos ? "bos" : "eos") +
                                     "_token is true but no " + (bos ? "bos" : "eos") +
                                     "_token is named here or in config.json");
                return std::vector<int32_t>{*id};
            }
            if (!*add && !current.empty() && id && current == std::vector<int32_t>{*id})
                return std::vector<int32_t>{};
            return std::nullopt;
        };
        options.specialPrefix = adjust(settings.addBos, settings.bosToken, true, tokenizer->specialPrefix());
        options.specialSuffix = adjust(settings.addEos, settings.eosToken, false, tokenizer->specialSuffix());
        auto text = [](const std::vector<int32_t>& ids) {
            std::string words;
            for (const int32_t id : ids)
                words += (words.empty() ? "" : " ") + std::to_string(id);
            return words.empty() ? std::string("none") : words;
        };
        if (options.specialPrefix || options.specialSuffix)
            config.lm->specialTokens =
                "bos " + text(options.specialPrefix.value_or(tokenizer->specialPrefix())) + " | eos " +
                text(options.specialSuffix.value_or(tokenizer->specialSuffix()));
    }

    void loadLanguageModel()
    {
        checkLanguageModelPlan(plan, *task.mcq);
        auto& config = plan.config;
        const bool folder = formats::isHfModelFolder(plan.modelPath);
        tokenizer = std::make_shared<const formats::Tokenizer>(formats::Tokenizer::fromFile(plan.tokenizerPath));
        config.lm->tokenizerSha256 = tokenizer->sha256();
        PromptOptions options;
        applyTokenizerSettings(options, config, folder);
        options.templateName = config.lm->promptTemplate;
        options.nShot = config.lm->nShot;
        options.shots = config.lm->shots;
        options.maxLength = config.lm->maxLength;
        prompts = std::make_unique<PromptBuilder>(task.mcq, tokenizer, options);
        // A folder is refused here, before a weight is read, when its weights and a batch of the
        // longest prompt (of a sample spread over the task) will not fit.
        int64_t longest = 1;
        if (folder) {
            const int64_t n = task.mcq->n();
            const int64_t step = std::max<int64_t>(1, n / 256);
            for (int64_t idx = 0; idx < n; idx += step)
                longest = std::max<int64_t>(longest, static_cast<int64_t>(prompts->build(idx, 0).ids.size()));
        }
        lm = std::make_unique<CausalLm>(plan.modelPath, plan.adapterPath, config, longest);
        if (const auto* info = lm->folderInfo())
            checkFits(*info);
        lm->checkAgainst(prompts->build(0, 0).ids, prompts->choiceIds(), tokenizer->vocabSize());
        taskSpec = task.mcq->spec;
        taskSha256 = task.mcq->sha256;
        deviceType = lm->deviceType();
    }

    void loadClassifier()
    {
        checkClassifierPlan(plan);
        classifier = std::make_unique<Classifier>(plan.modelPath, plan.config);
        classifier->checkAgainst(*task.image);
        taskSpec = task.image->spec;
        taskSha256 = task.image->sha256;
        deviceType = classifier->deviceType();
    }
};

Evaluation::Evaluation(RunPlan plan) : Evaluation(std::move(plan), LoadedTask{}) {}

Evaluation::Evaluation(RunPlan plan, LoadedTask task) : d(std::make_unique<Impl>())
{
    normalizePlan(plan);
    d->task = (task.image || task.mcq) ? std::move(task) : loadTask(plan.taskSpec);
    d->plan = std::move(plan);
    if (d->task.mcq)
        d->loadLanguageModel();
    else
        d->loadClassifier();
    d->adapterSha256 = adapterSha256(d->plan.adapterPath);
    d->modelSha256 = std::filesystem::is_directory(d->plan.modelPath)
                         ? modelFolderSha256(d->plan.modelPath, d->adapterSha256)
                         : sha256File(d->plan.modelPath);
    d->paramsJson = canonicalParamsJson(d->plan.config, d->deviceType);
    d->configHash = engine::configHash(d->paramsJson, d->modelSha256, d->taskSha256);
}

Evaluation::~Evaluation() = default;
Evaluation::Evaluation(Evaluation&&) noexcept = default;
Evaluation& Evaluation::operator=(Evaluation&&) noexcept = default;

const RunPlan& Evaluation::plan() const
{
    return d->plan;
}
bool Evaluation::isLanguageModel() const
{
    return d->lm != nullptr;
}
const std::string& Evaluation::taskSpec() const
{
    return d->taskSpec;
}
const std::string& Evaluation::taskSha256() const
{
    return d->taskSha256;
}
const ModelFolderInfo* Evaluation::folderInfo() const
{
    return d->lm ? d->lm->folderInfo() : nullptr;
}

std::string Evaluation::deviceDescription() const
{
    return d->lm ? d->lm->deviceDescription() : d->classifier->deviceDescription();
}
const std::string& Evaluation::modelSha256() const
{
    return d->modelSha256;
}
const std::string& Evaluation::paramsJson() const
{
    return d->paramsJson;
}
const std::string& Evaluation::configHash() const
{
    return d->configHash;
}
int64_t Evaluation::itemsPerRun() const
{
    const auto& config = d->plan.config;
    if (d->task.mcq)
        return config.limit > 0 ? std::min<int64_t>(config.limit, d->task.mcq->n()) : d->task.mcq->n();
    return itemCount(*d->task.image, config);
}

std::vector<store::ItemRow> Evaluation::evaluate(int64_t seed, const std::vector<bool>& done,
                                                 const BatchProgress& progress, const std::atomic<bool>* cancel,
                                                 const ItemChunkSink& sink)
{
    if (d->lm)
        return d->lm->evaluate(*d->task.mcq, *d->prompts, seed, done, progress, cancel, sink);
    auto items = d->classifier->evaluate(*d->task.image, seed, progress, cancel);
    if (!done.empty())
        std::erase_if(items, [&](const store::ItemRow& item) {
            return static_cast<size_t>(item.idx) < done.size() && done[static_cast<size_t>(item.idx)];
        });
    return items;
}

const char* Evaluation::modelKind() const
{
    return d->lm ? "causal_lm" : "classifier";
}

std::string Evaluation::taskKind() const
{
    return d->task.mcq ? d->task.mcq->kind : "image";
}

std::string Evaluation::taskLabel() const
{
    return d->task.mcq ? d->task.mcq->label : d->task.image->label;
}

std::vector<store::TaskItem> Evaluation::taskItems() const
{
    std::vector<store::TaskItem> items;
    if (d->task.mcq) {
        const auto& task = *d->task.mcq;
        items.reserve(task.items.size());
        for (const auto& item : task.items)
            items.push_back({task.subjects[static_cast<size_t>(item.subject)].key,
                             std::string(1, formats::choiceLetter(item.answer))});
        return items;
    }
    const auto& task = *d->task.image;
    items.resize(static_cast<size_t>(task.n));
    for (size_t i = 0; i < items.size(); ++i) {
        const int label = task.labels[i];
        items[i] = {task.classNames[static_cast<size_t>(label)], std::to_string(label)};
    }
    return items;
}

void Evaluation::applyRuntime()
{
    if (d->lm)
        d->lm->applyRuntime();
    else
        d->classifier->applyRuntime();
}

void Evaluation::describe(env::Snapshot& snapshot) const
{
    if (d->lm) {
        d->lm->describe(snapshot);
        snapshot.set("engine.tokenizer", d->plan.tokenizerPath);
        if (!d->plan.adapterPath.empty()) {
            snapshot.set("engine.adapter", d->plan.adapterPath);
            snapshot.set("model.adapter_sha256", d->adapterSha256);
        }
    } else {
        d->classifier->describe(snapshot);
    }
}

void Evaluation::releaseCaches()
{
    if (d->classifier)
        d->classifier->releaseInputCache();
    if (d->lm)
        d->lm->releaseWeights();
}

std::vector<Evaluation> prepareEvaluations(std::vector<RunPlan> plans)
{
    std::map<std::string, LoadedTask> tasks;
    std::vector<Evaluation> evaluations;
    for (auto& plan : plans) {
        auto& task = tasks[plan.taskSpec];
        if (!task.image && !task.mcq)
            task = loadTask(plan.taskSpec);
        evaluations.emplace_back(std::move(plan), task);
    }
    return evaluations;
}

} // namespace nf::engine
