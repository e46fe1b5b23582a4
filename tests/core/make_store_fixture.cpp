// Writes tests/data/store-v1.sqlite, the schema-1 database that the migration test opens with
// every later schema. Run once per schema version and commit its output; never regenerate an old
// version's fixture with a newer program.
//
//   make_store_fixture OUT.sqlite
//
// Contents (tests/core/store_test.cpp asserts them): one model, one task of 20 items over four
// subjects, one config, one environment; runs 1-3 completed with seeds 1-3 (accuracy 0.70, 0.75,
// 0.80); run 4 a completed reproduction of run 1 with every item correct; run 5 cancelled; the
// setting zones.normal = 1.0.

#include "common/sha256.h"
#include "store/sqlite.h"
#include "store/store.h"

#include <sqlite3.h>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

namespace {

namespace store = nf::store;

constexpr int kItems = 20;
const char* const kSubjects[] = {"algebra", "biology", "chemistry", "history"};

// The same formula is in store_test.cpp: item i of the run with this seed is answered correctly.
// Seeds 1, 2, 3 get 14, 15 and 16 of 20 right.
bool fixtureCorrect(int64_t seed, int64_t i)
{
    return (i + seed) % (seed + 2) != 0;
}

// allCorrect: the reproduction, deliberately unlike its original, so that counting it anywhere
// shows in the aggregates.
std::vector<store::ItemRow> fixtureItems(int64_t seed, bool allCorrect = false)
{
    std::vector<store::ItemRow> items;
    for (int64_t i = 0; i < kItems; ++i) {
        int32_t ref = static_cast<int32_t>(i % 4);
        bool correct = allCorrect || fixtureCorrect(seed, i);
        items.push_back({i, correct ? ref : (ref + 1) % 4, correct, correct ? 0.75 : 0.25});
    }
    return items;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: make_store_fixture OUT.sqlite\n");
        return 2;
    }
    const std::filesystem::path out = argv[1];
    try {
        for (const char* suffix : {"", "-wal", "-shm"})
            std::filesystem::remove(out.string() + suffix);
        {
            store::Store db(out);
            std::vector<store::TaskItem> taskItems;
            for (int i = 0; i < kItems; ++i)
                taskItems.push_back({kSubjects[i % 4], std::string(1, static_cast<char>('A' + i % 4))});
            const std::string params = R"({"decoding":"sampling","temperature":0.7})";
            int64_t model =
                db.ensureModel("/models/tiny-mlp.pt", nf::sha256Hex("tiny-mlp"), "classifier", "tiny-mlp");
            int64_t task =
                db.ensureTask("mmlu", "/data/mini-mmlu", nf::sha256Hex("mini-mmlu"), "mini-mmlu", taskItems);
            int64_t config = db.ensureConfig(model, task, params, nf::sha256Hex(params));
            int64_t env = db.ensureEnvironment(R"({"torch":"2.1.0","device":"cpu"})", nf::sha256Hex("env"));

            std::vector<int64_t> runs;
            for (int64_t seed = 1; seed <= 3; ++seed) {
                int64_t run = db.beginRun(
                    {config, env, seed, "seed " + std::to_string(seed), "engine", std::nullopt, {}});
                db.completeRun(run, fixtureItems(seed), 1.5 * static_cast<double>(seed));
                runs.push_back(run);
            }
            int64_t reproduction =
                db.beginRun({config, env, 1, "reproduce seed 1", "engine", runs.front(), {}});
            db.completeRun(reproduction, fixtureItems(1, true), 1.25);
            int64_t cancelled = db.beginRun({config, env, 4, "seed 4", "engine", std::nullopt, {}});
            db.endRun(cancelled, store::RunStatus::Cancelled, "cancelled by the user");
            db.setSetting("zones.normal", "1.0");
        }
        // One self-contained file: fold the WAL back in and leave rollback-journal mode.
        store::sqlite::Database raw(out, SQLITE_OPEN_READWRITE);
        raw.exec("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE; VACUUM");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "make_store_fixture: %s\n", e.what());
        return 1;
    }
    std::printf("wrote %s (%ju bytes)\n", out.c_str(),
                static_cast<uintmax_t>(std::filesystem::file_size(out)));
    return 0;
}
