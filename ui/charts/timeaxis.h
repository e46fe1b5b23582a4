#pragma once

// Run start times on the history chart's time axis. Internal to ui/charts/.

#include <QString>
#include <optional>
#include <string>

namespace nf::ui::charts {

// Milliseconds since the epoch of an ISO-8601 time ("2026-11-28T04:10:00.123Z", with or without
// the milliseconds); empty when the text is not one.
std::optional<double> startMs(const std::string& iso);

// A time axis around [left, right] (milliseconds since the epoch) whose ticks fall on round
// local times: a whole number of steps of 1 minute to a year, at most about eight, with a little
// room on both sides (at least 10 minutes, so a lone run is not drawn on the axis's edge).
struct TimeAxisRange
{
    double left = 0;
    double right = 0;
    int ticks = 2;
    QString format; // QDateTimeAxis format for the step: "HH:mm", "MMM d HH:mm", "MMM d", ...
};
TimeAxisRange timeAxisRange(double left, double right);

} // namespace nf::ui::charts
