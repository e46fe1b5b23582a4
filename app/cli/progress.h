#pragma once

#include "engine/runner.h"

#include <chrono>
#include <string>

namespace nf::cli {

// A one-line progress bar on stderr (runs done/total, items/s, ETA), redrawn at most ten times a
// second. Quiet when stderr is not a terminal, so logs and pipes stay clean.
class ProgressBar
{
public:
    ProgressBar();
    void update(const engine::RunProgress& progress);
    // Clears the line before other output.
    void finish();
    // A status line of its own ("training the demo models: epoch 2/3 ..."), when on a terminal.
    void status(const std::string& text);

private:
    bool m_enabled;
    bool m_drawn = false;
    std::chrono::steady_clock::time_point m_start;
    std::chrono::steady_clock::time_point m_lastDraw;
};

} // namespace nf::cli
