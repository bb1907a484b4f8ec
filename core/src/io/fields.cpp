#include "io/fields.h"

#include <array>
#include <cmath>

#include "cost/plan.h"
#include "hardware/chip.h"
#include "io/quantity.h"
#include "io/scenario_io.h"
#include "io/spec_io.h"
#include "model/model.h"
#include "search/space.h"

namespace esti::io::fields {

int64_t IntValue(const Json& v, const std::string& path, const Field& f) {
  return ToInt(v, path, static_cast<int64_t>(f.min), static_cast<int64_t>(f.max));
}

double NumberValue(const Json& v, const std::string& path, const Field& f) {
  return ToNumber(v, path, f.min, f.max);
}

int64_t Int(ObjectReader& r, const Field& f) {
  return r.Int(std::string(f.key), static_cast<int64_t>(f.min), static_cast<int64_t>(f.max));
}

std::optional<int64_t> OptInt(ObjectReader& r, const Field& f) {
  return r.OptInt(std::string(f.key), static_cast<int64_t>(f.min), static_cast<int64_t>(f.max));
}

double Number(ObjectReader& r, const Field& f) {
  return r.Number(std::string(f.key), f.min, f.max);
}

std::optional<double> OptNumber(ObjectReader& r, const Field& f) {
  return r.OptNumber(std::string(f.key), f.min, f.max);
}

namespace model {
using io::kMaxDHead, io::kMaxDim, io::kMaxHeads, io::kMaxLayers, io::kMaxVocab;
const Field kId{.key = "id", .label = "Id", .type = Type::kString, .default_text = "custom"};
const Field kName{.key = "name", .label = "Name", .type = Type::kString, .default_rule = "the id"};
const Field kNLayers{.key = "n_layers",
                     .label = "Layers",
                     .type = Type::kInteger,
                     .min = 1,
                     .max = kMaxLayers,
                     .unit = "layers",
                     .required = true};
const Field kDModel{.key = "d_model",
                    .label = "d_model",
                    .type = Type::kInteger,
                    .min = 1,
                    .max = kMaxDim,
                    .unit = "dims",
                    .required = true,
                    .help = "model width E (ESTI §3.1)"};
const Field kDFf{.key = "d_ff",
                 .label = "d_ff",
                 .type = Type::kInteger,
                 .min = 1,
                 .max = kMaxDim,
                 .unit = "dims",
                 .required = true,
                 .help = "feed-forward width F (for SwiGLU the width of each of its 3 matrices)"};
const Field kNHeads{.key = "n_heads",
                    .label = "Query heads",
                    .type = Type::kInteger,
                    .min = 1,
                    .max = kMaxHeads,
                    .unit = "heads",
                    .required = true};
const Field kNKvHeads{.key = "n_kv_heads",
                      .label = "K/V heads",
                      .type = Type::kInteger,
                      .min = 1,
                      .max = kMaxHeads,
                      .unit = "heads",
                      .default_rule = "n_heads",
                      .help =
                          "1 = multiquery (ESTI §3.3), = query heads: multi-head, else "
                          "grouped-query; must divide the query heads"};
const Field kDHead{.key = "d_head",
                   .label = "d_head",
                   .type = Type::kInteger,
                   .min = 1,
                   .max = kMaxDHead,
                   .unit = "dims",
                   .required = true};
const Field kVocabSize{.key = "vocab_size",
                       .label = "Vocabulary",
                       .type = Type::kInteger,
                       .min = 1,
                       .max = kMaxVocab,
                       .unit = "tokens",
                       .required = true};
const Field kFfnType{.key = "ffn_type",
                     .label = "Feed-forward",
                     .type = Type::kEnum,
                     .default_text = "swiglu",
                     .values = EnumValues<esti::model::FfnType>};
const Field kBlockType{.key = "block_type",
                       .label = "Block",
                       .type = Type::kEnum,
                       .default_text = "parallel",
                       .values = EnumValues<esti::model::BlockType>,
                       .help = "parallel: attention and feed-forward read the same input (PaLM)"};
const Field kSharedEmbedding{.key = "shared_embedding",
                             .label = "Tied embedding",
                             .type = Type::kBoolean,
                             .default_number = 1,
                             .help = "true: the output projection is the input embedding"};
const Field kNominalParams{.key = "nominal_params",
                           .label = "Published parameter count",
                           .type = Type::kNumber,
                           .min = 0,
                           .max = 1e16,
                           .unit = "params",
                           .default_rule = "counted from the shape"};
const Field kSource{.key = "source",
                    .label = "Source",
                    .type = Type::kObject,
                    .help = "citations: a string or an object of strings; not used"};
}  // namespace model

namespace hardware {
const Field kId{.key = "id", .label = "Id", .type = Type::kString, .default_text = "custom"};
const Field kName{.key = "name", .label = "Name", .type = Type::kString, .default_rule = "the id"};
const Field kPeakBf16{.key = "peak_flops_per_s_bf16",
                      .label = "Peak bf16",
                      .type = Type::kNumber,
                      .min = 1e6,
                      .max = 1e20,
                      .unit = "flops_per_s",
                      .required = true};
const Field kPeakInt8{.key = "peak_flops_per_s_int8",
                      .label = "Peak int8",
                      .type = Type::kNumber,
                      .min = 1e6,
                      .max = 1e20,
                      .unit = "flops_per_s",
                      .default_rule = "none: no int8 matmul units (int8 weights computed in bf16)"};
const Field kPeakFp8{.key = "peak_flops_per_s_fp8",
                     .label = "Peak fp8",
                     .type = Type::kNumber,
                     .min = 1e6,
                     .max = 1e20,
                     .unit = "flops_per_s",
                     .default_rule = "none: no fp8 matmul units (fp8 weights computed in bf16)"};
const Field kInterconnect{
    .key = "interconnect",
    .label = "Interconnect levels",
    .type = Type::kObjectList,
    .default_rule = "one 3D torus from the ici_* fields",
    .help =
        "[{name, kind: torus|line|switch, bandwidth_bytes_per_s, latency_s, torus/line: axes, "
        "max_axis_chips, axis_multiple?, wraparound_multiple?; switch: max_size}] "
        "(docs/interconnects.md); replaces the ici_* fields"};
const Field kSliceShapes{.key = "slice_shapes",
                         .label = "Slice shapes sold",
                         .type = Type::kIntTripleList,
                         .min = 1,
                         .max = 64,
                         .default_rule = "every shape the axis rules allow",
                         .help = "[[X, Y, Z], ...]: the shapes the product sells"};
const Field kHbmCapacity{.key = "hbm_capacity_bytes",
                         .label = "HBM capacity",
                         .type = Type::kNumber,
                         .min = 1e6,
                         .max = 1e15,
                         .unit = "bytes",
                         .required = true};
const Field kHbmBandwidth{.key = "hbm_bandwidth_bytes_per_s",
                          .label = "HBM bandwidth",
                          .type = Type::kNumber,
                          .min = 1e6,
                          .max = 1e16,
                          .unit = "bytes_per_s",
                          .required = true};
const Field kIciBandwidth{.key = "ici_link_bandwidth_bytes_per_s",
                          .label = "ICI link bandwidth",
                          .type = Type::kNumber,
                          .min = 1e3,
                          .max = 1e15,
                          .unit = "bytes_per_s",
                          .default_rule = "from interconnect, when given",
                          .help = "one direction of one link"};
const Field kIciLinks{.key = "ici_links_per_chip",
                      .label = "ICI links per chip",
                      .type = Type::kInteger,
                      .min = 2,
                      .max = 6,
                      .unit = "links",
                      .default_rule = "from interconnect, when given"};
const Field kIciHopLatency{.key = "ici_hop_latency_s",
                           .label = "ICI hop latency",
                           .type = Type::kNumber,
                           .min = 0,
                           .max = 1,
                           .unit = "s",
                           .default_rule = "from interconnect, when given"};
const Field kCollectiveBandwidth{.key = "collective_bandwidth",
                                 .label = "Collective bandwidth",
                                 .type = Type::kEnum,
                                 .default_text = "all_links",
                                 .values = EnumValues<esti::hardware::CollectiveBandwidth>};
const Field kMaxAxisChips{.key = "max_axis_chips",
                          .label = "Chips per axis, at most",
                          .type = Type::kInteger,
                          .min = 1,
                          .max = 64,
                          .unit = "chips",
                          .default_rule = "from interconnect, when given"};
const Field kMaxChips{.key = "max_chips",
                      .label = "Chips per slice, at most",
                      .type = Type::kInteger,
                      .min = 1,
                      .max = 65536,
                      .unit = "chips",
                      .required = true};
const Field kTorusAxisMultiple{
    .key = "torus_axis_multiple",
    .label = "Wraparound axis multiple",
    .type = Type::kInteger,
    .min = 1,
    .max = 64,
    .unit = "chips",
    .default_rule = "from interconnect, when given",
    .help = "an axis whose length is a multiple of this is a torus ring"};
const Field kCostPerChipHour{.key = "cost_per_chip_hour_usd",
                             .label = "Price per chip-hour",
                             .type = Type::kNumber,
                             .min = 0,
                             .max = 1e6,
                             .unit = "USD",
                             .default_number = 0,
                             .help = "0: no price known"};
const Field kPriceSource{
    .key = "price_source",
    .label = "Price source",
    .type = Type::kString,
    .help = "where the price per chip-hour was read (a URL); only with a price"};
const Field kPriceDate{.key = "price_date",
                       .label = "Price date",
                       .type = Type::kString,
                       .help = "when the price was read, YYYY-MM-DD; only with a price"};
const Field kMatmulUnitDim{.key = "matmul_unit_dim",
                           .label = "Matmul unit size",
                           .type = Type::kInteger,
                           .min = 0,
                           .max = 4096,
                           .unit = "dims",
                           .default_number = 0,
                           .help = "systolic array side (TPU v4: 128); 0 = no padding"};
const Field kCalibration{.key = "calibration",
                         .label = "Calibration",
                         .type = Type::kObject,
                         .help = "the calibrated mode's parameters (esti calibrate writes it)"};
const Field kSource{.key = "source",
                    .label = "Source",
                    .type = Type::kObject,
                    .help = "citations: a string or an object of strings; not used"};
}  // namespace hardware

namespace scenario {
const Field kModel{.key = "model",
                   .label = "Model",
                   .type = Type::kSpec,
                   .required = true,
                   .help = "a model preset id or a model document"};
const Field kHardware{.key = "hardware",
                      .label = "Chip",
                      .type = Type::kSpec,
                      .default_text = "tpu-v4",
                      .help = "a hardware preset id or a document"};
const Field kChips{.key = "chips",
                   .label = "Chips",
                   .type = Type::kInteger,
                   .min = 1,
                   .max = 65536,
                   .unit = "chips",
                   .default_rule = "frontier: every slice",
                   .choices = Choices::kListOrAuto,
                   .help = "at most the chip's max_chips; or give topology instead"};
const Field kTopology{.key = "topology",
                      .label = "Torus shape X x Y x Z",
                      .type = Type::kIntTriple,
                      .min = 1,
                      .max = 64,
                      .unit = "chips per axis",
                      .help = "each at most the chip's max_axis_chips; instead of chips"};
const Field kAxisRoles{.key = "axis_roles",
                       .label = "Axes playing x, y, z",
                       .type = Type::kIntTriple,
                       .min = 0,
                       .max = 2,
                       .unit = "physical axis",
                       .default_rule = "the best assignment"};
const Field kPhase{.key = "phase",
                   .label = "Phase",
                   .type = Type::kEnum,
                   .required = true,
                   .values = EnumValues<esti::cost::Phase>,
                   .help = "a frontier without it gives both phases"};
const Field kBatch{.key = "batch",
                   .label = "Batch",
                   .type = Type::kInteger,
                   .min = 1,
                   .max = io::kMaxBatch,
                   .unit = "sequences",
                   .required = true,
                   .choices = Choices::kListOrAuto,
                   .help = "\"auto\" = 1, 2, 4 ... 4096"};
const Field kInputTokens{.key = "input_tokens",
                         .label = "Input / context tokens",
                         .type = Type::kInteger,
                         .min = 0,
                         .max = io::kMaxInputTokens,
                         .unit = "tokens per sequence",
                         .required = true,
                         .help = "prefill: at least 1"};
const Field kGenerateTokens{.key = "generate_tokens",
                            .label = "Generated tokens",
                            .type = Type::kInteger,
                            .min = 1,
                            .max = io::kMaxGenerateTokens,
                            .unit = "tokens per sequence",
                            .required = true,
                            .applies = "decode"};
const Field kWeights{.key = "weights",
                     .label = "Weight format",
                     .type = Type::kEnum,
                     .default_text = "bf16",
                     .values = EnumValues<esti::model::WeightFormat>,
                     .choices = Choices::kListOrAuto};
const Field kKvCache{
    .key = "kv_cache",
    .label = "KV cache format",
    .type = Type::kEnum,
    .default_text = "bf16",
    .values = EnumValues<esti::model::KvFormat>,
    .help = "ESTI §3.3 keeps bf16; fp8 and int8 halve the cache (docs/formats.md)"};
const Field kFfnLayout{.key = "ffn_layout",
                       .label = "Feed-forward layout",
                       .type = Type::kEnum,
                       .default_text = "auto",
                       .values = EnumValues<esti::cost::FfnLayout>,
                       .choices = Choices::kListOrAuto,
                       .help = "ESTI §3.2"};
const Field kAttentionSharding{.key = "attention_sharding",
                               .label = "Attention layout",
                               .type = Type::kEnum,
                               .default_text = "auto",
                               .values = EnumValues<esti::cost::AttentionSharding>,
                               .choices = Choices::kListOrAuto,
                               .help = "ESTI §3.3"};
const Field kMode{.key = "mode",
                  .label = "Mode",
                  .type = Type::kEnum,
                  .default_text = "calibrated",
                  .values = EnumValues<esti::cost::Mode>};
const Field kObjective{.key = "objective",
                       .label = "Objective",
                       .type = Type::kEnum,
                       .default_text = "min_latency",
                       .values = EnumValues<search::Objective>,
                       .applies = "search"};
const Field kMaxLatency{.key = "max_latency_s",
                        .label = "Time-to-first-token budget",
                        .type = Type::kNumber,
                        .min = 1e-9,
                        .max = 1e9,
                        .unit = "s",
                        .applies = "search",
                        .help = "latency of the whole pass (prefill: the prompt)"};
const Field kMaxLatencyPerToken{.key = "max_latency_per_token_s",
                                .label = "Latency budget",
                                .type = Type::kNumber,
                                .min = 1e-9,
                                .max = 1e9,
                                .unit = "s",
                                .applies = "search",
                                .help = "per generated token (decode)"};
}  // namespace scenario

namespace {

constexpr const Field* kModelFields[] = {&model::kId,
                                         &model::kName,
                                         &model::kNLayers,
                                         &model::kDModel,
                                         &model::kDFf,
                                         &model::kNHeads,
                                         &model::kNKvHeads,
                                         &model::kDHead,
                                         &model::kVocabSize,
                                         &model::kFfnType,
                                         &model::kBlockType,
                                         &model::kSharedEmbedding,
                                         &model::kNominalParams,
                                         &model::kSource};
constexpr const Field* kHardwareFields[] = {&hardware::kId,
                                            &hardware::kName,
                                            &hardware::kPeakBf16,
                                            &hardware::kPeakInt8,
                                            &hardware::kPeakFp8,
                                            &hardware::kHbmCapacity,
                                            &hardware::kHbmBandwidth,
                                            &hardware::kIciBandwidth,
                                            &hardware::kIciLinks,
                                            &hardware::kIciHopLatency,
                                            &hardware::kCollectiveBandwidth,
                                            &hardware::kMaxAxisChips,
                                            &hardware::kMaxChips,
                                            &hardware::kTorusAxisMultiple,
                                            &hardware::kCostPerChipHour,
                                            &hardware::kPriceSource,
                                            &hardware::kPriceDate,
                                            &hardware::kMatmulUnitDim,
                                            &hardware::kInterconnect,
                                            &hardware::kSliceShapes,
                                            &hardware::kCalibration,
                                            &hardware::kSource};
constexpr const Field* kScenarioFields[] = {&scenario::kModel,
                                            &scenario::kHardware,
                                            &scenario::kChips,
                                            &scenario::kTopology,
                                            &scenario::kAxisRoles,
                                            &scenario::kPhase,
                                            &scenario::kBatch,
                                            &scenario::kInputTokens,
                                            &scenario::kGenerateTokens,
                                            &scenario::kWeights,
                                            &scenario::kKvCache,
                                            &scenario::kFfnLayout,
                                            &scenario::kAttentionSharding,
                                            &scenario::kMode,
                                            &scenario::kObjective,
                                            &scenario::kMaxLatency,
                                            &scenario::kMaxLatencyPerToken};

constexpr std::array<Document, 3> kDocuments{{
    {"scenario", "Scenario", kScenarioFields},
    {"model", "Model", kModelFields},
    {"hardware", "Hardware", kHardwareFields},
}};

}  // namespace

std::span<const Document> Documents() { return kDocuments; }

Json FieldJson(const Field& f) {
  Json j = {{"key", std::string(f.key)},
            {"label", std::string(f.label)},
            {"type", NameOf(f.type)},
            {"required", f.required}};
  if (f.type == Type::kInteger || f.type == Type::kNumber || f.type == Type::kIntTriple ||
      f.type == Type::kIntTripleList) {
    j["min"] = f.min;
    j["max"] = f.max;
  }
  if (!f.unit.empty()) j["unit"] = std::string(f.unit);
  // Quantities people may type with their unit ("32 GiB"): the key names the unit.
  j["accepts_units"] = f.type == Type::kNumber && UnitOfKey(f.key) != QuantityUnit::kNone;
  if (f.default_number) {
    if (f.type == Type::kBoolean)
      j["default"] = *f.default_number != 0;
    else
      j["default"] = *f.default_number;
  } else if (!f.default_text.empty()) {
    j["default"] = std::string(f.default_text);
  }
  if (!f.default_rule.empty()) j["default_rule"] = std::string(f.default_rule);
  if (f.values != nullptr) j["values"] = f.values();
  j["lists"] = f.choices == Choices::kListOrAuto;
  if (!f.applies.empty()) j["applies"] = std::string(f.applies);
  if (!f.help.empty()) j["help"] = std::string(f.help);
  return j;
}

}  // namespace esti::io::fields
