// Out of memory while answering must become a too_large answer, never std::terminate (issue 12
// item 4). The trap: nlohmann's basic_json destructor allocates (it flattens children onto a
// heap vector), so when a result under construction is unwound after std::bad_alloc, a
// destructor allocates in a memory-exhausted heap, throws from a noexcept destructor and the
// process terminates (natively exit 134; in wasm the instance traps for good).
//
// ArmOomReserve() keeps kOomReserveBytes allocated and installs a new-handler. On the first
// allocation failure the handler frees the reserve and throws std::bad_alloc (no retry), so the
// allocations made while unwinding are served from the freed reserve; api's Respond catches the
// bad_alloc and answers too_large, and the next call re-arms the reserve. Process-wide (the
// new-handler is global): the CLI and the wasm module each answer one request at a time.
#pragma once

#include <cstdint>

namespace esti::api::internal {

inline constexpr int64_t kOomReserveBytes = int64_t{32} << 20;  // 32 MiB

void ArmOomReserve();

// Test-only view: whether the reserve is currently held.
bool OomReserveArmed();

}  // namespace esti::api::internal
