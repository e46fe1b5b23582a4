#include "formats/tokenizer_json.h"

#include "common/error.h"
#include "formats/json_input.h"

namespace nf::formats::tokenizer_detail {
namespace {

using nlohmann::json;

// SAX events into TokenizerJson: JSON values for the file, plain lists for model.vocab (an
// object) and model.merges (strings "a b" or pairs ["a", "b"]).
class Handler : public nlohmann::json_sax<json>
{
public:
    explicit Handler(TokenizerJson& out) : m_out(out) {}

    bool null() override { return scalar(json(), -1); }
    bool boolean(bool value) override { return scalar(json(value), -1); }
    bool number_integer(number_integer_t value) override { return scalar(json(value), value); }
    bool number_unsigned(number_unsigned_t value) override
    {
        return scalar(json(value), value > uint64_t(INT64_MAX) ? -1 : static_cast<int64_t>(value));
    }
    bool number_float(number_float_t value, const string_t&) override { return scalar(json(value), -1); }
    bool binary(binary_t&) override { return scalar(json(), -1); }

    bool string(string_t& value) override
    {
        if (m_frames.empty()) // the whole file is one string: no containers to look into
            return scalar(json(std::move(value)), -1);
        Frame& top = m_frames.back();
        switch (top.kind) {
        case Kind::Merges: {
            const size_t space = value.find(' ');
            if (space == std::string::npos || value.find(' ', space + 1) != std::string::npos)
                badMerge("is not two tokens separated by a space");
            else
                m_out.merges->emplace_back(value.substr(0, space), value.substr(space + 1));
            ++top.count;
            return true;
        }
        case Kind::MergePair:
            top.pair.push_back(std::move(value));
            return true;
        default:
            return scalar(json(std::move(value)), -1);
        }
    }

    bool key(string_t& value) override
    {
        m_frames.back().key = std::move(value);
        return true;
    }

    bool start_object(std::size_t) override { return open(true); }
    bool start_array(std::size_t) override { return open(false); }
    bool end_object() override { return close(); }
    bool end_array() override { return close(); }

    // Not called: saxParseJsonInput reports syntax errors in its own words.
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override
    {
        return false;
    }

private:
    enum class Kind { Json, Vocab, Merges, MergePair, Ignored };
    struct Frame
    {
        Kind kind = Kind::Ignored;
        json* node = nullptr;  // Json: the container being filled
        std::string name;      // Json: its key in the parent object
        int depth = 0;
        std::string key;       // the object's key whose value comes next
        size_t count = 0;      // Merges: entries seen
        std::vector<std::string> pair; // MergePair: its strings so far
        bool valid = true;     // MergePair: nothing but strings
    };

    static Frame makeFrame(Kind kind, json* node = nullptr, std::string name = {}, int depth = 0)
    {
        Frame frame;
        frame.kind = kind;
        frame.node = node;
        frame.name = std::move(name);
        frame.depth = depth;
        return frame;
    }

    bool isModel(const Frame& frame) const
    {
        return frame.kind == Kind::Json && frame.depth == 1 && frame.name == "model" && frame.node->is_object();
    }

    void badMerge(const std::string& what)
    {
        if (m_out.badEntry.empty())
            m_out.badEntry = "model.merges[" + std::to_string(m_frames.back().count) + "] " + what;
    }

    json* add(json&& value)
    {
        Frame& top = m_frames.back();
        if (top.node->is_object()) {
            json& slot = (*top.node)[top.key];
            slot = std::move(value);
            return &slot;
        }
        top.node->push_back(std::move(value));
        return &top.node->back();
    }

    bool scalar(json&& value, int64_t id)
    {
        if (m_frames.empty()) {
            m_out.root = std::move(value);
            return true;
        }
        Frame& top = m_frames.back();
        switch (top.kind) {
        case Kind::Json:
            add(std::move(value));
            break;
        case Kind::Vocab:
            m_out.vocab->emplace_back(std::move(top.key), id);
            break;
        case Kind::Merges:
            badMerge("is not a pair of tokens");
            ++top.count;
            break;
        case Kind::MergePair:
            top.valid = false;
            break;
        case Kind::Ignored:
            break;
        }
        return true;
    }

    bool open(bool object)
    {
        if (m_frames.empty()) {
            m_out.root = object ? json::object() : json::array();
            m_frames.push_back(makeFrame(Kind::Json, &m_out.root));
            return true;
        }
        Frame& top = m_frames.back();
        switch (top.kind) {
        case Kind::Json: {
            const bool inObject = top.node->is_object();
            if (inObject && isModel(top) && object && top.key == "vocab") {
                m_out.vocab.emplace();
                m_frames.push_back(makeFrame(Kind::Vocab));
                return true;
            }
            if (inObject && isModel(top) && !object && top.key == "merges") {
                m_out.merges.emplace();
                m_frames.push_back(makeFrame(Kind::Merges));
                return true;
            }
            std::string name = inObject ? top.key : std::string();
            const int depth = top.depth + 1;
            json* node = add(object ? json::object() : json::array());
            m_frames.push_back(makeFrame(Kind::Json, node, std::move(name), depth));
            return true;
        }
        case Kind::Vocab:
            m_out.vocab->emplace_back(std::move(top.key), -1);
            break;
        case Kind::Merges:
            if (!object) {
                m_frames.push_back(makeFrame(Kind::MergePair));
                return true;
            }
            badMerge("is not a pair of tokens");
            ++top.count;
            break;
        case Kind::MergePair:
            top.valid = false;
            break;
        case Kind::Ignored:
            break;
        }
        m_frames.push_back(makeFrame(Kind::Ignored));
        return true;
    }

    bool close()
    {
        Frame done = std::move(m_frames.back());
        m_frames.pop_back();
        if (done.kind == Kind::MergePair) {
            if (done.valid && done.pair.size() == 2)
                m_out.merges->emplace_back(std::move(done.pair[0]), std::move(done.pair[1]));
            else
                badMerge("is not a pair of tokens");
            ++m_frames.back().count;
        }
        return true;
    }

    TokenizerJson& m_out;
    std::vector<Frame> m_frames;
};

} // namespace

TokenizerJson parseTokenizerJson(std::string_view text, const std::string& origin)
{
    TokenizerJson out;
    Handler handler(out);
    JsonFailure failure;
    if (!saxParseJsonInput(text, handler, failure))
        throw InputError(jsonFailureMessage(failure, text, {origin}));
    return out;
}

} // namespace nf::formats::tokenizer_detail
