#include "common/utc_time.h"

namespace nf {

std::string isoUtc(std::time_t seconds)
{
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

} // namespace nf
