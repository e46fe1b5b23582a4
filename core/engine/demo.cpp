#include "engine/demo.h"

namespace nf::engine {

std::vector<RunPlan> demoPlans(const DemoModels& models, int repeats)
{
    struct Variant
    {
        const char* label;
        Decoding decoding;
        DropoutMode dropout;
    };
    constexpr Variant kVariants[] = {
        {"greedy", Decoding::Greedy, DropoutMode::Eval},
        {"sample T=1.0", Decoding::Sample, DropoutMode::Eval},
        {"MC-dropout", Decoding::Greedy, DropoutMode::Train},
    };
    const std::pair<std::filesystem::path, const char*> kModels[] = {
        {models.oneEpoch, "demo MLP, 1 epoch"},
        {models.threeEpochs, "demo MLP, 3 epochs"},
    };

    std::vector<RunPlan> plans;
    for (const auto& [path, modelLabel] : kModels) {
        for (const auto& variant : kVariants) {
            RunPlan plan;
            plan.modelPath = path.string();
            plan.modelLabel = modelLabel;
            plan.taskSpec = "fashion-mnist:test";
            plan.config.decoding = variant.decoding;
            plan.config.temperature = 1.0;
            plan.config.dropout = variant.dropout;
            plan.config.batchSize = 256;
            plan.seeds = seedRange(1, repeats);
            plan.label = std::string("demo: ") + variant.label;
            plans.push_back(std::move(plan));
        }
    }
    return plans;
}

} // namespace nf::engine
