#include "common/utc_time.h"

namespace nf {
namespace {

// Reads `count` digits at `pos` as a number in [low, high]; moves `pos` past them.
bool digits(std::string_view text, size_t& pos, size_t count, int low, int high, int& value)
{
    if (text.size() - pos < count)
        return false;
    value = 0;
    for (size_t i = 0; i < count; ++i) {
        const char c = text[pos + i];
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + (c - '0');
    }
    pos += count;
    return value >= low && value <= high;
}

bool next(std::string_view text, size_t& pos, char expected)
{
    if (pos >= text.size() || text[pos] != expected)
        return false;
    ++pos;
    return true;
}

int daysInMonth(int year, int month)
{
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[month - 1];
}

} // namespace

std::string isoUtc(std::time_t seconds)
{
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

bool isIsoTime(std::string_view text)
{
    size_t pos = 0;
    int year = 0, month = 0, day = 0, value = 0;
    if (!digits(text, pos, 4, 1000, 9000, year) || !next(text, pos, '-') || !digits(text, pos, 2, 1, 12, month) ||
        !next(text, pos, '-') || !digits(text, pos, 2, 1, daysInMonth(year, month), day))
        return false;
    if (pos == text.size())
        return true;
    if (text[pos] != 'T' && text[pos] != ' ')
        return false;
    ++pos;
    if (!digits(text, pos, 2, 0, 23, value) || !next(text, pos, ':') || !digits(text, pos, 2, 0, 59, value))
        return false;
    if (next(text, pos, ':')) {
        if (!digits(text, pos, 2, 0, 59, value))
            return false;
        if (next(text, pos, '.')) {
            const size_t first = pos;
            while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9')
                ++pos;
            if (pos == first)
                return false;
        }
    }
    if (pos == text.size())
        return true;
    if (next(text, pos, 'Z'))
        return pos == text.size();
    if (text[pos] != '+' && text[pos] != '-')
        return false;
    ++pos;
    return digits(text, pos, 2, 0, 14, value) && next(text, pos, ':') && digits(text, pos, 2, 0, 59, value) &&
           pos == text.size();
}

} // namespace nf
