// The process exit codes of every llmbench subcommand, documented in README.md ("Exit codes").
#pragma once

namespace llmbench::app {

inline constexpr int kExitOk = 0;                  ///< everything ran and passed
inline constexpr int kExitMeasurementFailed = 1;   ///< ran, but requests failed / engine errors
inline constexpr int kExitBadInput = 2;            ///< bad scenario, options or files: nothing ran
inline constexpr int kExitEngineUnreachable = 77;  ///< an optional engine could not be reached (CTest SKIP_RETURN_CODE)

}  // namespace llmbench::app
