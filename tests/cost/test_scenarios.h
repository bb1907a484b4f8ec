// Scenario builders shared by the cost and search tests.
#pragma once

#include "cost/plan.h"
#include "hardware/topology.h"
#include "io/spec_io.h"

namespace esti::testing {

inline cost::Scenario PaperScenario(const std::string& model_id, int64_t chips, cost::Phase phase,
                                    int64_t batch, model::WeightFormat weights,
                                    cost::FfnLayout layout, cost::AttentionSharding attention,
                                    cost::Mode mode = cost::Mode::kRoofline) {
  cost::Scenario s;
  s.model = io::ParseModel(io::Json(model_id), "").value();
  s.chip = io::ParseHardware(io::Json("tpu-v4"), "").value();
  s.plan.topology = hardware::ChooseTopology(s.chip, chips, "").value();
  s.plan.ffn_layout = layout;
  s.plan.attention = attention;
  s.plan.weights = weights;
  s.workload.phase = phase;
  s.workload.batch = batch;
  s.workload.input_tokens = 2048;   // ESTI §4: context 2048
  s.workload.generate_tokens = 64;  // ESTI §4: 64 generated tokens
  s.mode = mode;
  return s;
}

// An FFN-only model (no attention heads), to reproduce the paper's FFN figures exactly.
inline model::ModelConfig FfnOnly(int64_t d_model, int64_t d_ff) {
  model::ModelConfig m;
  m.id = "ffn-only";
  m.n_layers = 1;
  m.d_model = d_model;
  m.d_ff = d_ff;
  m.n_heads = 0;
  m.n_kv_heads = 0;
  m.d_head = 0;
  m.vocab_size = 0;
  m.ffn_type = model::FfnType::kGelu;  // the paper's figures count 2 FFN matrices
  return m;
}

}  // namespace esti::testing
