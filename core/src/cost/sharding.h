// How a plan splits each tensor over the layout roles x, y, z, in the paper's notation (ESTI §3.1:
// BLE_xyz = E split over x, y and z; an omitted role means replicated over it). For people: the
// cost terms are computed in pass.cpp; this only names what they assume.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "cost/plan.h"

namespace esti::cost {

struct DimSplit {
  const char* dim;  // "B" batch, "L" sequence, "E" d_model, "F" d_ff, "H" heads
  uint8_t roles;    // kRoleX | kRoleY | kRoleZ bits; 0 = not split
};

struct TensorSharding {
  const char* tensor;  // "stored_weights", "weights_in_use", "activations", "attention", "kv_cache"
  std::vector<DimSplit> dims;
};

// ESTI §3.2 (Fig 2, A.2) for the FFN and projections, §3.3 (Fig 4, 5) for attention.
// Attention and the KV cache follow SplitAttention (pass.h), which needs the model's K/V heads.
std::vector<TensorSharding> DescribeSharding(const Plan& plan, int64_t n_kv_heads);

// "B_xy L E_z".
std::string Notation(const TensorSharding& t);

}  // namespace esti::cost
