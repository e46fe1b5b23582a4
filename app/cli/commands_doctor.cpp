// doctor: what this machine will evaluate with, and what can make its numbers move.

#include "commands.h"
#include "common/error.h"
#include "engine/runtime.h"
#include "env/environment.h"
#include "nf/version.h"
#include "output.h"
#include "store/store.h"

#include <filesystem>
#include <iostream>
#include <thread>

namespace nf::cli {

void addDoctorCommand(CLI::App& app, GlobalOptions& global, Action& action)
{
    auto threads = std::make_shared<int>(0);
    auto* doctor =
        app.add_subcommand("doctor", "Versions, device, BLAS, threads, determinism support and database");
    doctor->add_option("--threads", *threads, "Show the thread split a run with --threads N would use")
        ->capture_default_str();
    doctor->callback([&global, &action, threads] {
        action = [&global, threads] {
            engine::applyThreads(*threads);
            auto snapshot = env::hostSnapshot();
            const auto device = engine::resolveDevice("auto");
            engine::describeRuntime(snapshot, device);
            const auto& values = snapshot.values();
            auto value = [&](const std::string& key) {
                const auto found = values.find(key);
                return found == values.end() ? std::string("-") : found->second;
            };
            const auto blas = env::detectBlas();
            const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
            const int torchThreads = std::stoi(value("torch.threads"));

            std::vector<std::string> warnings;
            if (blas.name == "reference BLAS")
                warnings.push_back(
                    "libtorch resolved the reference BLAS: about 40x slower than OpenBLAS and not "
                    "bit-identical to it; install libopenblas0-pthread");
            if (blas.threads > 0 && torchThreads * blas.threads > cores && torchThreads > 1)
                warnings.push_back(std::to_string(torchThreads) + " torch threads x " +
                                   std::to_string(blas.threads) + " OpenBLAS threads oversubscribe " +
                                   std::to_string(cores) +
                                   " cores: expect a slower evaluation (the default --threads 0 avoids it)");

            const auto dbPath = databasePath(global);
            std::error_code error;
            const bool dbExists = std::filesystem::exists(dbPath, error);
            std::optional<store::Store> store;
            std::string dbState = "not created yet";
            if (dbExists) {
                try {
                    store.emplace(dbPath, store::OpenMode::ReadOnly);
                    dbState = fixed(store->fileSizeBytes() / 1048576.0, 2) + " MiB, schema " +
                              std::to_string(store->fileSchemaVersion()) + ", " +
                              std::to_string(store->runs().size()) + " runs";
                } catch (const StoreError& e) {
                    dbState = std::string("unreadable: ") + e.what();
                    warnings.push_back(dbState);
                }
            }

            if (global.json) {
                nlohmann::json report = {
                    {"environment", nlohmann::json(values)},
                    {"device", device.description},
                    {"cuda_devices", engine::cudaDeviceCount()},
                    {"blas",
                     {{"library", blas.library},
                      {"name", blas.name},
                      {"config", blas.config},
                      {"core", blas.coreName},
                      {"threads", blas.threads}}},
                    {"torch_threads", torchThreads},
                    {"cores", cores},
                    {"database", {{"path", dbPath}, {"state", dbState}}},
                    {"warnings", warnings},
                };
                std::cout << report.dump(2) << '\n';
                return kExitOk;
            }
            std::cout << "noisefloor   " << kVersion << " (" << kGitCommit << ")\n"
                      << "libtorch     " << value("torch.version")
                      << (value("torch.cuda_built") == "yes" ? " (CUDA)" : " (CPU only)") << '\n'
                      << "device       auto -> " << device.description << '\n'
                      << "cpu          " << value("cpu.model") << ", " << cores << " logical cores\n"
                      << "os           " << value("os") << ", kernel " << value("kernel") << '\n'
                      << "BLAS         " << blas.name << ": " << blas.library << '\n';
            if (!blas.config.empty())
                std::cout << "             config: " << blas.config << '\n'
                          << "             core: " << blas.coreName << '\n';
            std::cout << "threads      torch " << torchThreads << ", OpenBLAS " << blas.threads
                      << " (--threads " << *threads << (*threads == 0 ? ": automatic" : "")
                      << "), OMP_NUM_THREADS " << value("env.OMP_NUM_THREADS") << ", OPENBLAS_NUM_THREADS "
                      << value("env.OPENBLAS_NUM_THREADS") << '\n'
                      << "determinism  --deterministic sets deterministic algorithms, cuDNN deterministic, "
                         "no cuDNN "
                         "benchmark, TF32 off\n"
                      << "             CUBLAS_WORKSPACE_CONFIG=" << value("env.CUBLAS_WORKSPACE_CONFIG")
                      << "; greedy fp32 on the CPU is bit-identical for every seed\n"
                      << "database     " << dbPath << " (" << dbState << ")\n";
            for (const auto& warning : warnings)
                std::cout << "warning: " << warning << '\n';
            return kExitOk;
        };
    });
}

} // namespace nf::cli
