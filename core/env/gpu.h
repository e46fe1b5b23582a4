#pragma once

#include <cstdint>
#include <optional>
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

// Free memory on the GPU now (cuMemGetInfo in the device's primary context), through the same
// dlopen; nullopt without a driver or that device.
std::optional<uint64_t> gpuFreeBytes(int deviceIndex);

// MemAvailable from /proc/meminfo: what the kernel can give this process without swapping.
std::optional<uint64_t> hostAvailableBytes();

} // namespace nf::env
