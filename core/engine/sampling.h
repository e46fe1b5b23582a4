#pragma once

#include "engine/config.h"

#include <vector>

namespace nf::engine {

// Turns one item's logits into an answer. Greedy: the argmax (the lowest index on a tie).
// Sampling: softmax(logits / temperature), restricted to the top_k most likely classes and then to
// the smallest set whose probability reaches top_p, renormalised, and drawn with `uniform`.
// Computed in double from float logits so that the answer does not depend on the device's dtype
// beyond the logits themselves.
class AnswerPicker
{
public:
    explicit AnswerPicker(const EvalConfig& config);

    int pick(const float* logits, int classes, double uniform);

private:
    Decoding m_decoding;
    double m_temperature;
    int m_topK;
    double m_topP;
    std::vector<std::pair<double, int>> m_scratch;
};

} // namespace nf::engine
