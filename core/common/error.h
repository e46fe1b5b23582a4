#pragma once

#include <stdexcept>
#include <string>

namespace nf {

// Bad input from the user: a file, a spec or a value that cannot be used. The message names the
// file, line or key and what is wrong; the CLI prints it on one line and exits with code 2.
class InputError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// The database cannot be opened or written (read-only, locked too long, corrupt).
class StoreError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// The user (Ctrl-C, the app's Cancel) asked the evaluation to stop.
class Cancelled : public std::runtime_error
{
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

} // namespace nf
