// The process's open-descriptor limit.
#pragma once

namespace llmbench {

/// Lifts the soft limit on open descriptors to the hard one: thousands of concurrent streams
/// need thousands of descriptors (and a forked child, such as a simulator, inherits it).
void RaiseFileLimit();

}  // namespace llmbench
