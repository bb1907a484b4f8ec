#include "io/spec_io.h"

#include "io/fields.h"
#include "io/interconnect_io.h"
#include "io/object_reader.h"
#include "io/presets.h"

namespace esti::io {

namespace {

// Resolves a preset id to its parsed JSON, or returns the inline object itself.
Json Resolve(const Json& v, const std::string& path, const char* kind) {
  if (v.is_string()) {
    const std::string& id = v.get_ref<const std::string&>();
    const PresetText* p = FindPreset(kind, id);
    if (p == nullptr) {
      std::string known;
      for (const std::string& k : PresetIds(kind)) known += (known.empty() ? "" : ", ") + k;
      Fail(codes::kUnknownPreset, path,
           "no " + std::string(kind) + " preset \"" + id + "\" (known: " + known + ")");
    }
    Result<Json> parsed = ParseJson(p->json);
    if (!parsed.ok())
      Fail(codes::kInternal, path, "preset " + id + " is corrupt: " + parsed.error().message);
    return parsed.value();
  }
  if (!v.is_object()) {
    Fail(codes::kTypeError, path,
         std::string("expected a preset id or an object, got ") + v.type_name());
  }
  return v;
}

void ReadSource(ObjectReader& r) {
  // Citations: a string or an object of strings. Kept in the files for people; not used.
  const Json* s = r.Find("source");
  if (s == nullptr || s->is_string()) return;
  if (!s->is_object())
    Fail(codes::kTypeError, r.PathOf("source"), "expected a string or an object of strings");
  for (auto it = s->begin(); it != s->end(); ++it) {
    if (!it->is_string())
      Fail(codes::kTypeError, PointerAppend(r.PathOf("source"), it.key()), "expected a string");
  }
}

// Longest price_source or price_date kept: a URL with room to spare.
constexpr int64_t kMaxPriceCitationChars = 512;

// YYYY-MM-DD with a month 01-12 and a day 01-31 (the calendar is not checked further).
bool IsIsoDate(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (const std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  const int month = (s[5] - '0') * 10 + (s[6] - '0');
  const int day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// A price's source and date: only beside a price (a citation of no number is a mistake), the date
// as YYYY-MM-DD so "when was this read" has one reading.
void ReadPriceCitation(ObjectReader& r, hardware::ChipSpec& c) {
  const std::string price_key(fields::hardware::kCostPerChipHour.key);
  for (const fields::Field* f : {&fields::hardware::kPriceSource, &fields::hardware::kPriceDate}) {
    const std::string key(f->key);
    std::optional<std::string> v = r.OptString(key, kMaxPriceCitationChars);
    if (!v) continue;
    if (c.cost_per_chip_hour_usd <= 0) {
      Fail(codes::kInvalidValue, r.PathOf(key),
           key + " is given but " + price_key + " is not (a citation needs its price)");
    }
    if (v->empty()) Fail(codes::kInvalidValue, r.PathOf(key), key + " is empty");
    if (f == &fields::hardware::kPriceDate && !IsIsoDate(*v)) {
      Fail(codes::kInvalidValue, r.PathOf(key),
           "\"" + v->substr(0, 20) + "\" is not a date written YYYY-MM-DD");
    }
    (f == &fields::hardware::kPriceSource ? c.price_source : c.price_date) = std::move(*v);
  }
}

}  // namespace

model::ModelConfig ReadModel(const Json& v, const std::string& path) {
  Json j = Resolve(v, path, "models");
  ObjectReader r(j, path);
  r.SchemaVersion(kSpecSchemaVersion, /*required=*/false);
  model::ModelConfig m;
  m.id = r.OptString("id").value_or("custom");
  m.name = r.OptString("name").value_or(m.id);
  m.n_layers = fields::Int(r, fields::model::kNLayers);
  m.d_model = fields::Int(r, fields::model::kDModel);
  m.d_ff = fields::Int(r, fields::model::kDFf);
  m.n_heads = fields::Int(r, fields::model::kNHeads);
  m.n_kv_heads = fields::OptInt(r, fields::model::kNKvHeads).value_or(m.n_heads);
  m.d_head = fields::Int(r, fields::model::kDHead);
  m.vocab_size = fields::Int(r, fields::model::kVocabSize);
  m.ffn_type = r.OptEnum<model::FfnType>("ffn_type").value_or(model::FfnType::kSwiglu);
  m.block_type = r.OptEnum<model::BlockType>("block_type").value_or(model::BlockType::kParallel);
  m.shared_embedding = r.OptBool("shared_embedding").value_or(true);
  m.nominal_params = fields::OptNumber(r, fields::model::kNominalParams).value_or(0);
  ReadSource(r);
  r.Finish();
  if (m.n_heads % m.n_kv_heads != 0) {
    Fail(codes::kInvalidValue, r.PathOf("n_kv_heads"),
         "n_kv_heads (" + std::to_string(m.n_kv_heads) + ") must divide n_heads (" +
             std::to_string(m.n_heads) + ")");
  }
  return m;
}

hardware::ChipSpec ReadHardware(const Json& v, const std::string& path) {
  Json j = Resolve(v, path, "hardware");
  ObjectReader r(j, path);
  r.SchemaVersion(kSpecSchemaVersion, /*required=*/false);
  hardware::ChipSpec c;
  c.id = r.OptString("id").value_or("custom");
  c.name = r.OptString("name").value_or(c.id);
  c.peak_flops_per_s_bf16 = fields::Number(r, fields::hardware::kPeakBf16);
  // Optional (absent: the chip has no such matmul hardware; every file before fp8 gives int8).
  c.peak_flops_per_s_int8 = fields::OptNumber(r, fields::hardware::kPeakInt8).value_or(0);
  c.peak_flops_per_s_fp8 = fields::OptNumber(r, fields::hardware::kPeakFp8).value_or(0);
  c.hbm_capacity_bytes = fields::Number(r, fields::hardware::kHbmCapacity);
  c.hbm_bandwidth_bytes_per_s = fields::Number(r, fields::hardware::kHbmBandwidth);
  c.collective_bandwidth = r.OptEnum<hardware::CollectiveBandwidth>("collective_bandwidth")
                               .value_or(hardware::CollectiveBandwidth::kAllLinks);
  if (HasInterconnect(r)) {
    ReadInterconnect(r, c);  // core/src/io/interconnect_io.cpp
  } else {
    // The legacy description: one 3D torus (read exactly as before interconnect levels).
    c.ici_link_bandwidth_bytes_per_s = fields::Number(r, fields::hardware::kIciBandwidth);
    c.ici_links_per_chip = fields::Int(r, fields::hardware::kIciLinks);
    c.ici_hop_latency_s = fields::Number(r, fields::hardware::kIciHopLatency);
    c.max_axis_chips = fields::Int(r, fields::hardware::kMaxAxisChips);
    c.torus_axis_multiple = fields::Int(r, fields::hardware::kTorusAxisMultiple);
  }
  c.max_chips = fields::Int(r, fields::hardware::kMaxChips);
  c.cost_per_chip_hour_usd = fields::OptNumber(r, fields::hardware::kCostPerChipHour).value_or(0);
  ReadPriceCitation(r, c);
  c.matmul_unit_dim = fields::OptInt(r, fields::hardware::kMatmulUnitDim).value_or(0);
  if (const Json* cal = r.Find("calibration"))
    c.calibration = ReadCalibration(*cal, r.PathOf("calibration"));
  ReadSource(r);
  r.Finish();
  return c;
}

Result<model::ModelConfig> ParseModel(const Json& v, const std::string& path) {
  return Guard<model::ModelConfig>([&] { return ReadModel(v, path); });
}

Result<hardware::ChipSpec> ParseHardware(const Json& v, const std::string& path) {
  return Guard<hardware::ChipSpec>([&] { return ReadHardware(v, path); });
}

Json ModelToJson(const model::ModelConfig& m) {
  Json j = {{"schema_version", kSpecSchemaVersion},
            {"id", m.id},
            {"name", m.name},
            {"n_layers", m.n_layers},
            {"d_model", m.d_model},
            {"d_ff", m.d_ff},
            {"n_heads", m.n_heads},
            {"n_kv_heads", m.n_kv_heads},
            {"d_head", m.d_head},
            {"vocab_size", m.vocab_size},
            {"ffn_type", model::ToString(m.ffn_type)},
            {"block_type", model::ToString(m.block_type)},
            {"shared_embedding", m.shared_embedding}};
  if (m.nominal_params > 0) j["nominal_params"] = m.nominal_params;
  return j;
}

Json HardwareToJson(const hardware::ChipSpec& c) {
  Json j = {{"schema_version", kSpecSchemaVersion},
            {"id", c.id},
            {"name", c.name},
            {"peak_flops_per_s_bf16", c.peak_flops_per_s_bf16},
            {"peak_flops_per_s_int8", c.peak_flops_per_s_int8},
            {"hbm_capacity_bytes", c.hbm_capacity_bytes},
            {"hbm_bandwidth_bytes_per_s", c.hbm_bandwidth_bytes_per_s},
            {"ici_link_bandwidth_bytes_per_s", c.ici_link_bandwidth_bytes_per_s},
            {"ici_links_per_chip", c.ici_links_per_chip},
            {"ici_hop_latency_s", c.ici_hop_latency_s},
            {"collective_bandwidth",
             c.collective_bandwidth == hardware::CollectiveBandwidth::kPerAxis ? "per_axis"
                                                                               : "all_links"},
            {"max_axis_chips", c.max_axis_chips},
            {"max_chips", c.max_chips},
            {"torus_axis_multiple", c.torus_axis_multiple},
            {"cost_per_chip_hour_usd", c.cost_per_chip_hour_usd},
            {"matmul_unit_dim", c.matmul_unit_dim},
            {"calibration", CalibrationToJson(c.calibration)}};
  if (c.peak_flops_per_s_int8 <= 0) j.erase("peak_flops_per_s_int8");  // no int8 hardware
  if (c.peak_flops_per_s_fp8 > 0) j["peak_flops_per_s_fp8"] = c.peak_flops_per_s_fp8;
  if (!c.price_source.empty()) j["price_source"] = c.price_source;
  if (!c.price_date.empty()) j["price_date"] = c.price_date;
  InterconnectToJson(c, j);
  return j;
}

Json ParamsToJson(const model::ParamBreakdown& p) {
  return {{"attention_q", p.attention_q},
          {"attention_kv", p.attention_kv},
          {"attention_o", p.attention_o},
          {"attention", p.attention()},
          {"ffn", p.ffn},
          {"norm_scales", p.norm_scales},
          {"embedding", p.embedding},
          {"non_embedding", p.non_embedding},
          {"total_params", p.total}};
}

Json DescribeModel(const model::ModelConfig& m) {
  using model::WeightFormat;
  return {{"model", ModelToJson(m)},
          {"params", ParamsToJson(model::CountParams(m))},
          {"nominal_params", model::NominalParams(m)},
          {"kv_bytes_per_token", model::KvBytesPerToken(m)},
          {"weight_bytes",
           {{"bf16", model::WeightBytes(m, WeightFormat::kBf16)},
            {"int8", model::WeightBytes(m, WeightFormat::kInt8)},
            {"fp8", model::WeightBytes(m, WeightFormat::kFp8)},
            {"int4", model::WeightBytes(m, WeightFormat::kInt4)}}}};
}

}  // namespace esti::io
