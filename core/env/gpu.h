#pragma once

#include <string>

namespace nf::env {

struct GpuInfo
{
    std::string name = "unknown";
    std::string driver = "unknown";
};

// The GPU's name and the driver's CUDA version, asked of the driver library (libcuda.so.1) through
// dlopen, so that neither the build nor a CPU-only machine needs CUDA headers or libraries.
GpuInfo describeGpu(int deviceIndex);

} // namespace nf::env
