#include "analysis/settings.h"

#include "common/error.h"
#include "stats/describe.h"
#include "stats/zones.h"
#include "store/store.h"

namespace nf::analysis {
namespace {

constexpr const char* kThresholdsKey = "zones.thresholds";
constexpr const char* kReferenceKey = "zones.reference";

std::string pinKey(int64_t taskId)
{
    return "pin.task." + std::to_string(taskId);
}

} // namespace

stats::ZoneThresholds zoneThresholds(const store::Store& store)
{
    const auto text = store.setting(kThresholdsKey);
    if (!text)
        return {};
    try {
        return stats::parseThresholds(*text);
    } catch (const InputError& e) {
        throw StoreError(store.path().string() + ": setting " + kThresholdsKey + ": " + e.what() +
                         "; set it again with `noisefloor-cli zones --set 1,3,5`");
    }
}

void setZoneThresholds(store::Store& store, const stats::ZoneThresholds& thresholds)
{
    // Round-trips through the parser, which refuses thresholds that are not positive and increasing.
    store.setSetting(kThresholdsKey,
                     stats::formatThresholds(stats::parseThresholds(stats::formatThresholds(thresholds))));
}

stats::ReferenceMode referenceMode(const store::Store& store)
{
    const auto text = store.setting(kReferenceKey);
    return text && *text == "mean" ? stats::ReferenceMode::Mean : stats::ReferenceMode::Median;
}

void setReferenceMode(store::Store& store, stats::ReferenceMode mode)
{
    store.setSetting(kReferenceKey, mode == stats::ReferenceMode::Mean ? "mean" : "median");
}

std::string Pin::label() const
{
    return (kind == Kind::Run ? "run " : "group ") + std::to_string(id);
}

std::optional<Pin> pinForTask(const store::Store& store, int64_t taskId)
{
    const auto text = store.setting(pinKey(taskId));
    if (!text || text->empty())
        return std::nullopt;
    // Written by pinGroup/pinRun as "group:ID" or "run:ID"; anything else (a hand edit) is no pin.
    const auto colon = text->find(':');
    const std::string kind = colon == std::string::npos ? std::string() : text->substr(0, colon);
    const std::string id = colon == std::string::npos ? std::string() : text->substr(colon + 1);
    if ((kind != "run" && kind != "group") || id.empty() || id.size() > 18 ||
        id.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    Pin pin;
    pin.kind = kind == "run" ? Pin::Kind::Run : Pin::Kind::Group;
    pin.id = std::stoll(id);
    // A pinned run or group deleted since (from the app's run browser) leaves the setting behind.
    const bool exists =
        pin.kind == Pin::Kind::Run ? store.run(pin.id).has_value() : store.group(pin.id).has_value();
    if (!exists)
        return std::nullopt;
    return pin;
}

int64_t pinGroup(store::Store& store, int64_t groupId)
{
    const auto group = store.group(groupId);
    if (!group)
        throw InputError("group " + std::to_string(groupId) + " is not in " + store.path().string());
    if (group->accuracies.empty())
        throw InputError("group " + std::to_string(groupId) + " has no completed runs to be a baseline");
    store.setSetting(pinKey(group->taskId), "group:" + std::to_string(groupId));
    return group->taskId;
}

int64_t pinRun(store::Store& store, int64_t runId)
{
    const auto run = store.run(runId);
    if (!run)
        throw InputError("run " + std::to_string(runId) + " is not in " + store.path().string());
    if (run->status != store::kCompleted)
        throw InputError("run " + std::to_string(runId) + " is " + run->status +
                         ": only a completed run can be a baseline");
    const auto taskId = store.group(run->configId)->taskId;
    store.setSetting(pinKey(taskId), "run:" + std::to_string(runId));
    return taskId;
}

bool unpinTask(store::Store& store, int64_t taskId)
{
    if (!pinForTask(store, taskId))
        return false;
    store.setSetting(pinKey(taskId), "");
    return true;
}

std::optional<PinnedReference> pinnedReference(const store::Store& store, int64_t taskId)
{
    const auto pin = pinForTask(store, taskId);
    if (!pin)
        return std::nullopt;
    if (pin->kind == Pin::Kind::Run) {
        const auto run = store.run(pin->id);
        if (!run || !run->accuracy)
            return std::nullopt;
        return PinnedReference{*run->accuracy, pin->label()};
    }
    const auto group = store.group(pin->id);
    if (!group || group->accuracies.empty())
        return std::nullopt;
    return PinnedReference{stats::describe(group->accuracies).mean, pin->label()};
}

} // namespace nf::analysis
