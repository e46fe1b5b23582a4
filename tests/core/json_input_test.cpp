// JSON from users' files: every reader refuses nesting past the limit, numbers out of range and
// syntax errors with one bounded line naming the file and line, never the parser library's text;
// what a message quotes from a file is bounded and escaped. Inputs are generated here.

#include "error_message.h"
#include "formats/hf_config.h"
#include "formats/importers/llamafactory.h"
#include "formats/importers/lm_eval.h"
#include "formats/json_input.h"
#include "formats/mcq.h"
#include "formats/runs_jsonl.h"
#include "formats/safetensors.h"
#include "formats/tokenizer.h"
#include "scratch_dir.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using nf::formats::JsonFailure;
using nf::formats::parseJsonInput;
using nf::test::errorMessage;
using nf::test::ScratchDir;

const fs::path kData = fs::path(NF_TEST_DATA_DIR);

void writeFile(const fs::path& path, const std::string& bytes)
{
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
}

// `levels` arrays (or objects keyed "a") one inside the other, closed.
std::string nested(size_t levels, bool objects = false)
{
    std::string text;
    for (size_t i = 0; i < levels; ++i)
        text += objects ? "{\"a\": " : "[";
    text += "1";
    for (size_t i = 0; i < levels; ++i)
        text += objects ? "}" : "]";
    return text;
}

// What every refusal of a hostile file must look like: one short line, starting with the file.
void expectOneBoundedLine(const std::string& message, const std::string& start)
{
    EXPECT_EQ(message.rfind(start, 0), 0u) << message.substr(0, 400);
    EXPECT_LT(message.size(), 300u) << message.substr(0, 400);
    EXPECT_EQ(message.find('\n'), std::string::npos) << message.substr(0, 400);
    for (const char* internal : {"json.exception", "last read", "parse_error", "out_of_range"})
        EXPECT_EQ(message.find(internal), std::string::npos) << message;
}

const char* const kRun = R"({"model": "m", "task": "t", "seed": 1, "correct": [1, 0])";

