#pragma once

#include "engine/models.h"
#include "engine/runner.h"

#include <vector>

namespace nf::engine {

// The demo's preset experiment on the 10,000 Fashion-MNIST test items: for each demo model, 5
// seeded repeats (seeds 1-5) of greedy decoding, of sampling at temperature 1.0, and of
// MC-dropout (greedy with the dropout layers left on).
std::vector<RunPlan> demoPlans(const DemoModels& models, int repeats = 5);

} // namespace nf::engine
