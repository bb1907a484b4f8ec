#include "mesh/accounting.h"

#include "cost/pass.h"

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

cost::ExecutionWidths DecoderWidths(decoder::WeightKind kind) {
  const bool int8 = kind == decoder::WeightKind::kInt8;
  cost::ExecutionWidths w;
  w.activation_bytes = sizeof(float);  // fp32 activations (decoder/decoder.h)
  w.partial_sum_bytes = int8 ? sizeof(int32_t) : sizeof(float);
  w.weight_bytes = int8 ? 1 : sizeof(float);
  w.parallel_output_values = 2;  // W_O's and W_down's partial sums travel apart
  w.int8_activation_scales = int8;
  w.extra_terms = true;
  return w;
}

std::vector<CollectiveRow> CompareWithModel(const std::vector<CollectiveRecord>& records,
                                            const model::ModelConfig& m_executed,
                                            const MeshShape& shape, const Layout& layout,
                                            decoder::WeightKind kind, int64_t batch,
                                            int64_t tokens_per_sequence, int64_t passes) {
  const cost::Scenario s = ScenarioFor(m_executed, shape, layout, kind, batch);
  const std::vector<cost::ExecutedCollective> model =
      cost::ExecutedCollectives(s, tokens_per_sequence, DecoderWidths(kind));
  // The paper's widths: the cost model's per-layer terms as the calculator shows them (bf16,
  // the real batch, no padding).
  const cost::PassModel paper(s, tokens_per_sequence);
  const double p = static_cast<double>(passes);
  std::vector<CollectiveRow> rows;
  std::vector<bool> used(records.size(), false);
  for (const cost::ExecutedCollective& t : model) {
    CollectiveRow row;
    row.name = t.name;
    row.kind = t.kind;
    row.axes = AxesToString(t.roles);
    row.group = t.group;
    row.in_cost_model = true;
    row.calls_model = t.calls * passes;
    row.bytes_model = t.bytes * p;
    row.in_paper = t.paper_term;
    row.formula = t.formula;
    for (int i = 0; i < paper.n_collectives(); ++i) {
      const cost::CollectiveTerm q = paper.collective(i);
      if (t.paper_term && q.name == t.name && q.roles == t.roles) {
        row.bytes_paper = q.bytes_per_chip * static_cast<double>(m_executed.n_layers) * p;
      }
    }
    for (size_t r = 0; r < records.size(); ++r) {
      const CollectiveRecord& rec = records[r];
      if (rec.name != row.name || rec.axes != t.roles || row.kind != ToString(rec.kind)) continue;
      used[r] = true;
      row.calls += rec.calls;
      row.bytes_measured += rec.bytes;
      row.bytes_sent += rec.bytes_sent;
      row.seconds += rec.seconds;
    }
    row.match = row.bytes_measured == row.bytes_model && row.calls == row.calls_model;
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
