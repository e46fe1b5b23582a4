#include "common/text.h"

#include "common/paths.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <utility>

namespace nf {
namespace {

// The code point of the UTF-8 sequence at text[i] and its length in bytes; length 0 where the
// bytes there are not well-formed UTF-8 (a stray continuation byte, overlong, a surrogate, past
// U+10FFFF, cut short).
std::pair<char32_t, size_t> decodeUtf8(std::string_view text, size_t i)
{
    const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    if (lead < 0x80)
        return {lead, 1};
    const size_t length = lead >= 0xC0 && lead < 0xE0   ? 2
                          : lead >= 0xE0 && lead < 0xF0 ? 3
                          : lead >= 0xF0 && lead < 0xF8 ? 4
                                                        : 0;
    if (length == 0 || text.size() - i < length)
        return {0, 0};
    constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000}; // below it, an overlong form
    char32_t point = lead & (0x7F >> length);
    for (size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80)
            return {0, 0};
        point = (point << 6) | (byte(i + k) & 0x3F);
    }
    if (point < kSmallest[length] || point > 0x10FFFF || (point >= 0xD800 && point <= 0xDFFF))
        return {0, 0};
    return {point, length};
}

// C0 and C1 controls, DEL, the line and paragraph separators and the bidirectional marks and
// overrides: what would break a message's line or reorder what a terminal shows.
bool disturbsDisplay(char32_t point)
{
    return point < 0x20 || (point >= 0x7F && point <= 0x9F) || point == 0x061C || point == 0x200E ||
           point == 0x200F || (point >= 0x2028 && point <= 0x202E) || (point >= 0x2066 && point <= 0x2069);
}

} // namespace

std::string trimmed(std::string_view text)
{
    const size_t begin = text.find_first_not_of(" \t\r");
    if (begin == std::string_view::npos)
        return {};
    const size_t end = text.find_last_not_of(" \t\r");
    return std::string(text.substr(begin, end - begin + 1));
}

std::string_view withoutByteOrderMark(std::string_view text)
{
    constexpr std::string_view kMark = "\xEF\xBB\xBF";
    return text.starts_with(kMark) ? text.substr(kMark.size()) : text;
}

int64_t lineAtByte(std::string_view text, size_t byte)
{
    const size_t offset = std::min(byte > 0 ? byte - 1 : 0, text.size());
    return 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
}

std::string fileHead(const std::filesystem::path& path, size_t count)
{
    if (!specialFileKind(path).empty()) // a FIFO or /proc/kmsg would block the look
        return {};
    std::ifstream in(path, std::ios::binary);
    std::string head(count, '\0');
    in.read(head.data(), static_cast<std::streamsize>(count));
    head.resize(static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0)));
    return head;
}

std::string printableExcerpt(std::string_view text, size_t maxCharacters)
{
    std::string out;
    size_t characters = 0;
    for (size_t i = 0; i < text.size(); ++characters) {
        if (characters == maxCharacters)
            return out + "…";
        const auto [point, length] = decodeUtf8(text, i);
        char escape[16] = "";
        if (length == 0)
            std::snprintf(escape, sizeof escape, "\\x%02X", static_cast<unsigned char>(text[i]));
        else if (disturbsDisplay(point) && point < 0x80)
            std::snprintf(escape, sizeof escape, "\\x%02X", static_cast<unsigned>(point));
        else if (disturbsDisplay(point))
            std::snprintf(escape, sizeof escape, "\\u{%04X}", static_cast<unsigned>(point));
        else
            out.append(text.substr(i, length));
        out += escape;
        i += std::max<size_t>(length, 1);
    }
    return out;
}

std::string durationText(double seconds)
{
    char text[48];
    if (seconds < 90)
        std::snprintf(text, sizeof text, "about %.0f s", std::max(1.0, seconds));
    else if (seconds < 90 * 60)
        std::snprintf(text, sizeof text, "about %.0f min", seconds / 60);
    else if (seconds < 48 * 3600)
        std::snprintf(text, sizeof text, "about %.1f h", seconds / 3600);
    else
        std::snprintf(text, sizeof text, "about %.1f days", seconds / 86400);
    return text;
}

} // namespace nf
