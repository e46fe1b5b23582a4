#pragma once

#include <cstddef>
#include <vector>

namespace nf::stats {

// Plain description of a sample (run accuracies of one config group). sd is the sample standard
// deviation (n - 1); it and median are NaN when undefined (sd for n < 2, everything for n = 0).
struct Description
{
    std::size_t n = 0;
    double mean = 0.0;
    double sd = 0.0;
    double median = 0.0;
    double min = 0.0;
    double max = 0.0;
    double range = 0.0;
};

Description describe(const std::vector<double>& values);

} // namespace nf::stats
