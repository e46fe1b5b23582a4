// readLmEval on arbitrary bytes as an lm-eval results_<date>.json with no samples files beside
// it (every run run-level), read alone and checked against tests/data/mcq's MMLU or CMMLU folder
// (whichever the bytes name). An accepted batch must keep the import's promises (import_checks.h).
// The samples files have a target of their own (lm_eval_samples_fuzz.cpp).
#include "formats/importers/lm_eval.h"
#include "formats/mcq.h"
#include "fuzz/fuzz_support.h"
#include "fuzz/fuzz_target.h"
#include "fuzz/import_checks.h"

using nf::formats::ImportBatch;
using nf::formats::LmEvalOptions;
using nf::formats::McqTask;

namespace {

const McqTask& benchmark(bool chinese)
{
    static const McqTask mmlu = nf::formats::loadMcqTask("mmlu:" NF_TEST_DATA_DIR "/mcq/mmlu");
    static const McqTask cmmlu = nf::formats::loadMcqTask("cmmlu:" NF_TEST_DATA_DIR "/mcq/cmmlu");
    return chinese ? cmmlu : mmlu;
}

void readAndCheck(const std::filesystem::path& path, const LmEvalOptions& options)
{
    ImportBatch batch;
    if (nf::fuzz::acceptedOrRefused([&] { batch = nf::formats::readLmEval(path, options); }))
        nf::fuzz::checkImportBatch(batch);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto path = nf::fuzz::scratchFolder() / "lm-eval" / "results_2024-05-13T13-42-28.123456.json";
    nf::fuzz::writeFile(path, input);
    (void)nf::formats::looksLikeLmEvalResults(path); // must not throw, whatever the bytes
    LmEvalOptions options;
    readAndCheck(path, options);
    options.metric = "acc_norm";
    options.filter = "none";
    readAndCheck(path, options);
    options = {};
    options.data = &benchmark(input.find("cmmlu") != std::string_view::npos);
    readAndCheck(path, options);
    return 0;
}

namespace nf::fuzz {

std::vector<std::string> seeds()
{
    return testDataFiles("import/lm-eval", ".json");
}

std::vector<std::string> dictionary()
{
    return jsonDictionary({"\"results\"", "\"groups\"", "\"group_subtasks\"", "\"configs\"", "\"config\"",
                           "\"versions\"", "\"n-shot\"", "\"n-samples\"", "\"original\"", "\"effective\"",
                           "\"sample_len\"", "\"higher_is_better\"", "\"acc,none\"", "\"acc_norm,none\"",
                           "\"exact_match,strict-match\"", "\"acc_stderr,none\"", "\"N/A\"", "\"alias\"",
                           "\"group\"", "\"task\"", "\"num_fewshot\"", "\"output_type\"", "\"multiple_choice\"",
                           "\"generate_until\"", "\"model_args\"", "\"pretrained=x,revision=y\"", "\"limit\"",
                           "\"model_name\"", "\"model_sha\"", "\"random_seed\"", "\"fewshot_seed\"", "\"date\"",
                           "\"pretty_env_info\"", "\"total_evaluation_time_seconds\"", "\"mmlu\"",
                           "\"mmlu_abstract_algebra\"", "\"arc_easy\"", "\"cmmlu\"", "\"cmmlu_chinese_history\"",
                           "1e308", "-0.0"});
}

std::string repair(std::string input, uint64_t)
{
    return input;
}

} // namespace nf::fuzz
