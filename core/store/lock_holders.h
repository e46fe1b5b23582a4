#pragma once

// Who holds a database's locks, for the message a writer gives when its busy wait runs out:
// "database is locked" alone leaves the user guessing which program to close.

#include <string>

namespace nf::store {

// The processes holding a POSIX lock on `path` or on its WAL index (`path`-shm), from Linux's
// /proc/locks: "process 4242 (noisefloor-cli merge other.sqlite)", several joined with ", ";
// "this process" for the caller's own when no other holds one; "" when none is found (or /proc is
// not there).
std::string lockHolders(const std::string& path);

} // namespace nf::store
