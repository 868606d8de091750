// Asks an engine what it is (model, engine, version) before its case is measured.
#pragma once

#include "load/load_generator.hpp"
#include "protocol/identity.hpp"

namespace llmbench::pipeline {

/// GETs protocol::IdentityPaths() under target.base_url (with the target's headers, e.g. the API
/// key), at most a few seconds in all, and reads what answers. Unknown fields stay empty: an
/// engine that says nothing is still measured.
protocol::EngineIdentity IdentifyEngine(const load::Target& target);

}  // namespace llmbench::pipeline
