#pragma once

#include <string>

namespace nf::workspace {

// Short human description of a config's params JSON, shared by the CLI's tables and the app's
// browser: "sample T=1.00, fp32, cpu, bs 256". Text that is not a JSON object comes back as is.
std::string describeParams(const std::string& paramsJson);

} // namespace nf::workspace
