#include "workspace/reproduction.h"

#include "common/error.h"
#include "store/store.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace nf::workspace {

ItemDifferences compareRunItems(const store::Store& store, int64_t original, int64_t reproduction)
{
    for (const int64_t id : {original, reproduction})
        if (!store.run(id))
            throw InputError("run " + std::to_string(id) + " is not in " + store.path().string());
    auto before = store.runItems(original);
    auto after = store.runItems(reproduction);
    const auto byIndex = [](const store::ItemRow& a, const store::ItemRow& b) { return a.idx < b.idx; };
    std::sort(before.begin(), before.end(), byIndex);
    std::sort(after.begin(), after.end(), byIndex);
    ItemDifferences differences;
    differences.sameItems = before.size() == after.size();
    size_t i = 0;
    size_t j = 0;
    while (i < before.size() && j < after.size()) {
        if (before[i].idx != after[j].idx) {
            differences.sameItems = false;
            (before[i].idx < after[j].idx ? i : j)++;
            continue;
        }
        ++differences.items;
        const bool predicted = before[i].predicted != after[j].predicted;
        differences.predictedDiffer += predicted;
        differences.itemsDiffer += predicted || before[i].pTrue != after[j].pTrue;
        differences.maxPTrueChange = std::max(differences.maxPTrueChange, std::abs(before[i].pTrue - after[j].pTrue));
        ++i;
        ++j;
    }
    return differences;
}

} // namespace nf::workspace
