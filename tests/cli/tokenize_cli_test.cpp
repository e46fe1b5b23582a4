// `noisefloor-cli tokenize` as a user runs it: text on stdin, ids out (and back with --decode),
// checked against the Tokenizer library on a tokenizer trained for the test.

#include "cli/cli_runner.h"
#include "core/scratch_dir.h"
#include "formats/tokenizer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace {

using nf::formats::Tokenizer;
using nf::test::CliResult;
using nf::test::readFile;
using nf::test::shellQuote;

// runCli with `input` on the command's standard input.
CliResult runWithInput(const std::filesystem::path& dir, const std::vector<std::string>& args,
                       const std::string& input)
{
    std::ofstream(dir / "in.txt", std::ios::binary) << input;
    std::string command = shellQuote(NF_CLI_PATH);
    for (const auto& arg : args)
        command += " " + shellQuote(arg);
    command += " <" + shellQuote((dir / "in.txt").string()) + " >" + shellQuote((dir / "out.txt").string()) +
               " 2>" + shellQuote((dir / "err.txt").string());
    const int status = std::system(command.c_str());
    CliResult result;
    result.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = readFile(dir / "out.txt");
    result.err = readFile(dir / "err.txt");
    return result;
}

std::string idsLine(const std::vector<int32_t>& ids)
{
    std::string line;
    for (int32_t id : ids)
        line += (line.empty() ? "" : " ") + std::to_string(id);
    return line + "\n";
}

class TokenizeCli : public ::testing::Test
{
protected:
    void SetUp() override
    {
        const std::string corpus =
            readFile(std::filesystem::path(NF_TEST_DATA_DIR) / "tokenizer" / "corpus.txt");
        ASSERT_FALSE(corpus.empty());
        nf::formats::writeTrainedTokenizer(m_file, corpus, 300);
    }

    nf::test::ScratchDir m_dir;
    std::filesystem::path m_file = m_dir / "tokenizer.json";
};

TEST_F(TokenizeCli, PrintsTheIdsOfStdinOnOneLine)
{
    const Tokenizer tokenizer = Tokenizer::fromFile(m_file);
    const std::string text = "Question: what is 2+2?\nA. 4\nAnswer:A<|endoftext|>\n";
    const CliResult result = runWithInput(m_dir.path(), {"tokenize", "--tokenizer", m_file.string()}, text);
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.out, idsLine(tokenizer.encode(text)));
}

TEST_F(TokenizeCli, EncodesEachLineOnItsOwnWithLines)
{
    const Tokenizer tokenizer = Tokenizer::fromFile(m_file);
    const CliResult result = runWithInput(
        m_dir.path(), {"tokenize", "--tokenizer", m_file.string(), "--lines"}, "Answer:B\n\nA. \xE4\xB8\xAD\r\n");
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.out, idsLine(tokenizer.encode("Answer:B")) + "\n" + idsLine(tokenizer.encode("A. \xE4\xB8\xAD\r")));
}

TEST_F(TokenizeCli, DecodesIdsBackToTheText)
{
    const Tokenizer tokenizer = Tokenizer::fromFile(m_file);
    const std::string text = "def f(x):\n\treturn x  # \xF0\x9F\x98\x80\n";
    CliResult result =
        runWithInput(m_dir.path(), {"tokenize", "--tokenizer", m_file.string(), "--decode"}, idsLine(tokenizer.encode(text)));
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.out, text);
    result = runWithInput(m_dir.path(), {"tokenize", "--tokenizer", m_file.string(), "--decode", "--lines"},
                          idsLine(tokenizer.encode("one")) + idsLine(tokenizer.encode("two three")));
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.out, "one\ntwo three\n");
}

TEST_F(TokenizeCli, AddsThePostProcessorsTokensWithAddSpecial)
{
    auto file = nlohmann::json::parse(readFile(m_file));
    const nlohmann::json start = {{"SpecialToken", {{"id", "<|im_start|>"}, {"type_id", 0}}}};
    const int startId = *Tokenizer::fromFile(m_file).tokenToId("<|im_start|>");
    file["post_processor"] = {
        {"type", "TemplateProcessing"},
        {"single", {start, {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
        {"pair", nlohmann::json::array()},
        {"special_tokens",
         {{"<|im_start|>", {{"id", "<|im_start|>"}, {"ids", {startId}}, {"tokens", {"<|im_start|>"}}}}}}};
    std::ofstream(m_dir / "bos.json") << file.dump();
    const Tokenizer tokenizer = Tokenizer::fromFile(m_dir / "bos.json");

    const std::vector<std::string> args = {"tokenize", "--tokenizer", (m_dir / "bos.json").string()};
    CliResult result = runWithInput(m_dir.path(), args, "Hello");
    EXPECT_EQ(result.out, idsLine(tokenizer.encode("Hello")));
    auto withSpecial = args;
    withSpecial.push_back("--add-special");
    result = runWithInput(m_dir.path(), withSpecial, "Hello");
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.out, idsLine(tokenizer.encode("Hello", true)));
    EXPECT_EQ(tokenizer.encode("Hello", true).front(), startId);
}

TEST_F(TokenizeCli, RefusesBadInputWithOneLineAndExitCodeTwo)
{
    CliResult result = runWithInput(m_dir.path(), {"tokenize", "--tokenizer", (m_dir / "none.json").string()}, "x");
    EXPECT_EQ(result.code, 2);
    EXPECT_NE(result.err.find("none.json"), std::string::npos) << result.err;

    result = runWithInput(m_dir.path(), {"tokenize", "--tokenizer", m_file.string(), "--decode"}, "12 x7 3");
    EXPECT_EQ(result.code, 2);
    EXPECT_EQ(result.err, "noisefloor-cli: error: stdin line 1: 'x7' is not a token id\n");

    result = runWithInput(m_dir.path(), {"tokenize", "--tokenizer", m_file.string(), "--decode"}, "1\n99999999");
    EXPECT_EQ(result.code, 2);
    EXPECT_NE(result.err.find("token id 99999999 is not in"), std::string::npos) << result.err;

    result = runWithInput(m_dir.path(), {"tokenize", "--tokenizer", m_file.string(), "--lines"}, "ok\nbad \xFF\n");
    EXPECT_EQ(result.code, 2);
    EXPECT_EQ(result.err, "noisefloor-cli: error: stdin line 2: the text to tokenize is not valid UTF-8 at byte 4\n");

    auto file = nlohmann::json::parse(readFile(m_file));
    file["pre_tokenizer"] = {{"type", "Metaspace"}};
    std::ofstream(m_dir / "metaspace.json") << file.dump();
    result = runWithInput(m_dir.path(), {"tokenize", "--tokenizer", (m_dir / "metaspace.json").string()}, "x");
    EXPECT_EQ(result.code, 2);
    EXPECT_NE(result.err.find("pre_tokenizer type 'Metaspace' is not supported"), std::string::npos) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1);
}

} // namespace
