#include "engine/prompt.h"

#include "common/error.h"
#include "engine/draws.h"
#include "formats/mcq.h"
#include "formats/tokenizer.h"

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <optional>
#include <unordered_map>

namespace nf::engine {
namespace {

using Ids = std::vector<int32_t>;

const std::vector<PromptTemplate>& templates()
{
    // The llamafactory texts are LLaMA-Factory's eval templates "en" and "zh" under its `fewshot`
    // chat template; mmlu-original is the form of the MMLU authors' evaluate.py.
    static const std::vector<PromptTemplate> list = {
        {"llamafactory", "The following are multiple choice questions (with answers) about {subject}.\n\n",
         SubjectName::DisplayName, "\nAnswer:", "", "\n\n", true, false},
        {"llamafactory-zh", "以下是中国关于{subject}考试的单项选择题，请选出其中的正确答案。\n\n",
         SubjectName::ZhName, "\n答案：", "", "\n\n", true, false},
        {"mmlu-original", "The following are multiple choice questions (with answers) about {subject}.\n\n",
         SubjectName::Key, "\nAnswer:", " ", "\n\n", false, true, ShotSelection::First},
    };
    return list;
}

std::string subjectText(const formats::McqSubject& subject, SubjectName name)
{
    switch (name) {
    case SubjectName::DisplayName:
        return subject.displayName;
    case SubjectName::ZhName:
        return subject.zhName;
    case SubjectName::Key:
        break;
    }
    std::string text = subject.key;
    std::replace(text.begin(), text.end(), '_', ' ');
    return text;
}

std::string systemLineFor(const PromptTemplate& format, const formats::McqSubject& subject)
{
    std::string line = format.systemLine;
    const std::string placeholder = "{subject}";
    const size_t at = line.find(placeholder);
    if (at != std::string::npos)
        line.replace(at, placeholder.size(), subjectText(subject, format.subject));
    return line;
}

// {question}\nA. {A}\nB. {B}...{answerCue}
std::string questionBlock(const PromptTemplate& format, const formats::McqItem& item)
{
    std::string text = item.question;
    for (size_t c = 0; c < item.choices.size(); ++c) {
        text += '\n';
        text += formats::choiceLetter(static_cast<int>(c));
        text += ". ";
        text += item.choices[c];
    }
    return text + format.answerCue;
}

std::string shotAnswer(const PromptTemplate& format, const formats::McqItem& shot)
{
    return format.shotAnswerPrefix + formats::choiceLetter(shot.answer) + format.shotEnd;
}

} // namespace

const PromptTemplate& promptTemplate(const std::string& name)
{
    for (const PromptTemplate& format : templates()) {
        if (format.name == name)
            return format;
    }
    std::string names;
    for (const std::string& known : promptTemplateNames())
        names += (names.empty() ? "" : " | ") + known;
    throw InputError("--template: '" + name + "' is not one of " + names);
}

std::vector<std::string> promptTemplateNames()
{
    std::vector<std::string> names;
    for (const PromptTemplate& format : templates())
        names.push_back(format.name);
    return names;
}

int64_t hashTokens(const std::vector<int32_t>& ids)
{
    constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;
    uint64_t state = mix64(static_cast<uint64_t>(ids.size()) + kGolden);
    for (const int32_t id : ids)
        state = mix64(state ^ (static_cast<uint64_t>(static_cast<uint32_t>(id)) + kGolden));
    return static_cast<int64_t>(state);
}

struct PromptBuilder::Impl
{
    std::shared_ptr<const formats::McqTask> task;
    std::shared_ptr<const formats::Tokenizer> tokenizer;
    PromptOptions options;
    const PromptTemplate* format = nullptr;
    std::vector<int32_t> choiceIds;
    std::vector<std::string> systemLines; // per subject
    std::vector<size_t> firstDev;         // per subject: its dev rows' first index in the dev caches

    // Piecewise encodings, filled on first use: a question block alone, and led by the system line
    // (the first piece of a prompt); per item and per dev row; a shot's answer piece per letter.
    std::vector<std::optional<Ids>> itemBlock, itemLead, devBlock, devLead;
    std::vector<std::optional<Ids>> answerPiece;
    // Whole-text encodings when every seed gives an item the same shots (first, or k = 0).
    std::unordered_map<int64_t, EncodedPrompt> wholePrompts;

    const formats::McqItem& item(int64_t index) const { return task->items.at(static_cast<size_t>(index)); }
    const formats::McqSubject& subjectOf(int64_t index) const
    {
        return task->subjects[static_cast<size_t>(item(index).subject)];
    }

