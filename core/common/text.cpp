#include "common/text.h"

#include <algorithm>
#include <cstdio>
#include <fstream>

namespace nf {

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
    std::ifstream in(path, std::ios::binary);
    std::string head(count, '\0');
    in.read(head.data(), static_cast<std::streamsize>(count));
    head.resize(static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0)));
    return head;
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
