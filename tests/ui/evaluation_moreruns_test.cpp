// "Run N more repeats" of a group: the plan that adds runs to that same group.

#include "common/error.h"
#include "engine/fixture.h"
#include "store/store.h"
#include "engine/resume_plan.h"

#include <gtest/gtest.h>

namespace nf::ui {
namespace {

class MoreRunsTest : public ::testing::Test
{
protected:
    // Runs the plan with the engine and returns its group.
    int64_t run(const engine::RunPlan& plan)
    {
        std::vector<engine::RunPlan> plans{plan};
        auto evaluations = engine::prepareEvaluations(plans);
        engine::RepeatRunner runner(m_store, nullptr, nullptr);
        return runner.run(evaluations).outcomes.front().configId;
    }

    engine::RunPlan samplePlan(const std::string& model) const
    {
        engine::RunPlan plan;
        plan.modelPath = model;
        plan.modelLabel = "tiny";
        plan.taskSpec = m_world.taskSpec();
        plan.seeds = {1, 2, 5};
        plan.label = "sweep";
        plan.config.decoding = engine::Decoding::Sample;
        plan.config.temperature = 0.7;
        plan.config.batchSize = 8;
        plan.config.device = "cpu";
        return plan;
    }

    test::TinyWorld m_world;
    test::ScratchDir m_dir;
    store::Store m_store{m_dir / "runs.sqlite"};
};

TEST_F(MoreRunsTest, NewSeedsFollowTheGroupsLargestAndTheRunsJoinTheSameGroup)
{
    const auto group = run(samplePlan(m_world.model("tiny")));
    const auto plans = engine::morePlansForGroup(m_store, group, 2);
    ASSERT_EQ(plans.size(), 1u);
    EXPECT_EQ(plans[0].seeds, (std::vector<int64_t>{6, 7}));
    EXPECT_EQ(plans[0].modelLabel, "tiny");
    EXPECT_EQ(plans[0].label, "sweep");
    EXPECT_EQ(plans[0].taskSpec, m_world.taskSpec());
    EXPECT_EQ(plans[0].config.decoding, engine::Decoding::Sample);
    EXPECT_DOUBLE_EQ(plans[0].config.temperature, 0.7);

    EXPECT_EQ(run(plans[0]), group);
    store::RunFilter ofGroup;
    ofGroup.configId = group;
    EXPECT_EQ(m_store.runs(ofGroup).size(), 5u);
}

TEST_F(MoreRunsTest, MissingModelFileIsNamed)
{
    const auto model = m_world.model("tiny");
    const auto group = run(samplePlan(model));
    std::filesystem::remove(model);
    try {
        engine::morePlansForGroup(m_store, group, 3);
        FAIL() << "no error for a missing model file";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find(std::filesystem::absolute(model).string()), std::string::npos)
            << e.what();
    }
}

TEST_F(MoreRunsTest, ChangedModelFileIsRefusedRatherThanStartingANewGroup)
{
    const auto model = m_world.model("tiny");
    const auto group = run(samplePlan(model));
    engine::TinyClassifierSpec other;
    other.seed = 9;
    m_world.model("tiny", other);
    EXPECT_THROW(engine::morePlansForGroup(m_store, group, 3), InputError);
}

TEST_F(MoreRunsTest, ImportedGroupsCannotBeRepeated)
{
    const auto model = m_store.ensureModel("", "aa", "imported", "someone's model");
    const auto task = m_store.ensureTask("imported", "", "bb", "mmlu", {{"x", "A"}});
    const auto group = m_store.ensureConfig(model, task, "{}", "cc");
    try {
        engine::morePlansForGroup(m_store, group, 3);
        FAIL() << "no error for an imported group";
    } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("imported runs cannot be repeated here: ", 0), 0u) << e.what();
    }
}

} // namespace
} // namespace nf::ui
