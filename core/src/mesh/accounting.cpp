#include "esti/mesh/accounting.h"

#include "esti/cost/pass.h"

namespace esti::mesh {

namespace {

cost::Scenario ScenarioFor(const model::ModelConfig& m, const MeshShape& shape,
                           const Layout& layout, decoder::WeightKind kind, int64_t batch) {
  cost::Scenario s;
  s.model = m;
  // Only volumes are read from the cost model here; a unit link keeps its times finite.
  s.chip.ici_link_bandwidth_bytes_per_s = 1;
  s.chip.ici_links_per_chip = 6;
  s.chip.peak_flops_per_s_bf16 = 1;
  s.chip.hbm_bandwidth_bytes_per_s = 1;
  s.plan.topology.dims = shape.dims;
  s.plan.topology.wraparound = {true, true, true};
  s.plan.ffn_layout = layout.ffn;
  s.plan.attention = layout.attention;
  s.plan.weights =
      kind == decoder::WeightKind::kInt8 ? model::WeightFormat::kInt8 : model::WeightFormat::kBf16;
  s.mode = cost::Mode::kRoofline;
  s.workload.batch = batch;
  return s;
}

// Role bits of the cost model are the mesh axis bits (role x = axis 0, ...).
static_assert(cost::kRoleX == kAxisX && cost::kRoleY == kAxisY && cost::kRoleZ == kAxisZ);

}  // namespace

std::vector<CollectiveRow> CompareWithModel(const std::vector<CollectiveRecord>& records,
                                            const model::ModelConfig& m, const MeshShape& shape,
                                            const Layout& layout, decoder::WeightKind kind,
                                            int64_t batch, int64_t tokens_per_sequence,
                                            int64_t passes) {
  const cost::Scenario s = ScenarioFor(m, shape, layout, kind, batch);
  const cost::PassModel pass(s, tokens_per_sequence);
  const double layers = static_cast<double>(m.n_layers) * static_cast<double>(passes);
  const bool parallel = m.block_type == model::BlockType::kParallel;
  std::vector<CollectiveRow> rows;
  std::vector<bool> used(records.size(), false);
  for (int i = 0; i < pass.n_collectives(); ++i) {
    const cost::CollectiveTerm t = pass.collective(i);
    CollectiveRow row;
    row.name = t.name;
    row.kind = cost::ToString(t.kind);
    row.axes = AxesToString(t.roles);
    row.group = GroupSize(shape, t.roles);
    row.in_cost_model = true;
    row.bytes_model = t.bytes_per_chip * layers;
    const bool weights = row.name == "weight_all_gather";
    const double model_elem_bytes = weights
                                        ? static_cast<double>(model::BytesPerWeight(s.plan.weights))
                                        : cost::kActivationBytes;
    row.elements_model = row.bytes_model / model_elem_bytes;
    for (size_t r = 0; r < records.size(); ++r) {
      const CollectiveRecord& rec = records[r];
      if (rec.name != row.name || rec.axes != t.roles) continue;
      used[r] = true;
      row.calls += rec.calls;
      row.bytes_measured += rec.bytes;
      row.bytes_sent += rec.bytes_sent;
      row.seconds += rec.seconds;
      const double values = row.name == "layer_out_reduce_scatter" && parallel ? 2 : 1;
      row.elements_measured += rec.elements / values;
    }
    row.match = row.elements_measured == row.elements_model;
    rows.push_back(row);
  }
  for (size_t r = 0; r < records.size(); ++r) {
    if (used[r]) continue;
    const CollectiveRecord& rec = records[r];
    CollectiveRow row;
    row.name = rec.name;
    row.kind = ToString(rec.kind);
    row.axes = AxesToString(rec.axes);
    row.group = rec.group;
    row.calls = rec.calls;
    row.bytes_measured = rec.bytes;
    row.bytes_sent = rec.bytes_sent;
    row.elements_measured = rec.elements;
    row.seconds = rec.seconds;
    rows.push_back(row);
  }
  return rows;
}

ModelMemory ModelMemoryPerChip(const model::ModelConfig& m, const MeshShape& shape,
                               const Layout& layout, decoder::WeightKind kind, int64_t batch,
                               int64_t context) {
  const cost::Scenario s = ScenarioFor(m, shape, layout, kind, batch);
  const cost::PassModel pass(s, 1);
  ModelMemory mm;
  mm.weight_elements =
      pass.stored_weight_bytes() / static_cast<double>(model::BytesPerWeight(s.plan.weights));
  mm.kv_cache_elements = pass.KvCacheBytes(static_cast<double>(context)) /
                         static_cast<double>(model::kKvBytesPerElement);
  return mm;
}

}  // namespace esti::mesh
