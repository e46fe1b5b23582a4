#pragma once

// How a reproduction's answers differ from its original's, item by item (`reproduce` reports it).

#include <cstdint>

namespace nf::store {
class Store;
}

namespace nf::workspace {

struct ItemDifferences
{
    int64_t items = 0;            // items both runs answered
    int64_t predictedDiffer = 0;  // of those, answered with another choice
    int64_t itemsDiffer = 0;      // another choice or another p_true (bit for bit)
    double maxPTrueChange = 0;    // largest |p_true difference|
    bool sameItems = true;        // both runs answered the same items

    bool identical() const { return sameItems && itemsDiffer == 0; }
};

// Pairs the two runs' items by index. Throws nf::InputError when a run does not exist.
ItemDifferences compareRunItems(const store::Store& store, int64_t original, int64_t reproduction);

} // namespace nf::workspace
