#include "progress.h"

#include <cstdio>

#include <unistd.h>

namespace nf::cli {
namespace {

std::string duration(double seconds)
{
    const long total = static_cast<long>(seconds + 0.5);
    char text[32];
    std::snprintf(text, sizeof text, "%ld:%02ld", total / 60, total % 60);
    return text;
}

} // namespace

ProgressBar::ProgressBar()
    : m_enabled(::isatty(STDERR_FILENO) == 1), m_start(std::chrono::steady_clock::now()), m_lastDraw{}
{}

void ProgressBar::update(const engine::RunProgress& progress)
{
    if (!m_enabled)
        return;
    const auto now = std::chrono::steady_clock::now();
    const bool last = progress.overallDone >= progress.overallTotal;
    if (!last && now - m_lastDraw < std::chrono::milliseconds(100))
        return;
    m_lastDraw = now;
    const double elapsed = std::chrono::duration<double>(now - m_start).count();
    const double fraction =
        progress.overallTotal > 0 ? static_cast<double>(progress.overallDone) / progress.overallTotal : 1.0;
    const double rate = elapsed > 0 ? progress.overallDone / elapsed : 0;
    const double eta = rate > 0 ? (progress.overallTotal - progress.overallDone) / rate : 0;
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(fraction * kWidth);
    std::string bar(static_cast<size_t>(filled), '=');
    if (filled < kWidth)
        bar += '>' + std::string(static_cast<size_t>(kWidth - filled - 1), ' ');
    std::fprintf(stderr, "\r\033[K[%s] run %zu/%zu  seed %lld  %lld/%lld items  %.0fk items/s  ETA %s",
                 bar.c_str(), std::min(progress.runIndex + 1, progress.runCount), progress.runCount,
                 static_cast<long long>(progress.seed), static_cast<long long>(progress.itemsDone),
                 static_cast<long long>(progress.itemsTotal), rate / 1000.0, duration(eta).c_str());
    std::fflush(stderr);
    m_drawn = true;
}

void ProgressBar::status(const std::string& text)
{
    if (!m_enabled)
        return;
    std::fprintf(stderr, "\r\033[K%s", text.c_str());
    std::fflush(stderr);
    m_drawn = true;
}

void ProgressBar::finish()
{
    if (m_enabled && m_drawn)
        std::fprintf(stderr, "\r\033[K");
    m_drawn = false;
}

} // namespace nf::cli
