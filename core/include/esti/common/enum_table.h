// One table per enum: each value's name in JSON documents and the label people read. io reads and
// writes names through it and the schema (api::Schema) publishes it, so a name, its value and its
// label cannot drift apart and nothing matches enum values by position in a name list.
//
// An enum opts in with a constexpr overload found by argument-dependent lookup:
//   inline constexpr EnumEntry<Phase> kPhaseNames[] = {{Phase::kPrefill, "prefill", "Prefill"},
//   ...}; constexpr std::span<const EnumEntry<Phase>> EnumTable(Phase) { return kPhaseNames; }
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace esti {

template <class E>
struct EnumEntry {
  E value;
  std::string_view name;   // in documents; a string literal, so name.data() is NUL-terminated
  std::string_view label;  // for people (the page's options, tables)
};

// The entry of `v`; every value of an enum with a table has one (tests/common/enum_table_test.cpp).
template <class E>
constexpr const EnumEntry<E>& EntryOf(E v) {
  for (const EnumEntry<E>& e : EnumTable(E{})) {
    if (e.value == v) return e;
  }
  return EnumTable(E{}).front();  // unreachable for a complete table
}

template <class E>
constexpr const char* NameOf(E v) {
  return EntryOf(v).name.data();
}

template <class E>
constexpr std::string_view LabelOf(E v) {
  return EntryOf(v).label;
}

template <class E>
constexpr std::optional<E> FromName(std::string_view name) {
  for (const EnumEntry<E>& e : EnumTable(E{})) {
    if (e.name == name) return e.value;
  }
  return std::nullopt;
}

}  // namespace esti
