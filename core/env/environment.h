#pragma once

#include <map>
#include <string>
#include <vector>

namespace nf::env {

// What the BLAS library in this process is: found among the loaded shared objects (not the
// libblas.so.3 alternatives link, its real path) and asked through dlsym.
struct BlasInfo
{
    std::string
        library; // real path of the loaded BLAS, e.g. /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3
    std::string name;     // "OpenBLAS", "reference BLAS", "unknown", "not loaded"
    std::string config;   // openblas_get_config(), when OpenBLAS
    std::string coreName; // openblas_get_corename(), when OpenBLAS
    int threads = 0;      // openblas_get_num_threads(); 0 when unknown
    // Real paths of the other BLAS libraries loaded beside it, e.g. the libopenblas.so.0 that
    // Debian's OpenBLAS libblas.so.3 is a thin wrapper around; empty when there are none.
    std::vector<std::string> alsoLoaded;
};

BlasInfo detectBlas();

// Sets OpenBLAS's own thread count through dlsym(openblas_set_num_threads); false when the loaded
// BLAS is not OpenBLAS.
bool setBlasThreads(int threads);

struct CpuInfo
{
    std::string model;
    int logicalCores = 0;
};
CpuInfo detectCpu();

// A flat, sorted key/value snapshot of everything that can change numbers between runs without a
// seed: versions, BLAS, threads, CPU, OS, devices, determinism flags, relevant variables.
// Identical snapshots have identical JSON and hash, and share a row in the store.
class Snapshot
{
public:
    void set(const std::string& key, const std::string& value) { m_values[key] = value; }
    const std::map<std::string, std::string>& values() const { return m_values; }
    std::string json() const; // compact JSON object, keys sorted
    std::string hash() const; // sha256 of json()

private:
    std::map<std::string, std::string> m_values;
};

// The parts of the snapshot that need no torch: noisefloor version and commit, BLAS, OpenMP
// threads, CPU, OS and kernel, hostname, and the variables CUBLAS_WORKSPACE_CONFIG,
// OMP_NUM_THREADS, OPENBLAS_NUM_THREADS, CUDA_VISIBLE_DEVICES ("(unset)" when unset), and in a Slurm
// job its job, array job and task ids, node and cluster (slurm.*). The engine
// adds libtorch's version, threads, device and determinism flags.
Snapshot hostSnapshot();

// The devices a set of runs used, as their snapshots' "engine.device" says ("cpu", "cuda:0").
struct DevicesUsed
{
    bool cpu = false;
    bool cuda = false;
    bool unknown = false; // a run without engine.device (imported from another tool)
};

// Whether a snapshot key can change a run's numbers on the devices the runs used, so that a
// difference in it is worth a warning next to a comparison: the BLAS library, its core and
// threads, the CPU model and torch's intra-op threads on the CPU; cuDNN/cuBLAS versions, GPU,
// TF32 and determinism flags and CUBLAS_WORKSPACE_CONFIG on CUDA; libtorch's version, device,
// dtype and noisefloor's version everywhere. Never: the host name, the Slurm job (slurm.*), OS, kernel, core count, the
// build's commit, the tokenizer's path, inter-op threads and the raw thread variables (their
// effect is in the recorded thread counts). A key this list does not know (an import's) counts.
bool canChangeResults(const std::string& key, const DevicesUsed& devices);

// Sets CUBLAS_WORKSPACE_CONFIG=:4096:8 when it is unset. Both programs' main() (the CLI's and the
// app's) call it before anything touches CUDA, so cuBLAS can be deterministic when asked and both
// record the same value.
void ensureCublasWorkspaceConfig();

} // namespace nf::env
