#include "workspace/comparison.h"

#include "common/error.h"

namespace nf::workspace {
namespace {

store::GroupRow requireGroup(const store::Store& store, int64_t id)
{
    auto group = store.group(id);
    if (!group)
        throw InputError("group " + std::to_string(id) + " is not in " + store.path().string());
    return *group;
}

} // namespace

std::string ComparisonInput::labelA() const
{
    return pinnedA ? "pinned " + pinnedA->label() : "group " + std::to_string(a.id);
}

ComparisonInput prepareComparison(const store::Store& store, std::optional<int64_t> groupA, int64_t groupB,
                                  std::optional<double> delta)
{
    ComparisonInput input;
    input.b = requireGroup(store, groupB);
    if (groupA) {
        input.a = requireGroup(store, *groupA);
        if (input.a.taskId != input.b.taskId)
            throw InputError("groups " + std::to_string(input.a.id) + " and " + std::to_string(input.b.id) +
                             " are on different tasks (" + input.a.taskLabel + " vs " + input.b.taskLabel +
                             "): a comparison needs the same items");
        if (input.a.id == input.b.id)
            throw InputError("A and B are the same group (" + std::to_string(input.b.id) +
                             "): choose another for one of them");
        input.dataA = loadGroupData(store, input.a.id);
    } else {
        input.pinnedA = pinForTask(store, input.b.taskId);
        if (!input.pinnedA)
            throw InputError("no baseline is pinned for " + input.b.taskLabel + ", the task of group " +
                             std::to_string(input.b.id) + ": pin a run or a group of it first");
        if (input.pinnedA->kind == Pin::Kind::Run) {
            input.dataA = loadRunData(store, input.pinnedA->id);
            input.a = requireGroup(store, store.run(input.pinnedA->id)->configId);
        } else {
            input.a = requireGroup(store, input.pinnedA->id);
            if (input.a.id == input.b.id)
                throw InputError("group " + std::to_string(input.b.id) +
                                 " is itself the pinned baseline of its task: choose another group as B");
            input.dataA = loadGroupData(store, input.a.id);
        }
    }
    input.dataB = loadGroupData(store, input.b.id);
    input.options = compareOptions(store, input.b.taskId, delta);
    // A pinned run is one fixed run: more runs of its group would not change it.
    input.options.aIsFixedRun = input.pinnedA && input.pinnedA->kind == Pin::Kind::Run;
    input.environment = environmentDifferences(store, input.a.id, input.b.id);
    return input;
}

} // namespace nf::workspace
