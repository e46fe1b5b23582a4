#pragma once

#include <cstdint>
#include <vector>

namespace nf::engine {

// The engine's own random draws come from a counter-based stream keyed by (seed, item, stream):
// an item's draw is the same whatever the batch size, the order or the limit, and no draw depends
// on how many came before it.
// Shots: few-shot rows drawn per (seed, item); RunShots: per (seed, subject) for a whole run.
enum class DrawStream : uint64_t { Answer = 1, Order = 2, Shots = 3, RunShots = 4 };

// SplitMix64's finaliser: a bijective mix with full avalanche, the usual base of counter-based
// generators (it is what seeds xoshiro). Also hashes stored prompts: never change it.
uint64_t mix64(uint64_t z);

uint64_t counterBits(uint64_t seed, uint64_t item, DrawStream stream);

// Uniform in [0, 1), 53 bits.
double counterUniform(uint64_t seed, uint64_t item, DrawStream stream);

// The item indices 0..n-1 in the order given by the seed: sorted by each item's own draw, so the
// relative order of two items does not depend on n.
std::vector<int64_t> shuffledOrder(int64_t n, uint64_t seed);

} // namespace nf::engine