TEST(JsonInput, RefusesNestingPastTheLimitBeforeBuildingIt)
{
    EXPECT_NO_THROW(parseJsonInput(nested(nf::formats::kMaxJsonDepth), {"f.json"}));
    const std::string message =
        errorMessage([] { parseJsonInput("\n\n" + nested(100'000, true), {"f.json"}); });
    EXPECT_EQ(message, "f.json:3: arrays and objects nested deeper than 256 levels");
}

TEST(JsonInput, NamesTheKeyOfANumberOutOfRange)
{
    EXPECT_EQ(
        errorMessage([] { parseJsonInput("{\"config\": {\n\"lr\": 1E400}}", {"f.json"}); }),
        "f.json:2: the number 1E400 in \"config.lr\" is out of range (a double holds up to about 1.8e308)");
    EXPECT_EQ(errorMessage([] {
                  parseJsonInput("[-1e309]", {"f.json", 7});
              }),
              "f.json:7: the number -1e309 is out of range (a double holds up to about 1.8e308)");
}

TEST(JsonInput, SaysWhatIsWrongInItsOwnWords)
{
    EXPECT_EQ(errorMessage([] { parseJsonInput("{\"a\": [1, 2", {"f.json"}); }),
              "f.json:1: not valid JSON (the file ends early: truncated?)");
    EXPECT_EQ(errorMessage([] { parseJsonInput("{\"a\": 1}\n}", {"f.json"}); }),
              "f.json:2: not valid JSON (more text after the JSON value at byte 10)");
    EXPECT_EQ(errorMessage([] { parseJsonInput("{\"a\":\n tru}", {"f.json"}); }),
              "f.json:2: not valid JSON (a word that is not true, false or null at byte 11)");
    EXPECT_EQ(errorMessage([] { parseJsonInput("{\"a\": 1,\n]", {"f.json"}); }),
              "f.json:2: not valid JSON (unexpected ']' at byte 10)");
    EXPECT_EQ(errorMessage([] { parseJsonInput("{\"\xff\": 1}", {"f.json"}); }),
              "f.json:1: not valid JSON (a string that is not valid UTF-8 at byte 3)");
}

TEST(JsonInput, QuotesAnUnclosedHugeStringOnlyAsAnExcerpt)
{
    const std::string text = "{\"a\": 1, " + std::string(500'000, 'x') + "}";
    expectOneBoundedLine(errorMessage([&] { parseJsonInput(text, {"f.json"}); }),
                         "f.json:1: not valid JSON (");
}

TEST(JsonInputReaders, RunsJsonlRefusesDeepConfigAndEnvironment)
{
    ScratchDir dir;
    const fs::path path = dir / "runs.jsonl";
    writeFile(path, std::string(kRun) + ", \"config\": {}}\n" + kRun +
                        ", \"config\": " + nested(100'000, true) + "}\n");
    EXPECT_EQ(errorMessage([&] { nf::formats::readRunsJsonl(path); }),
              path.string() + ":2: arrays and objects nested deeper than 256 levels");
    writeFile(path,
              std::string(kRun) + ", \"config\": {}, \"environment\": {\"e\": " + nested(100'000) + "}}\n");
    EXPECT_EQ(errorMessage([&] { nf::formats::readRunsJsonl(path); }),
              path.string() + ":1: arrays and objects nested deeper than 256 levels");
}

TEST(JsonInputReaders, RunsJsonlRefusesNumbersOutOfRange)
{
    ScratchDir dir;
    const fs::path path = dir / "runs.jsonl";
    writeFile(path, "\n" + std::string(kRun) + ", \"config\": {\"lr\": 1E400}}\n");
    EXPECT_EQ(
        errorMessage([&] { nf::formats::readRunsJsonl(path); }),
        path.string() +
            ":2: the number 1E400 in \"config.lr\" is out of range (a double holds up to about 1.8e308)");
    writeFile(path, std::string(kRun) + ", \"config\": {}, \"duration_s\": -1e309}\n");
    expectOneBoundedLine(errorMessage([&] { nf::formats::readRunsJsonl(path); }),
                         path.string() + ":1: the number -1e309 in \"duration_s\" is out of range");
}

TEST(JsonInputReaders, RunsJsonlEscapesWhatItQuotes)
{
    ScratchDir dir;
    const fs::path path = dir / "runs.jsonl";
    // DEL raw, NUL as JSON writes it: both reach the message only escaped.
    writeFile(path, R"({"model": "m", "task": "t", "seed": 1, "config": {}, "correct": [1, "a)" +
                        std::string("\x7f") + R"(\u0000b"]})" + "\n");
    const std::string message = errorMessage([&] { nf::formats::readRunsJsonl(path); });
    expectOneBoundedLine(message, path.string() + ":1: \"correct\" must be an array of 0/1");
    EXPECT_NE(message.find("a\\x7F\\u0000b"), std::string::npos) << message;
    EXPECT_EQ(message.find('\x7f'), std::string::npos);
}

TEST(JsonInputReaders, LmEvalResultsRefuseDeepNestingAndNumbersOutOfRange)
{
    ScratchDir dir;
    const fs::path path = dir / "results_2024-01-01T00-00-00.json";
    writeFile(path, "{\"results\": {},\n \"config\": " + nested(100'000) + "}");
    EXPECT_EQ(errorMessage([&] { nf::formats::readLmEval(path, {}); }),
              path.string() + ":2: arrays and objects nested deeper than 256 levels");
    writeFile(path, "{\"results\": {\"arc\": {\n\"acc,none\": 1E400}}}");
    EXPECT_EQ(errorMessage([&] { nf::formats::readLmEval(path, {}); }),
              path.string() +
                  ":2: the number 1E400 in \"results.arc.acc,none\" is out of range (a double holds "
                  "up to about 1.8e308)");
}

TEST(JsonInputReaders, TokenizerJsonRefusesDeepNesting)
{
    ScratchDir dir;
    const fs::path path = dir / "tokenizer.json";
    writeFile(path, "{\"model\": {\"type\": \"BPE\"},\n\"normalizer\": " + nested(100'000, true) + "}");
    EXPECT_EQ(errorMessage([&] { nf::formats::Tokenizer::fromFile(path); }),
              path.string() + ":2: arrays and objects nested deeper than 256 levels");
    writeFile(path, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 1e400}}}");
    expectOneBoundedLine(errorMessage([&] { nf::formats::Tokenizer::fromFile(path); }),
                         path.string() + ":1: the number 1e400 in \"model.vocab.a\" is out of range");
}

TEST(JsonInputReaders, LlamaFactoryRefusesDeepNestingAndBoundsAHugeKey)
{
    ScratchDir dir;
    const fs::path path = dir / "results.json";
    writeFile(dir / "results.log", "        Average: 50.00\n");
    writeFile(path, "{\"a\": " + nested(100'000, true) + "}");
    EXPECT_EQ(errorMessage([&] { nf::formats::readLlamaFactory(dir.path(), {}); }),
              path.string() + ":1: arrays and objects nested deeper than 256 levels");
    const std::string huge(500'000, 'k');
    writeFile(path, "{\"" + huge + "\": {\"0\": \"A\"}, \"x\": {\"" + huge + "\": \"A\"}}");
    expectOneBoundedLine(errorMessage([&] { nf::formats::readLlamaFactory(dir.path(), {}); }),
                         path.string() + ": \"x\" row \"kkkk");
    writeFile(path, "{\"" + huge + "\": 3}");
    const std::string message = errorMessage([&] { nf::formats::readLlamaFactory(dir.path(), {}); });
    expectOneBoundedLine(message, path.string() + ": \"kkkk");
    EXPECT_NE(message.find("k…\" must map row indices to letters"), std::string::npos) << message;
}

TEST(JsonInputReaders, LlamaFactoryEscapesControlCharactersInAKey)
{
    ScratchDir dir;
    writeFile(dir / "results.log", "        Average: 50.00\n");
    writeFile(dir / "results.json", "{\"a\x7f\\u0000\\u001b[2Jb\": 3}");
    const std::string message = errorMessage([&] { nf::formats::readLlamaFactory(dir.path(), {}); });
    EXPECT_EQ(message,
              (dir / "results.json").string() + ": \"a\\x7F\\x00\\x1B[2Jb\" must map row indices to letters");
}

TEST(JsonInputReaders, InvalidUtf8InAKeyIsNamedNotEchoed)
{
    ScratchDir dir;
    writeFile(dir / "results.log", "        Average: 50.00\n");
    writeFile(dir / "results.json", "{\"ok\": {},\n\"a\xff\xfe\": 3}");
    const std::string message = errorMessage([&] { nf::formats::readLlamaFactory(dir.path(), {}); });
    EXPECT_EQ(message, (dir / "results.json").string() +
                           ":2: invalid JSON (a string that is not valid UTF-8 at byte 14)");
}

TEST(JsonInputReaders, CevalMappingRefusesNumbersOutOfRange)
{
    ScratchDir dir;
    fs::copy(kData / "mcq" / "ceval", dir.path(), fs::copy_options::recursive);
    writeFile(dir / "mapping.json", "{\n\"computer_network\": [\"Computer Network\", -1e309, \"STEM\"]}");
    EXPECT_EQ(errorMessage([&] { nf::formats::loadMcqTask("ceval:" + dir.path().string()); }),
              (dir / "mapping.json").string() +
                  ":2: the number -1e309 in \"computer_network\" is out of range (a double holds up to about "
                  "1.8e308)");
    writeFile(dir / "mapping.json", nested(100'000, true));
    EXPECT_EQ(errorMessage([&] { nf::formats::loadMcqTask("ceval:" + dir.path().string()); }),
              (dir / "mapping.json").string() + ":1: arrays and objects nested deeper than 256 levels");
}

TEST(JsonInputReaders, HfConfigRefusesDeepNesting)
{
    ScratchDir dir;
    writeFile(dir / "config.json",
              "{\"architectures\": [\"LlamaForCausalLM\"],\n\"x\": " + nested(100'000) + "}");
    EXPECT_EQ(errorMessage([&] { nf::formats::readHfConfig(dir.path()); }),
              (dir / "config.json").string() + ":2: arrays and objects nested deeper than 256 levels");
    writeFile(dir / "adapter_config.json", "{\"r\": 1E400}");
    expectOneBoundedLine(errorMessage([&] { nf::formats::readLoraConfig(dir.path()); }),
                         (dir / "adapter_config.json").string() +
                             ":1: the number 1E400 in \"r\" is out of range");
}

TEST(JsonInputReaders, SafetensorsHeaderRefusesDeepNesting)
{
    ScratchDir dir;
    const std::string header = "{\"__metadata__\": " + nested(100'000) + "}";
    std::string bytes(8, '\0');
    for (int i = 0; i < 8; ++i)
        bytes[static_cast<size_t>(i)] = static_cast<char>((uint64_t(header.size()) >> (8 * i)) & 0xFF);
    writeFile(dir / "w.safetensors", bytes + header);
    const std::string message =
        errorMessage([&] { nf::formats::SafetensorsFile file(dir / "w.safetensors"); });
    expectOneBoundedLine(message, (dir / "w.safetensors").string());
    EXPECT_NE(message.find("nests deeper than 64 levels"), std::string::npos) << message;
}

} // namespace
