// tokenize: the token ids of text on stdin under a Hugging Face tokenizer.json (or, with --decode,
// the text of ids), so that anyone can check what a prompt becomes.

#include "commands.h"
#include "common/error.h"
#include "formats/tokenizer.h"

#include <charconv>
#include <iostream>
#include <iterator>

namespace nf::cli {
namespace {

struct TokenizeOptions
{
    std::string tokenizer;
    bool lines = false;
    bool decode = false;
    bool addSpecial = false;
};

// The input split at '\n' (a '\r' before it stays); a final newline ends the last line.
std::vector<std::string_view> inputLines(std::string_view input)
{
    std::vector<std::string_view> lines;
    size_t pos = 0;
    while (pos < input.size()) {
        size_t end = input.find('\n', pos);
        if (end == std::string_view::npos)
            end = input.size();
        lines.push_back(input.substr(pos, end - pos));
        pos = end + 1;
    }
    return lines;
}

void appendIds(std::string& out, const std::vector<int32_t>& ids)
{
    char buffer[16];
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i > 0)
            out += ' ';
        const auto result = std::to_chars(buffer, buffer + sizeof buffer, ids[i]);
        out.append(buffer, result.ptr);
    }
    out += '\n';
}

// Ids separated by white space; `line` is the input line `text` starts on, for messages.
std::vector<int32_t> parseIds(std::string_view text, size_t line)
{
    auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    std::vector<int32_t> ids;
    size_t pos = 0;
    while (pos < text.size()) {
        if (isSpace(text[pos])) {
            line += text[pos++] == '\n' ? 1 : 0;
            continue;
        }
        size_t end = pos;
        while (end < text.size() && !isSpace(text[end]))
            ++end;
        int32_t id = 0;
        const auto result = std::from_chars(text.data() + pos, text.data() + end, id);
        if (result.ec != std::errc() || result.ptr != text.data() + end)
            throw InputError("stdin line " + std::to_string(line) + ": '" + std::string(text.substr(pos, end - pos)) +
                             "' is not a token id");
        ids.push_back(id);
        pos = end;
    }
    return ids;
}

int runTokenize(const TokenizeOptions& options)
{
    const auto tokenizer = formats::Tokenizer::fromFile(options.tokenizer);
    const std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    const std::vector<std::string_view> texts =
        options.lines ? inputLines(input) : std::vector<std::string_view>{input};
    std::string out;
    for (size_t i = 0; i < texts.size(); ++i) {
        if (options.decode) {
            out += tokenizer.decode(parseIds(texts[i], options.lines ? i + 1 : 1));
            if (options.lines)
                out += '\n';
            continue;
        }
        try {
            appendIds(out, tokenizer.encode(texts[i], options.addSpecial));
        } catch (const InputError& e) {
            if (!options.lines)
                throw;
            throw InputError("stdin line " + std::to_string(i + 1) + ": " + e.what());
        }
    }
    std::cout << out << std::flush;
    return kExitOk;
}

} // namespace

void addTokenizeCommand(CLI::App& app, GlobalOptions&, Action& action)
{
    auto options = std::make_shared<TokenizeOptions>();
    auto* tokenize = app.add_subcommand(
        "tokenize", "Print the token ids of UTF-8 text on stdin under a Hugging Face tokenizer.json, "
                    "space-separated on one line (--decode: the text of ids)");
    tokenize->add_option("--tokenizer", options->tokenizer, "The tokenizer.json (byte-level BPE)")
        ->type_name("FILE")
        ->required();
    tokenize->add_flag("--lines", options->lines,
                       "Encode each input line (without its \\n) on its own; one output line each");
    auto* decode = tokenize->add_flag(
        "--decode", options->decode,
        "Read token ids (space-separated; with --lines one sequence per line) and print their text");
    tokenize
        ->add_flag("--add-special", options->addSpecial,
                   "Add the post-processor's special tokens (Llama 3.1's <|begin_of_text|>)")
        ->excludes(decode);
    tokenize->callback([&action, options] { action = [options] { return runTokenize(*options); }; });
}

} // namespace nf::cli
