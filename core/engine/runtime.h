#pragma once

#include "engine/config.h"

#include <cstdint>
#include <string>

namespace nf::env {
class Snapshot;
}

namespace nf::engine {

// The device a config's "auto" | "cpu" | "cuda" | "cuda:N" resolves to on this machine.
struct ResolvedDevice
{
    std::string type = "cpu"; // what the config hash uses: "cpu" or "cuda"
    int index = -1;           // CUDA device index; -1 on the CPU
    std::string description;  // "cpu (no CUDA in this libtorch)", "cuda:0 (…)"
};

// Throws nf::InputError when CUDA is asked for and libtorch has none, or the index is out of range.
ResolvedDevice resolveDevice(const std::string& requested);

// Throws nf::InputError for fp16 on the CPU.
void checkDType(DType dtype, const ResolvedDevice& device);

// Whether this libtorch was built with CUDA and sees a GPU, and how many.
int cudaDeviceCount();

// threads = 0: one torch thread and OpenBLAS on every core (the split that measured fastest here:
// torch's own parallel regions around OpenBLAS's threads oversubscribe two cores); threads = N:
// both set to N.
void applyThreads(int threads);

// A transformer's forward allocates and frees tens of MB per batch (attention scores, logits). With
// glibc's defaults those blocks go back to the kernel and come back as fresh pages on the next
// forward, and the page faults made a forward up to 10x slower on the development machine, at
// random (it depends on glibc's sliding mmap threshold). This keeps blocks up to 32 MiB on the
// heap and freed memory in the process for reuse: the price is that the process's resident size
// stays at its peak.
void keepFreedMemoryForReuse();

// Deterministic algorithms, cuDNN deterministic, no cuDNN benchmark, TF32 off when on; libtorch's
// defaults when off.
void applyDeterminism(bool on);

// Seeds torch's generators (dropout masks) for a run.
void seedTorch(uint64_t seed, const ResolvedDevice& device);

// libtorch version, torch and BLAS threads, device, and every determinism flag.
void describeRuntime(env::Snapshot& snapshot, const ResolvedDevice& device);

} // namespace nf::engine
