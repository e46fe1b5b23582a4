#pragma once

// A scratch folder with the hand-written MMLU-format folder (tests/data/mcq/mmlu), a small
// byte-level BPE tokenizer trained on its text, and tiny TorchScript causal LMs written by the
// engine's own fixture functions.

#include "core/scratch_dir.h"
#include "engine/models.h"
#include "formats/tokenizer.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace nf::test {

class TinyLmWorld
{
public:
    TinyLmWorld()
    {
        std::string corpus;
        for (const auto& entry :
             std::filesystem::recursive_directory_iterator(std::filesystem::path(NF_TEST_DATA_DIR) / "mcq")) {
            if (!entry.is_regular_file())
                continue;
            std::ifstream in(entry.path(), std::ios::binary);
            std::ostringstream text;
            text << in.rdbuf();
            corpus += text.str();
        }
        corpus += "The following are multiple choice questions (with answers) about .\n\nAnswer:A\nAnswer:B\n";
        formats::writeTrainedTokenizer(m_dir / "tokenizer.json", corpus, 300);
        m_vocab = formats::Tokenizer::fromFile(m_dir / "tokenizer.json").vocabSize();
    }

    std::string taskSpec() const { return "mmlu:" + std::string(NF_TEST_DATA_DIR) + "/mcq/mmlu"; }
    std::string tokenizer() const { return (m_dir / "tokenizer.json").string(); }
    int vocabSize() const { return m_vocab; }

    // A model whose vocabulary fits the tokenizer (unless the spec says otherwise), saved beside it.
    std::string model(const std::string& name, engine::TinyCausalLmSpec spec = {}) const
    {
        if (spec.vocab == engine::TinyCausalLmSpec{}.vocab)
            spec.vocab = m_vocab;
        const auto path = m_dir / (name + ".pt");
        engine::writeTinyCausalLm(path, spec);
        return path.string();
    }

    std::filesystem::path operator/(const std::string& name) const { return m_dir / name; }

private:
    ScratchDir m_dir;
    int m_vocab = 0;
};

} // namespace nf::test
