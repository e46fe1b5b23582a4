#include "env/gpu.h"

#include <dlfcn.h>

#include <fstream>
#include <sstream>

namespace nf::env {

GpuInfo describeGpu(int deviceIndex)
{
    GpuInfo info;
    void* cuda = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!cuda)
        return info;
    using InitFn = int (*)(unsigned);
    using DeviceGetFn = int (*)(int*, int);
    using DeviceGetNameFn = int (*)(char*, int, int);
    using DriverGetVersionFn = int (*)(int*);
    auto init = reinterpret_cast<InitFn>(dlsym(cuda, "cuInit"));
    auto deviceGet = reinterpret_cast<DeviceGetFn>(dlsym(cuda, "cuDeviceGet"));
    auto deviceGetName = reinterpret_cast<DeviceGetNameFn>(dlsym(cuda, "cuDeviceGetName"));
    auto driverGetVersion = reinterpret_cast<DriverGetVersionFn>(dlsym(cuda, "cuDriverGetVersion"));
    int version = 0;
    if (driverGetVersion && driverGetVersion(&version) == 0)
        info.driver = "CUDA " + std::to_string(version / 1000) + "." + std::to_string(version % 1000 / 10);
    int device = 0;
    char name[256] = {};
    if (init && deviceGet && deviceGetName && init(0) == 0 && deviceGet(&device, deviceIndex) == 0 &&
        deviceGetName(name, sizeof name, device) == 0)
        info.name = name;
    // The driver library stays loaded: libtorch holds it too, and unloading it is never safe.
    return info;
}

std::optional<uint64_t> gpuFreeBytes(int deviceIndex)
{
    void* cuda = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!cuda)
        return std::nullopt;
    using InitFn = int (*)(unsigned);
    using DeviceGetFn = int (*)(int*, int);
    using RetainFn = int (*)(void**, int);
    using ReleaseFn = int (*)(int);
    using PushFn = int (*)(void*);
    using PopFn = int (*)(void**);
    using MemGetInfoFn = int (*)(size_t*, size_t*);
    auto init = reinterpret_cast<InitFn>(dlsym(cuda, "cuInit"));
    auto deviceGet = reinterpret_cast<DeviceGetFn>(dlsym(cuda, "cuDeviceGet"));
    auto retain = reinterpret_cast<RetainFn>(dlsym(cuda, "cuDevicePrimaryCtxRetain"));
    auto release = reinterpret_cast<ReleaseFn>(dlsym(cuda, "cuDevicePrimaryCtxRelease_v2"));
    auto push = reinterpret_cast<PushFn>(dlsym(cuda, "cuCtxPushCurrent_v2"));
    auto pop = reinterpret_cast<PopFn>(dlsym(cuda, "cuCtxPopCurrent_v2"));
    auto memGetInfo = reinterpret_cast<MemGetInfoFn>(dlsym(cuda, "cuMemGetInfo_v2"));
    int device = 0;
    void* context = nullptr;
    if (!init || !deviceGet || !retain || !release || !push || !pop || !memGetInfo || init(0) != 0 ||
        deviceGet(&device, deviceIndex) != 0 || retain(&context, device) != 0)
        return std::nullopt;
    std::optional<uint64_t> free;
    if (push(context) == 0) {
        size_t freeBytes = 0;
        size_t totalBytes = 0;
        if (memGetInfo(&freeBytes, &totalBytes) == 0)
            free = freeBytes;
        void* popped = nullptr;
        pop(&popped);
    }
    release(device);
    return free;
}

std::optional<uint64_t> hostAvailableBytes()
{
    std::ifstream meminfo("/proc/meminfo");
    std::string line;
    while (std::getline(meminfo, line)) {
        if (line.rfind("MemAvailable:", 0) != 0)
            continue;
        std::istringstream fields(line.substr(13));
        uint64_t kilobytes = 0;
        if (fields >> kilobytes)
            return kilobytes * 1024;
    }
    return std::nullopt;
}

} // namespace nf::env
