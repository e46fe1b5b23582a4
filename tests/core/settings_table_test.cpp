// The table of evaluation settings (engine/settings.h): what every consumer takes from it.

#include "core/error_message.h"
#include "engine/config.h"
#include "engine/settings.h"

#include <gtest/gtest.h>

#include <set>

using namespace nf::engine;
using nf::test::errorMessage;

TEST(SettingsTable, DeclaresEachKeyAndOptionOnce)
{
    std::set<std::string> keys;
    std::set<std::string> options;
    for (const Setting& setting : settings()) {
        EXPECT_TRUE(keys.insert(setting.key).second) << setting.key;
        if (setting.option) {
            EXPECT_TRUE(options.insert(setting.option).second) << setting.option;
        }
        EXPECT_TRUE(setting.get && setting.set) << setting.key;
        EXPECT_EQ(setting.derived, setting.option == nullptr)
            << setting.key << ": a user gives it, or the files do";
    }
    EXPECT_THROW(setting("beam_width"), std::out_of_range);
}

TEST(SettingsTable, ChoicesAreTheEnumsWordsInTheirOrder)
{
    EXPECT_EQ(setting("decoding").choices, (std::vector<std::string>{"greedy", "sample"}));
    EXPECT_STREQ(toString(DType::BFloat16), "bf16");
    EXPECT_EQ(parseShotSelection("per-run"), ShotSelection::PerRun);
    EXPECT_EQ(parseShotSelection("seeded"), ShotSelection::PerItem);
    EXPECT_EQ(errorMessage([] { parseOrder("random"); }), "order: 'random' is not one of fixed | shuffled");
}

TEST(SettingsTable, DefaultsAreThoseOfAConfigMadeWithNoOptions)
{
    EXPECT_EQ(setting("batch_size").defaultValue(), SettingValue(int64_t{256}));
    EXPECT_EQ(setting("top_p").defaultValue(), SettingValue(1.0));
    EXPECT_EQ(setting("shots").defaultValue(), SettingValue(std::string("per-item")));
    EXPECT_EQ(setting("n_shot").defaultValue(), SettingValue(int64_t{5}));
    EXPECT_FALSE(setting("normalize").defaultValue().has_value()) << "unset until given";
}

TEST(SettingsTable, SettingALanguageModelsKnobMakesTheConfigALanguageModels)
{
    EvalConfig config;
    EXPECT_FALSE(setting("max_length").get(config).has_value());
    setting("max_length").set(config, int64_t{512});
    ASSERT_TRUE(config.lm.has_value());
    EXPECT_EQ(config.lm->maxLength, 512);
    EXPECT_EQ(config.lm->nShot, 5) << "the others keep their defaults";
}

TEST(SettingsTable, ValuesReadAsTheyAreTypedAndNameTheKey)
{
    EXPECT_EQ(parseSettingText(setting("limit"), "20"), SettingValue(int64_t{20}));
    EXPECT_EQ(parseSettingText(setting("normalize"), "0.286,0.353"), SettingValue(std::pair(0.286, 0.353)));
    EXPECT_EQ(errorMessage([] { parseSettingText(setting("normalize"), "0.5"); }),
              "normalize: '0.5' should be MEAN,STD (for example 0.2860,0.3530)");
    EXPECT_EQ(errorMessage([] { parseSettingText(setting("limit"), "ten"); }),
              "limit: 'ten' is not a whole number");
    EXPECT_EQ(settingText(setting("normalize"), std::pair(1.0 / 3, 0.5)), "0.3333333333333333,0.5");
}

TEST(SettingsTable, RangesGiveTheMessagesValidateAlwaysGave)
{
    EXPECT_EQ(errorMessage([] { checkSettingValue(setting("batch_size"), int64_t{0}); }),
              "batch_size: 0 must be from 1 to 65536");
    EXPECT_EQ(errorMessage([] { checkSettingValue(setting("top_p"), 1.5); }),
              "top_p: 1.5 must be in (0, 1]");
    EXPECT_EQ(errorMessage([] { checkSettingValue(setting("max_length"), int64_t{7}); }),
              "max_length: 7 must be at least 8 tokens");
    EXPECT_EQ(errorMessage([] { checkSettingValue(setting("device"), std::string("tpu")); }),
              "device: 'tpu' is not one of auto | cpu | cuda | cuda:N");
    EvalConfig config;
    config.lm.emplace();
    config.lm->nShot = -1;
    EXPECT_EQ(errorMessage([&] { validate(config); }), "n_shot: -1 must be 0 or more");
    config.lm.reset();
    config.threads = -2;
    EXPECT_EQ(errorMessage([&] { validate(config); }),
              "threads: -2 must be 0 (automatic) or from 1 to " + std::to_string(maxThreads()) + " (4 per core)");
}

TEST(SettingsTable, ASettingAddedLaterLeavesStoredGroupsTheirBytes)
{
    // As top_k would be, had it come after groups were stored.
    Setting later = setting("top_k");
    later.addedLater = true;
    const auto byDefault = later.defaultValue();
    ASSERT_TRUE(byDefault.has_value());
    EXPECT_FALSE(inCanonicalJson(later, *byDefault)) << "at its default it is left out of the text";
    EXPECT_TRUE(inCanonicalJson(later, SettingValue(int64_t{5}))) << "set, it is in the text";
    EXPECT_TRUE(absentMeansDefault(later)) << "a stored text without it reads as the default";

    // Today's settings keep today's texts: written at their default, and required in a stored text.
    const Setting& now = setting("top_k");
    EXPECT_TRUE(inCanonicalJson(now, *now.defaultValue()));
    EXPECT_FALSE(absentMeansDefault(now));
    EXPECT_TRUE(absentMeansDefault(setting("normalize"))) << "unset until given";
    for (const Setting& each : settings())
        EXPECT_FALSE(each.addedLater) << each.key << ": the pinned texts (canonical_json_test) predate it";
}
