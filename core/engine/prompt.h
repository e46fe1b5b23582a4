#pragma once

#include "engine/config.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nf::formats {
struct McqTask;
class Tokenizer;
} // namespace nf::formats

namespace nf::engine {

// What {subject} in a system line stands for.
//   Key:         the subject's key with '_' as ' ' ("abstract algebra"), as the MMLU authors' code does
//   DisplayName: McqSubject::displayName (mapping.json's name, else the key with '_' as ' ')
//   ZhName:      McqSubject::zhName (the Chinese name where the mapping has one)
enum class SubjectName { Key, DisplayName, ZhName };

// A prompt format, data rather than code, so that more can be added without touching the scorer.
// The text of one example is
//   {question}\nA. {A}\nB. {B}...{answerCue}
// a shot adds {shotAnswerPrefix}{letter}{shotEnd}; the prompt is systemLine (with {subject}
// replaced) + shots + the target example.
struct PromptTemplate
{
    std::string name;
    std::string systemLine;       // "The following are ... about {subject}.\n\n"
    SubjectName subject;          // what {subject} stands for
    std::string answerCue;        // "\nAnswer:"
    std::string shotAnswerPrefix; // between the cue and a shot's letter: "" or " "
    std::string shotEnd;          // after a shot's letter: "\n\n"
    // Piecewise: each piece (system line + first question, each shot's answer with its end
    // "{letter}\n\n", each following question) is encoded on its own without special tokens and the
    // ids concatenated, as LLaMA-Factory's template encoder does with its `fewshot` template (no BOS).
    // Otherwise the whole text is encoded at once with the post-processor's special tokens.
    bool piecewise;
    // The choice tokens: the last id of the encoding of "A" (false) or " A" (true).
    bool choiceLeadingSpace;
    // The shots its authors' code uses, the default when none is chosen: the MMLU authors' takes
    // the first k dev rows, LLaMA-Factory draws them per question.
    ShotSelection shots = ShotSelection::PerItem;
};

// The defaults that follow from other settings, for the settings `given` says the user did not
// set: the batch size by the kind of model (kLanguageModelBatchSize or kClassifierBatchSize) and
// a language model's shots by its template (PromptTemplate::shots). The CLI's run and the New
// evaluation form both apply them.
void applyDependentDefaults(EvalConfig& config, const std::function<bool(std::string_view key)>& given);

// llamafactory (default), llamafactory-zh, mmlu-original. Throws nf::InputError listing the names.
const PromptTemplate& promptTemplate(const std::string& name);
std::vector<std::string> promptTemplateNames();

// ShotSelection, parseShotSelection and toString(ShotSelection) are in engine/config.h.

struct PromptOptions
{
    std::string templateName = "llamafactory";
    int nShot = 5;
    ShotSelection shots = ShotSelection::PerItem;
    int maxLength = 2048; // tokens; longer prompts drop shots from the front, then lose tokens on the left
    // Templates that encode the whole text with special tokens: these around it instead of the
    // tokenizer.json post-processor's (tokenizer_config.json's add_bos_token / add_eos_token).
    std::optional<std::vector<int32_t>> specialPrefix;
    std::optional<std::vector<int32_t>> specialSuffix;
};

struct EncodedPrompt
{
    std::vector<int32_t> ids;
    int shotsKept = 0;
    bool truncated = false; // tokens were cut from the left after every shot was dropped
    int64_t hash = 0;       // of the ids (stored per item: it changes when the template or shots do)
};

// Builds and encodes prompts for the items of an McqTask. Encodings of the pieces (questions, dev
// examples, letters, separators) are cached, so that the repeats of a run do not tokenize again.
// Not thread-safe (one per evaluation).
class PromptBuilder
{
public:
    // Throws nf::InputError when k > 0 and a subject has fewer than k dev rows (naming the
    // subject and its dev file), or when a choice letter does not encode to a token.
    PromptBuilder(std::shared_ptr<const formats::McqTask> task,
                  std::shared_ptr<const formats::Tokenizer> tokenizer, PromptOptions options);
    ~PromptBuilder();

    // The token id scored for each choice letter A, B, ... (task.maxChoices() of them).
    const std::vector<int32_t>& choiceIds() const;

    // The prompt of item `item` in a run with `seed`.
    EncodedPrompt build(int64_t item, int64_t seed);

    // The prompt's text (for `noisefloor-cli prompt` and tests); same shots as build(). `shots`
    // keeps the last that many of the k drawn (build()'s shotsKept); negative keeps all k.
    std::string text(int64_t item, int64_t seed, int shots = -1) const;

    // The dev rows (indices into the item's subject's dev) used as shots for `item`, in prompt
    // order, before any is dropped for length.
    std::vector<int> shotRows(int64_t item, int64_t seed) const;

    const PromptOptions& options() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

// 64-bit hash of a token sequence (stable across versions: stored in the database).
int64_t hashTokens(const std::vector<int32_t>& ids);

} // namespace nf::engine