    const Ids& cached(std::optional<Ids>& slot, const std::string& text)
    {
        if (!slot)
            slot = tokenizer->encode(text, false);
        return *slot;
    }
    const Ids& block(int64_t index)
    {
        return cached(itemBlock[static_cast<size_t>(index)], questionBlock(*format, item(index)));
    }
    const Ids& lead(int64_t index)
    {
        return cached(itemLead[static_cast<size_t>(index)],
                      systemLines[static_cast<size_t>(item(index).subject)] +
                          questionBlock(*format, item(index)));
    }
    const Ids& devRowBlock(int subject, int row)
    {
        const auto& shot = task->subjects[static_cast<size_t>(subject)].dev[static_cast<size_t>(row)];
        return cached(devBlock[firstDev[static_cast<size_t>(subject)] + static_cast<size_t>(row)],
                      questionBlock(*format, shot));
    }
    const Ids& devRowLead(int subject, int row)
    {
        const auto& shot = task->subjects[static_cast<size_t>(subject)].dev[static_cast<size_t>(row)];
        return cached(devLead[firstDev[static_cast<size_t>(subject)] + static_cast<size_t>(row)],
                      systemLines[static_cast<size_t>(subject)] + questionBlock(*format, shot));
    }
    const Ids& answer(int subject, int row)
    {
        const auto& shot = task->subjects[static_cast<size_t>(subject)].dev[static_cast<size_t>(row)];
        return cached(answerPiece[static_cast<size_t>(shot.answer)], shotAnswer(*format, shot));
    }

    // The ids of the prompt with the last `kept` of `rows` as shots.
    Ids piecewise(int64_t index, const std::vector<int>& rows, size_t kept)
    {
        if (kept == 0)
            return lead(index);
        const int subject = item(index).subject;
        const size_t first = rows.size() - kept;
        Ids ids = devRowLead(subject, rows[first]);
        for (size_t s = first; s < rows.size(); ++s) {
            if (s > first) {
                const Ids& piece = devRowBlock(subject, rows[s]);
                ids.insert(ids.end(), piece.begin(), piece.end());
            }
            const Ids& piece = answer(subject, rows[s]);
            ids.insert(ids.end(), piece.begin(), piece.end());
        }
        const Ids& target = block(index);
        ids.insert(ids.end(), target.begin(), target.end());
        return ids;
    }

    size_t piecewiseLength(int64_t index, const std::vector<int>& rows, size_t kept)
    {
        if (kept == 0)
            return lead(index).size();
        const int subject = item(index).subject;
        const size_t first = rows.size() - kept;
        size_t length = devRowLead(subject, rows[first]).size() + block(index).size();
        for (size_t s = first; s < rows.size(); ++s)
            length +=
                (s > first ? devRowBlock(subject, rows[s]).size() : 0) + answer(subject, rows[s]).size();
        return length;
    }

    std::string promptText(int64_t index, const std::vector<int>& rows, size_t kept) const
    {
        const formats::McqSubject& subject = subjectOf(index);
        std::string text = systemLines[static_cast<size_t>(item(index).subject)];
        for (size_t s = rows.size() - kept; s < rows.size(); ++s) {
            const auto& shot = subject.dev[static_cast<size_t>(rows[s])];
            text += questionBlock(*format, shot) + shotAnswer(*format, shot);
        }
        return text + questionBlock(*format, item(index));
    }

    std::vector<int32_t> withSpecialTokens(const std::string& text) const
    {
        if (!options.specialPrefix && !options.specialSuffix)
            return tokenizer->encode(text, true);
        const auto& prefix = options.specialPrefix ? *options.specialPrefix : tokenizer->specialPrefix();
        const auto& suffix = options.specialSuffix ? *options.specialSuffix : tokenizer->specialSuffix();
        std::vector<int32_t> ids = prefix;
        const auto body = tokenizer->encode(text, false);
        ids.insert(ids.end(), body.begin(), body.end());
        ids.insert(ids.end(), suffix.begin(), suffix.end());
        return ids;
    }

