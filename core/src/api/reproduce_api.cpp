// The paper view: every table and figure point the project has data for, with the paper's number,
// esti's roofline and calibrated numbers, the error, and whether the point was used in the fit.
#include <cmath>

#include "calibrate/fit.h"
#include "cost/evaluate.h"
#include "cost/pass.h"
#include "hardware/topology.h"
#include "io/calibration_io.h"
#include "io/result_io.h"
#include "io/scenario_io.h"
#include "io/spec_io.h"
#include "respond.h"

namespace esti::api {

namespace {

// The measurement files of the TPU v4 calibration (cli/cmd_calibrate.cpp fits the same ones).
const char* const kCalibrationData[] = {"palm-540b-tpu-v4", "palm-62b-tpu-v4", "palm-8b-tpu-v4"};

io::Json Row(const std::string& id, const std::string& source, const std::string& what,
             const std::string& quantity, double paper, double roofline, double calibrated,
             bool used_in_fit) {
  return {{"id", id},
          {"source", source},
          {"what", what},
          {"quantity", quantity},
          {"paper", paper},
          {"roofline", roofline},
          {"calibrated", calibrated},
          {"error", calibrated / paper - 1},
          {"roofline_error", roofline / paper - 1},
          {"used_in_fit", used_in_fit}};
}

// Table 2 and Figure 1 / C.1: the calibration's own measurements.
void MeasuredRows(io::Json* rows) {
  for (const char* file : kCalibrationData) {
    const std::vector<calibrate::Measurement> data = io::ReadMeasurements(io::Json(file), "");
    for (const calibrate::Measurement& m : data) {
      const hardware::Calibration& cal = m.candidates.front().base.chip.calibration;
      const calibrate::PointResult c = calibrate::Predict(m, cal);
      const calibrate::PointResult r = calibrate::Predict(m, cal, cost::Mode::kRoofline);
      const std::string source =
          m.group == "table2" ? "ESTI Table 2" : "ESTI Figure 1 / C.1 (" + m.group + ")";
      const std::string what = m.model_id + ", " + (c.decode ? "decode" : "prefill") + ", " +
                               model::ToString(c.scenario.plan.weights);
      io::Json row = Row(m.id, source, what, m.per_token ? "latency_per_token_s" : "latency_s",
                         m.measured_s, r.predicted_s, c.predicted_s, true);
      io::ScenarioInput in;
      in.model_json = c.scenario.model.id;
      in.hardware_json = c.scenario.chip.id;
      row["chips"] = c.chips;
      row["batch"] = c.batch;
      row["scenario"] = io::ConcreteScenarioJson(in, c.scenario);
      rows->push_back(std::move(row));
    }
  }
}

// ESTI Table 1: maximum context length, PaLM 540B on 64 chips with 30% of the memory reserved for
// the KV cache (ESTI §3.3, Table 1). The paper prints rounded values.
void Table1Rows(io::Json* rows) {
  struct Paper {
    const char* model;
    cost::AttentionSharding attention;
    const char* key;
    const char* what;
    int64_t batch;
    double tokens;
  };
  const Paper paper[] = {
      {"palm-540b-multihead", cost::AttentionSharding::kHeads, "mha", "multihead", 128, 1320},
      {"palm-540b-multihead", cost::AttentionSharding::kHeads, "mha", "multihead", 512, 330},
      {"palm-540b-padded", cost::AttentionSharding::kHeads, "mq-heads", "multiquery over heads",
       128, 660},
      {"palm-540b-padded", cost::AttentionSharding::kHeads, "mq-heads", "multiquery over heads",
       512, 165},
      {"palm-540b-padded", cost::AttentionSharding::kBatch, "mq-batch", "multiquery over batch",
       128, 43000},
      {"palm-540b-padded", cost::AttentionSharding::kBatch, "mq-batch", "multiquery over batch",
       512, 10700}};
  for (const Paper& p : paper) {
    cost::Scenario s;
    s.model = io::ReadModel(io::Json(p.model), "");
    s.chip = io::ReadHardware(io::Json("tpu-v4"), "");
    s.plan.topology = hardware::ChooseTopology(s.chip, 64, "").value();
    s.plan.ffn_layout = cost::FfnLayout::kWs2d;
    s.plan.attention = p.attention;
    s.plan.weights = model::WeightFormat::kBf16;
    s.workload.phase = cost::Phase::kDecode;
    s.workload.batch = p.batch;
    const double tokens =
        static_cast<double>(cost::MaxContextTokens(s, 0.3 * s.chip.hbm_capacity_bytes));
    rows->push_back(Row("table1-" + std::string(p.key) + "-b" + std::to_string(p.batch),
                        "ESTI Table 1", std::string(p.what) + ", batch " + std::to_string(p.batch),
                        "max_context_tokens", p.tokens, tokens, tokens, false));
  }
}

// ESTI Figure 3: per-chip communication volume of one FFN layer, 64 chips (X = Y = Z = 4),
// d_model 16384, d_ff 65536, bf16 (digitized to 4 significant figures; GB = 1e9 bytes).
void Figure3Rows(io::Json* rows) {
  struct Point {
    int64_t tokens;
    double ws2d, wg_x, wg_xy, wg_xyz;
  };
  const Point points[] = {
      {2048, 0.06711, 0.3020, 1.082, 4.295}, {8192, 0.2684, 0.4027, 1.107, 4.295},
      {16384, 0.5369, 0.5369, 1.141, 4.295}, {32768, 1.074, 0.8053, 1.208, 4.295},
      {65536, 2.147, 1.342, 1.342, 4.295},   {131072, 4.295, 2.416, 1.611, 4.295},
      {262144, 8.590, 4.563, 2.147, 4.295},  {524288, 17.18, 8.858, 3.221, 4.295},
      {1048576, 34.36, 17.45, 5.369, 4.295}, {16777216, 549.8, 275.1, 69.79, 4.295}};
  cost::Scenario s;
  s.model.id = "ffn-only";
  s.model.n_layers = 1;
  s.model.d_model = 16384;
  s.model.d_ff = 65536;
  s.model.ffn_type = model::FfnType::kGelu;  // the figure counts two FFN matrices, no attention
  s.chip = io::ReadHardware(io::Json("tpu-v4"), "");
  s.plan.topology = hardware::MakeTopology(s.chip, {4, 4, 4}, "").value();
  s.plan.weights = model::WeightFormat::kBf16;
  s.plan.attention = cost::AttentionSharding::kHeads;
  s.workload.phase = cost::Phase::kPrefill;
  s.workload.batch = 1;
  for (const Point& p : points) {
    const std::pair<cost::FfnLayout, double> layouts[] = {{cost::FfnLayout::kWs2d, p.ws2d},
                                                          {cost::FfnLayout::kWgX, p.wg_x},
                                                          {cost::FfnLayout::kWgXy, p.wg_xy},
                                                          {cost::FfnLayout::kWgXyz, p.wg_xyz}};
    for (const auto& [layout, gb] : layouts) {
      s.plan.ffn_layout = layout;
      const cost::PassModel pm(s, p.tokens);
      double bytes = 0;
      for (int i = 0; i < pm.n_collectives(); ++i) bytes += pm.collective(i).bytes_per_chip;
      rows->push_back(
          Row("figure3-" + std::string(cost::ToString(layout)) + "-t" + std::to_string(p.tokens),
              "ESTI Figure 3",
              std::string(cost::ToString(layout)) + ", " + std::to_string(p.tokens) + " tokens",
              "comm_bytes_per_chip_per_layer", gb * 1e9, bytes, bytes, false));
    }
  }
}

}  // namespace

std::string Reproduce(std::string_view request) {
  return internal::Respond(request, [](const io::Json& req) {
    io::ObjectReader r(req, "");
    r.SchemaVersion(1, false);
    r.Finish();
    io::Json rows = io::Json::array();
    Table1Rows(&rows);
    MeasuredRows(&rows);
    Figure3Rows(&rows);
    return io::Json{{"rows", std::move(rows)}};
  });
}

}  // namespace esti::api
