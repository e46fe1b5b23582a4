#include "env/gpu.h"

#include <dlfcn.h>

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

} // namespace nf::env
