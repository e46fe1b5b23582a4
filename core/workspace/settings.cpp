#include "workspace/settings.h"

#include "common/error.h"
#include "stats/describe.h"
#include "stats/zones.h"
#include "store/store.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace nf::workspace {
namespace {

constexpr const char* kThresholdsKey = "zones.thresholds";
constexpr const char* kReferenceKey = "zones.reference";

std::string pinKey(int64_t taskId)
{
    return "pin.task." + std::to_string(taskId);
}

std::string taskThresholdsKey(int64_t taskId)
{
    return std::string(kThresholdsKey) + ".task." + std::to_string(taskId);
}

std::string mattersKey(int64_t taskId)
{
    return "matters.task." + std::to_string(taskId);
}

stats::ZoneThresholds parseStoredThresholds(const store::Store& store, const std::string& key, const std::string& text,
                                            const std::string& fix)
{
    try {
        return stats::parseThresholds(text);
    } catch (const InputError& e) {
        throw StoreError(store.path().string() + ": setting " + key + ": " + e.what() + "; set it again with `" +
                         fix + "`");
    }
}

// A setting that was cleared is stored empty (the settings table keeps the key).
std::optional<std::string> nonEmptySetting(const store::Store& store, const std::string& key)
{
    auto text = store.setting(key);
    if (!text || text->empty())
        return std::nullopt;
    return text;
}

} // namespace

stats::ZoneThresholds zoneThresholds(const store::Store& store)
{
    const auto text = nonEmptySetting(store, kThresholdsKey);
    if (!text)
        return {};
    return parseStoredThresholds(store, kThresholdsKey, *text, "noisefloor-cli zones --set 1,3,5");
}

stats::ZoneThresholds taskZoneThresholds(const store::Store& store, int64_t taskId)
{
    const std::string key = taskThresholdsKey(taskId);
    if (const auto text = nonEmptySetting(store, key))
        return parseStoredThresholds(store, key, *text,
                                     "noisefloor-cli zones --task " + std::to_string(taskId) + " --set 1,3,5");
    return zoneThresholds(store);
}

bool taskHasOwnThresholds(const store::Store& store, int64_t taskId)
{
    return nonEmptySetting(store, taskThresholdsKey(taskId)).has_value();
}

void setTaskZoneThresholds(store::Store& store, int64_t taskId, const std::optional<stats::ZoneThresholds>& thresholds)
{
    store.setSetting(taskThresholdsKey(taskId),
                     thresholds ? stats::formatThresholds(stats::parseThresholds(stats::formatThresholds(*thresholds)))
                                : std::string());
}

double differenceThatMatters(const store::Store& store, int64_t taskId)
{
    const std::string key = mattersKey(taskId);
    const auto text = nonEmptySetting(store, key);
    if (!text)
        return taskZoneThresholds(store, taskId).watch;
    char* end = nullptr;
    const double points = std::strtod(text->c_str(), &end);
    if (end == text->c_str() || *end != '\0' || !std::isfinite(points) || points <= 0.0)
        throw StoreError(store.path().string() + ": setting " + key + ": '" + *text +
                         "' is not a positive number of points; set it again with `noisefloor-cli zones --task " +
                         std::to_string(taskId) + " --matters 1`");
    return points;
}

bool taskHasOwnDifferenceThatMatters(const store::Store& store, int64_t taskId)
{
    return nonEmptySetting(store, mattersKey(taskId)).has_value();
}

void setDifferenceThatMatters(store::Store& store, int64_t taskId, std::optional<double> points)
{
    if (points && !(std::isfinite(*points) && *points > 0.0 && *points <= 100.0))
        throw InputError("the difference that matters must be a number of accuracy points in (0, 100], got " +
                         std::to_string(*points));
    char text[64] = "";
    if (points)
        std::snprintf(text, sizeof text, "%.15g", *points);
    store.setSetting(mattersKey(taskId), text);
}

stats::SummaryOptions summaryOptions(const store::Store& store, int64_t taskId)
{
    stats::SummaryOptions options;
    options.thresholds = taskZoneThresholds(store, taskId);
    options.mode = referenceMode(store);
    if (const auto pinned = pinnedReference(store, taskId)) {
        options.pinnedReference = pinned->accuracy;
        options.pinnedLabel = pinned->label;
    }
    return options;
}

stats::CompareOptions compareOptions(const store::Store& store, int64_t taskId, std::optional<double> deltaPoints)
{
    stats::CompareOptions options;
    options.thresholds = taskZoneThresholds(store, taskId);
    options.deltaUserPoints = deltaPoints ? *deltaPoints : differenceThatMatters(store, taskId);
    return options;
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
    if (run->status != store::RunStatus::Completed)
        throw InputError("run " + std::to_string(runId) + " is " + store::toString(run->status) +
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

} // namespace nf::workspace
