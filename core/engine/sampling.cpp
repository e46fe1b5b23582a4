#include "engine/sampling.h"

#include <algorithm>
#include <cmath>

namespace nf::engine {

AnswerPicker::AnswerPicker(const EvalConfig& config)
    : m_decoding(config.decoding), m_temperature(config.temperature), m_topK(config.topK), m_topP(config.topP)
{}

int AnswerPicker::pick(const float* logits, int classes, double uniform)
{
    if (m_decoding == Decoding::Greedy)
        return static_cast<int>(std::max_element(logits, logits + classes) - logits);

    double maxLogit = -INFINITY;
    for (int c = 0; c < classes; ++c)
        maxLogit = std::max(maxLogit, static_cast<double>(logits[c]));
    m_scratch.resize(static_cast<size_t>(classes));
    for (int c = 0; c < classes; ++c)
        m_scratch[c] = {std::exp((logits[c] - maxLogit) / m_temperature), c};
    // Most likely first; equal weights keep the lower class first so the result is reproducible.
    std::sort(m_scratch.begin(), m_scratch.end(), [](const auto& a, const auto& b) {
        return a.first > b.first || (a.first == b.first && a.second < b.second);
    });
    size_t kept =
        m_topK > 0 ? std::min<size_t>(static_cast<size_t>(m_topK), m_scratch.size()) : m_scratch.size();
    double total = 0;
    for (size_t i = 0; i < kept; ++i)
        total += m_scratch[i].first;
    if (m_topP < 1.0) {
        double cumulative = 0;
        for (size_t i = 0; i < kept; ++i) {
            cumulative += m_scratch[i].first / total;
            if (cumulative >= m_topP) {
                kept = i + 1;
                break;
            }
        }
        total = 0;
        for (size_t i = 0; i < kept; ++i)
            total += m_scratch[i].first;
    }
    const double target = uniform * total;
    double cumulative = 0;
    for (size_t i = 0; i < kept; ++i) {
        cumulative += m_scratch[i].first;
        if (target < cumulative)
            return m_scratch[i].second;
    }
    return m_scratch[kept - 1].second;
}

} // namespace nf::engine