    EncodedPrompt encode(int64_t index, const std::vector<int>& rows)
    {
        const auto limit = static_cast<size_t>(options.maxLength);
        EncodedPrompt prompt;
        // Shots go from the front until the prompt fits: the target keeps the shots nearest to it.
        for (size_t kept = rows.size();; --kept) {
            prompt.shotsKept = static_cast<int>(kept);
            if (format->piecewise) {
                if (kept > 0 && piecewiseLength(index, rows, kept) > limit)
                    continue;
                prompt.ids = piecewise(index, rows, kept);
                break;
            }
            prompt.ids = withSpecialTokens(promptText(index, rows, kept));
            if (prompt.ids.size() <= limit || kept == 0)
                break;
        }
        if (prompt.ids.size() > limit) {
            prompt.ids.erase(prompt.ids.begin(), prompt.ids.end() - static_cast<std::ptrdiff_t>(limit));
            prompt.truncated = true;
        }
        prompt.hash = hashTokens(prompt.ids);
        return prompt;
    }
};

PromptBuilder::PromptBuilder(std::shared_ptr<const formats::McqTask> task,
                             std::shared_ptr<const formats::Tokenizer> tokenizer, PromptOptions options)
    : d(std::make_unique<Impl>())
{
    d->task = std::move(task);
    d->tokenizer = std::move(tokenizer);
    d->options = std::move(options);
    d->format = &promptTemplate(d->options.templateName);
    const formats::McqTask& data = *d->task;
    const int k = d->options.nShot;
    const std::string flag = "--n-shot " + std::to_string(k);
    if (k < 0)
        throw InputError("--n-shot: " + std::to_string(k) + " is not a number of shots (0 or more)");
    if (d->options.maxLength < 1)
        throw InputError("--max-length: " + std::to_string(d->options.maxLength) +
                         " is not a positive length");
    if (k > 0 && data.kind == "jsonl")
        throw InputError(flag + ": " + data.path +
                         " is a JSONL task, which has no dev examples; use --n-shot 0");
    if (k > 0 && data.split == "dev")
        throw InputError(flag + ": " + data.spec +
                         " evaluates the dev split, whose questions are the few-shot examples themselves "
                         "(each prompt would show its own answer); use --n-shot 0 there, or the test split");
    for (const formats::McqSubject& subject : data.subjects) {
        if (static_cast<int>(subject.dev.size()) >= k)
            continue;
        if (subject.dev.empty() && !std::filesystem::exists(subject.devFile))
            throw InputError(flag + ": subject " + subject.key + " has no dev file " + subject.devFile);
        throw InputError(flag + ": subject " + subject.key + " has " + std::to_string(subject.dev.size()) +
                         " dev rows in " + subject.devFile);
    }

    const std::string prefix = d->format->choiceLeadingSpace ? " " : "";
    for (int c = 0; c < data.maxChoices(); ++c) {
        const std::string letter = prefix + formats::choiceLetter(c);
        const Ids ids = d->tokenizer->encode(letter, false);
        if (ids.empty())
            throw InputError("tokenizer " + d->tokenizer->path() + ": the choice letter '" + letter +
                             "' encodes to no token");
        d->choiceIds.push_back(ids.back());
    }

    size_t devRows = 0;
    for (const formats::McqSubject& subject : data.subjects) {
        d->systemLines.push_back(systemLineFor(*d->format, subject));
        d->firstDev.push_back(devRows);
        devRows += subject.dev.size();
    }
    d->itemBlock.resize(data.items.size());
    d->itemLead.resize(data.items.size());
    d->devBlock.resize(devRows);
    d->devLead.resize(devRows);
    d->answerPiece.resize(static_cast<size_t>(std::max(data.maxChoices(), 1)));
}

PromptBuilder::~PromptBuilder() = default;

const std::vector<int32_t>& PromptBuilder::choiceIds() const
{
    return d->choiceIds;
}

const PromptOptions& PromptBuilder::options() const
{
    return d->options;
}

std::vector<int> PromptBuilder::shotRows(int64_t item, int64_t seed) const
{
    const int k = d->options.nShot;
    const int subject = d->item(item).subject;
    const int available = static_cast<int>(d->task->subjects[static_cast<size_t>(subject)].dev.size());
    std::vector<int> rows(static_cast<size_t>(available));
    std::iota(rows.begin(), rows.end(), 0);
    if (d->options.shots != ShotSelection::First) {
        // k of the dev rows without replacement, in random order: the rows sorted by a draw each
        // from a stream keyed by the item (per-item) or by the subject (per-run).
        const DrawStream stream =
            d->options.shots == ShotSelection::PerItem ? DrawStream::Shots : DrawStream::RunShots;
        const uint64_t key = static_cast<uint64_t>(stream == DrawStream::Shots ? item : subject);
        const uint64_t rowSeed = counterBits(static_cast<uint64_t>(seed), key, stream);
        std::vector<std::pair<uint64_t, int>> keyed;
        for (const int row : rows)
            keyed.emplace_back(counterBits(rowSeed, static_cast<uint64_t>(row), stream), row);
        std::sort(keyed.begin(), keyed.end());
        std::transform(keyed.begin(), keyed.end(), rows.begin(),
                       [](const auto& entry) { return entry.second; });
    }
    rows.resize(static_cast<size_t>(std::min(k, available)));
    return rows;
}

EncodedPrompt PromptBuilder::build(int64_t item, int64_t seed)
{
    const bool seedFree = d->options.shots == ShotSelection::First || d->options.nShot == 0;
    if (!d->format->piecewise && seedFree) {
        const auto found = d->wholePrompts.find(item);
        if (found != d->wholePrompts.end())
            return found->second;
        return d->wholePrompts.emplace(item, d->encode(item, shotRows(item, seed))).first->second;
    }
    return d->encode(item, shotRows(item, seed));
}

std::string PromptBuilder::text(int64_t item, int64_t seed, int shots) const
{
    const std::vector<int> rows = shotRows(item, seed);
    const size_t kept = shots < 0 ? rows.size() : std::min(rows.size(), static_cast<size_t>(shots));
    return d->promptText(item, rows, kept);
}

void applyDependentDefaults(EvalConfig& config, const std::function<bool(std::string_view key)>& given)
{
    if (!given("batch_size"))
        config.batchSize = config.lm ? kLanguageModelBatchSize : kClassifierBatchSize;
    if (config.lm && !given("shots"))
        config.lm->shots = promptTemplate(config.lm->promptTemplate).shots;
}

} // namespace nf::engine
