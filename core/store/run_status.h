#pragma once

// A run's status and source as code compares them. The database keeps its words (runs.status,
// runs.source); these are read and written only through the functions below.

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace nf::store {

// runs.status: running | completed | failed | cancelled | interrupted.
enum class RunStatus { Running, Completed, Failed, Cancelled, Interrupted };

// The stored word: "completed", ... (short enough for std::string to hold without allocating).
std::string toString(RunStatus status);
// The status a stored word names; nothing for another word.
std::optional<RunStatus> runStatusFromString(std::string_view text);
// The stored word, for messages and test output.
std::ostream& operator<<(std::ostream& out, RunStatus status);

// runs.source: what made the run. Only the engine's seed fixes everything about a run.
enum class RunSource {
    Engine, // "engine": noisefloor's own runner
    Import, // "import:<format>": read from another tool's output (the format follows the colon)
};

// The stored text: "engine", or "import:" + importFormat.
std::string toString(RunSource source, std::string_view importFormat = {});
// The source a stored runs.source names. Anything but "engine" is an import: only the engine's
// runs may be resumed or treated as reproductions of a seed.
RunSource runSourceFromString(std::string_view text);

} // namespace nf::store
