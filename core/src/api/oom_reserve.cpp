#include "oom_reserve.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace esti::api::internal {

namespace {

void* g_reserve = nullptr;

void OnOutOfMemory() {
  if (g_reserve != nullptr) {
    std::free(g_reserve);
    g_reserve = nullptr;
  }
  throw std::bad_alloc();
}

}  // namespace

void ArmOomReserve() {
  if (g_reserve == nullptr) {
    g_reserve = std::malloc(static_cast<size_t>(kOomReserveBytes));
    // Touch every page so the reserve is committed memory, not just address space.
    if (g_reserve != nullptr) std::memset(g_reserve, 0, static_cast<size_t>(kOomReserveBytes));
  }
  std::set_new_handler(OnOutOfMemory);
}

bool OomReserveArmed() { return g_reserve != nullptr; }

}  // namespace esti::api::internal
