#pragma once

// The history chart's x axes: run start times, or runs numbered in start order. Internal to
// ui/charts/.

#include <QString>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

QT_BEGIN_NAMESPACE
class QAbstractAxis;
QT_END_NAMESPACE

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

// An axis for runs numbered 1..count in start order: ticks on whole multiples of 1, 2, 5, 10, 20,
// ... runs, at most about ten of them, and room on both sides so that the first and last run are
// not drawn on the axis's edge.
struct RunOrderAxisRange
{
    double left = 0;
    double right = 2;
    double interval = 1;
};
RunOrderAxisRange runOrderAxisRange(int count);

// Replaces each run's start time with its place (1, 2, 3, ...) in start order. Runs started in
// the same millisecond (or stored to the second) keep the order of their ids, which the store
// hands out as runs start.
struct RunStart
{
    double ms = 0;
    int64_t runId = 0;
};
void numberInStartOrder(std::vector<RunStart>& starts);

// The history chart's x axis over the drawn runs' [left, right], which become the axis's range:
// local times with round ticks, titled with the day when it shows one; or `runs` runs numbered
// in start order.
QAbstractAxis* makeTimeAxis(double& left, double& right);
QAbstractAxis* makeRunOrderAxis(int runs, double& left, double& right);

} // namespace nf::ui::charts
