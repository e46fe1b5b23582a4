#include "engine/runtime.h"

#include "common/error.h"
#include "env/environment.h"
#include "env/gpu.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <limits>
#include <thread>

#include <malloc.h>

#include <cstdlib>
#include <dlfcn.h>

namespace nf::engine {

int cudaDeviceCount()
{
    return torch::cuda::is_available() ? static_cast<int>(torch::cuda::device_count()) : 0;
}

namespace {

// Whether this libtorch was built with CUDA: its CUDA library is loaded with it. (hasCUDA() also
// answers false for a CUDA build that sees no device, e.g. under CUDA_VISIBLE_DEVICES=.)
bool libtorchHasCuda()
{
    void* handle = dlopen("libtorch_cuda.so", RTLD_LAZY | RTLD_NOLOAD);
    if (handle)
        dlclose(handle);
    return handle != nullptr || at::globalContext().hasCUDA();
}

std::string noDeviceReason()
{
    if (!libtorchHasCuda())
        return "this libtorch was built without CUDA";
    const char* visible = std::getenv("CUDA_VISIBLE_DEVICES");
    return visible ? "no CUDA device is visible (CUDA_VISIBLE_DEVICES='" + std::string(visible) + "')"
                   : "no CUDA device is visible";
}

} // namespace

ResolvedDevice resolveDevice(const std::string& requested)
{
    const int gpus = cudaDeviceCount();
    ResolvedDevice device;
    if (requested == "cpu" || (requested == "auto" && gpus == 0)) {
        device.description = gpus == 0 ? "cpu (" + noDeviceReason() + ")" : "cpu";
        return device;
    }
    if (gpus == 0)
        throw InputError("device: '" + requested + "' asks for CUDA, but " + noDeviceReason() +
                         "; use --device cpu");
    device.type = "cuda";
    device.index = requested.rfind("cuda:", 0) == 0 ? std::stoi(requested.substr(5)) : 0;
    if (device.index >= gpus)
        throw InputError("device: '" + requested + "' does not exist: " + std::to_string(gpus) +
                         " CUDA device(s) visible (cuda:0 to cuda:" + std::to_string(gpus - 1) + ")");
    device.description = "cuda:" + std::to_string(device.index);
    return device;
}

void checkDType(DType dtype, const ResolvedDevice& device)
{
    if (dtype == DType::Float16 && device.type != "cuda")
        throw InputError("dtype: fp16 runs only on CUDA; use bf16 or fp32 on the CPU");
}

void applyThreads(int threads)
{
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    if (threads == 0) {
        at::set_num_threads(1);
        env::setBlasThreads(cores);
    } else {
        at::set_num_threads(threads);
        env::setBlasThreads(threads);
    }
}

void keepFreedMemoryForReuse()
{
    // 32 MiB is glibc's largest mmap threshold on 64-bit; larger blocks are mapped whatever we ask.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max());
}

void applyDeterminism(bool on)
{
    auto& context = at::globalContext();
    context.setDeterministicAlgorithms(on, /*warn_only=*/false);
    context.setDeterministicCuDNN(on);
    context.setBenchmarkCuDNN(false);
    context.setAllowTF32CuBLAS(false);
    context.setAllowTF32CuDNN(!on);
}

void seedTorch(uint64_t seed, const ResolvedDevice& device)
{
    // at::manual_seed seeds the CPU generator and, where CUDA is initialised, every GPU's.
    at::manual_seed(seed);
    if (device.type == "cuda")
        torch::cuda::manual_seed_all(seed);
}

void describeRuntime(env::Snapshot& snapshot, const ResolvedDevice& device)
{
    const auto& context = at::globalContext();
    snapshot.set("torch.version", TORCH_VERSION);
    snapshot.set("torch.threads", std::to_string(at::get_num_threads()));
    snapshot.set("torch.interop_threads", std::to_string(at::get_num_interop_threads()));
    snapshot.set("torch.cuda_built", libtorchHasCuda() ? "yes" : "no");
    snapshot.set("engine.device", device.type == "cuda" ? "cuda:" + std::to_string(device.index) : "cpu");
    snapshot.set("determinism.algorithms", context.deterministicAlgorithms() ? "on" : "off");
    snapshot.set("determinism.cudnn_deterministic", context.deterministicCuDNN() ? "on" : "off");
    snapshot.set("determinism.cudnn_benchmark", context.benchmarkCuDNN() ? "on" : "off");
    snapshot.set("determinism.tf32_cublas", context.allowTF32CuBLAS() ? "on" : "off");
    snapshot.set("determinism.tf32_cudnn", context.allowTF32CuDNN() ? "on" : "off");
    if (device.type == "cuda") {
        const auto& hooks = at::detail::getCUDAHooks();
        snapshot.set("cuda.runtime_version", std::to_string(hooks.versionCUDART()));
        snapshot.set("cuda.cudnn_version", hooks.hasCuDNN() ? std::to_string(hooks.versionCuDNN()) : "none");
        const auto gpu = env::describeGpu(device.index);
        snapshot.set("gpu.name", gpu.name);
        snapshot.set("gpu.driver", gpu.driver);
    }
    const auto blas = env::detectBlas();
    snapshot.set("blas.threads", std::to_string(blas.threads));
}

} // namespace nf::engine
