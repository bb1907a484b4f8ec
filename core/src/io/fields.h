// The fields of esti's input documents (model, hardware, scenario): key, label, type, unit, range,
// default and allowed values. The readers (spec_io.cpp, scenario_io.cpp) take their ranges and
// enum names from these tables and the schema (schema_io.cpp, api::Schema) publishes the same
// tables, so what the page offers and what the core accepts cannot disagree.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "esti/common/enum_table.h"
#include "esti/io/json_input.h"
#include "io/object_reader.h"

namespace esti::io::fields {

enum class Type {
  kInteger,
  kNumber,  // a JSON number; for a key that names its unit also a string such as "32 GiB"
  kBoolean,
  kString,
  kEnum,           // one name of `values`
  kSpec,           // a preset id or an inline document (model, hardware)
  kIntTriple,      // [a, b, c], each in [min, max]
  kObject,         // a nested document described elsewhere (calibration, source)
  kObjectList,     // a list of nested documents (interconnect levels)
  kIntTripleList,  // a list of [a, b, c] (sold slice shapes)
};
// The schema's "type" of a field: the name is what api::Schema publishes (gen-core-types.mjs reads
// it); the label is for people reading `esti schema --format table`.
inline constexpr EnumEntry<Type> kTypeNames[] = {
    {Type::kInteger, "integer", "Integer"},
    {Type::kNumber, "number", "Number"},
    {Type::kBoolean, "boolean", "Switch"},
    {Type::kString, "string", "Text"},
    {Type::kEnum, "enum", "Choice"},
    {Type::kSpec, "spec", "Preset or document"},
    {Type::kIntTriple, "integer_triple", "Three integers"},
    {Type::kObject, "object", "Document"},
    {Type::kObjectList, "object_list", "List of documents"},
    {Type::kIntTripleList, "integer_triple_list", "List of three integers"}};
constexpr std::span<const EnumEntry<Type>> EnumTable(Type) { return kTypeNames; }

// [{"value", "label"}, ...] of an enum's table.
using ValuesFn = Json (*)();
template <class E>
Json EnumValues() {
  Json out = Json::array();
  for (const EnumEntry<E>& e : EnumTable(E{})) {
    out.push_back({{"value", std::string(e.name)}, {"label", std::string(e.label)}});
  }
  return out;
}

// Where a field may hold a list of values or "auto" (search and frontier compare them).
enum class Choices { kOne, kListOrAuto };

struct Field {
  std::string_view key;
  std::string_view label;
  Type type;
  double min = 0;
  double max = 0;
  // What an integer counts ("heads", "tokens"), or for a number the quantity its key names
  // ("bytes", "bytes_per_s", "flops_per_s", "s"; io/quantity.h reads "32 GiB" for those).
  std::string_view unit = "";
  bool required = false;
  std::optional<double> default_number = std::nullopt;
  std::string_view default_text = "";  // enum, string and spec defaults
  std::string_view default_rule = "";  // a default that depends on other fields, in words
  ValuesFn values = nullptr;
  Choices choices = Choices::kOne;
  std::string_view applies = "";  // when the field is read: "search", "decode", "" (always)
  std::string_view help = "";
};

// Reading a field with its table's range (ObjectReader does the type checks and the errors).
int64_t Int(ObjectReader& r, const Field& f);
std::optional<int64_t> OptInt(ObjectReader& r, const Field& f);
double Number(ObjectReader& r, const Field& f);
std::optional<double> OptNumber(ObjectReader& r, const Field& f);
int64_t IntValue(const Json& v, const std::string& path, const Field& f);
double NumberValue(const Json& v, const std::string& path, const Field& f);

// One document's fields, in the order a form shows them.
struct Document {
  std::string_view name;  // "model", "hardware", "scenario"
  std::string_view label;
  std::span<const Field* const> fields;
};

std::span<const Document> Documents();

// The fields, by document; the readers use these by name.
namespace model {
extern const Field kId, kName, kNLayers, kDModel, kDFf, kNHeads, kNKvHeads, kDHead, kVocabSize,
    kFfnType, kBlockType, kSharedEmbedding, kNominalParams, kSource;
}
namespace hardware {
extern const Field kId, kName, kPeakBf16, kPeakInt8, kPeakFp8, kInterconnect, kSliceShapes,
    kHbmCapacity, kHbmBandwidth, kIciBandwidth, kIciLinks, kIciHopLatency, kCollectiveBandwidth,
    kMaxAxisChips, kMaxChips, kTorusAxisMultiple, kCostPerChipHour, kPriceSource, kPriceDate,
    kMatmulUnitDim, kCalibration, kSource;
}
namespace scenario {
extern const Field kModel, kHardware, kChips, kTopology, kAxisRoles, kPhase, kBatch, kInputTokens,
    kGenerateTokens, kWeights, kKvCache, kFfnLayout, kAttentionSharding, kMode, kObjective,
    kMaxLatency, kMaxLatencyPerToken;
}

// {"type", "label", "unit", "min", "max", "required", "default", "values", ...} of one field.
Json FieldJson(const Field& f);

}  // namespace esti::io::fields
