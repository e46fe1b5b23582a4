#include "store/run_status.h"

#include <array>
#include <utility>

namespace nf::store {
namespace {

constexpr std::array<std::pair<RunStatus, std::string_view>, 5> kStatusWords{{
    {RunStatus::Running, "running"},
    {RunStatus::Completed, "completed"},
    {RunStatus::Failed, "failed"},
    {RunStatus::Cancelled, "cancelled"},
    {RunStatus::Interrupted, "interrupted"},
}};

constexpr std::string_view kEngineSource = "engine";
constexpr std::string_view kImportPrefix = "import:";

} // namespace

std::string toString(RunStatus status)
{
    for (const auto& [value, word] : kStatusWords)
        if (value == status)
            return std::string(word);
    return "unknown";
}

std::optional<RunStatus> runStatusFromString(std::string_view text)
{
    for (const auto& [value, word] : kStatusWords)
        if (word == text)
            return value;
    return std::nullopt;
}

std::ostream& operator<<(std::ostream& out, RunStatus status)
{
    return out << toString(status);
}

std::string toString(RunSource source, std::string_view importFormat)
{
    if (source == RunSource::Engine)
        return std::string(kEngineSource);
    return std::string(kImportPrefix) + std::string(importFormat);
}

RunSource runSourceFromString(std::string_view text)
{
    return text == kEngineSource ? RunSource::Engine : RunSource::Import;
}

} // namespace nf::store
