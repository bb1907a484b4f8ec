#include "esti/io/json_input.h"

#include <gtest/gtest.h>

#include "io/object_reader.h"

namespace esti::io {
namespace {

TEST(ParseJson, RejectsNonJson) {
  auto r = ParseJson("{bad");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, codes::kParseError);
  EXPECT_FALSE(ParseJson(std::string("{\"a\":\"\xff\"}")).ok());  // invalid UTF-8
  EXPECT_FALSE(ParseJson(std::string("{\"a\":1}\0", 8)).ok());    // NUL byte after the value
  EXPECT_FALSE(ParseJson("").ok());
}

TEST(ParseJson, DepthIsLimitedBeforeParsing) {
  std::string deep(100000, '[');
  auto r = ParseJson(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, codes::kTooDeep);
  // Brackets inside strings do not count.
  EXPECT_TRUE(ParseJson("{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}").ok());
}

TEST(ParseJson, SizeIsLimited) {
  std::string big = "\"" + std::string(2 << 20, 'a') + "\"";
  auto r = ParseJson(big);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, codes::kTooLarge);
}

TEST(ParseJson, DuplicateKeysAreNamedByPointer) {
  auto r = ParseJson(R"({"a": {"b": 1, "b": 2}})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, codes::kDuplicateKey);
  EXPECT_EQ(r.error().path, "/a/b");
  auto arr = ParseJson(R"({"x": [1, {"k": 1, "k": 2}]})");
  ASSERT_FALSE(arr.ok());
  EXPECT_EQ(arr.error().path, "/x/1/k");
}

// Issue 12 item 1: `[{},{},...]` used to cost n^2/2 (nlohmann's callback parser rescans the parent
// whenever an object ends). The timing is measured by esti_bench (BM_ParseEmptyObjects); here the
// 1 MiB reproducer must still parse completely, and a duplicate key deep inside it is still named.
std::string EmptyObjects(int64_t bytes) {
  std::string s = "[";
  while (static_cast<int64_t>(s.size()) + 4 <= bytes) s += "{},";
  s += "{}]";
  return s;
}

TEST(ParseJson, OneMebibyteOfEmptyObjectsParses) {
  const std::string text = EmptyObjects(1 << 20);
  ASSERT_LE(text.size(), size_t{1} << 20);
  auto r = ParseJson(text);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_TRUE(r->is_array());
  EXPECT_EQ(r->size(), (text.size() - 1) / 3);
  EXPECT_TRUE(r->back().is_object());
  EXPECT_TRUE(r->back().empty());

  std::string dup = EmptyObjects((1 << 20) - 16);  // room for the longer last element
  const size_t last = (dup.size() - 1) / 3 - 1;
  dup.replace(dup.size() - 3, 2, R"({"k":1,"k":2})");
  ASSERT_LE(dup.size(), size_t{1} << 20);
  auto d = ParseJson(dup);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, codes::kDuplicateKey);
  EXPECT_EQ(d.error().path, "/" + std::to_string(last) + "/k");

  std::string broken = text;
  broken[broken.size() - 2] = ',';  // "{},}]" is not JSON
  auto b = ParseJson(broken);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, codes::kParseError);
  // Where it stops, counted in the text (the broken comma is the last-but-one character).
  EXPECT_NE(b.error().message.find("not valid JSON at line 1, column " +
                                   std::to_string(broken.size() - 1)),
            std::string::npos)
      << b.error().message;
}

TEST(ParseJson, BuildsTheSameValueAsNlohmann) {
  const char* text =
      R"({"a": [1, -2, 3.5, 18446744073709551615, "s\u00e9", true, false, null, {}, []],)"
      R"( "b": {"c": {"d": [[], [{"e": "f"}]]}}, "": 0})";
  auto r = ParseJson(text);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value(), Json::parse(text));
  EXPECT_EQ(r->dump(), Json::parse(text).dump());
}

TEST(ObjectReader, IntegersAreTypeAndRangeChecked) {
  struct Case {
    const char* json;
    const char* code;
  };
  for (const Case& c :
       {Case{"4.7", codes::kTypeError}, Case{"1e20", codes::kOutOfRange},
        Case{"-1", codes::kOutOfRange}, Case{"18446744073709551616", codes::kOutOfRange},
        Case{"\"4\"", codes::kTypeError}, Case{"true", codes::kTypeError}}) {
    Json doc = Json::parse(std::string("{\"n\":") + c.json + "}");
    auto r = Guard<int64_t>([&] { return ObjectReader(doc, "").Int("n", 0, 1000); });
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_EQ(r.error().code, c.code) << c.json;
    EXPECT_EQ(r.error().path, "/n") << c.json;
  }
  Json ok = Json::parse(R"({"n": 1e3})");
  EXPECT_EQ(ObjectReader(ok, "").Int("n", 0, 1000), 1000);
}

TEST(ObjectReader, UnknownKeysAreErrors) {
  Json doc = Json::parse(R"({"a": 1, "zz": 2})");
  auto r = Guard<int64_t>([&] {
    ObjectReader reader(doc, "/root");
    int64_t a = reader.Int("a", 0, 9);
    reader.Finish();
    return a;
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, codes::kUnknownKey);
  EXPECT_EQ(r.error().path, "/root/zz");
}

TEST(ObjectReader, NewerSchemaVersionIsRejected) {
  Json doc = Json::parse(R"({"schema_version": 99})");
  auto r = Guard<int64_t>([&] { return ObjectReader(doc, "").SchemaVersion(1, true); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, codes::kUnsupportedVersion);
}

}  // namespace
}  // namespace esti::io

namespace esti::io {
namespace {

// Syntax errors are described in the core's words, with where the text stops making sense; the
// JSON library's own message ("[json.exception...]") never reaches a user.
TEST(JsonInput, SyntaxErrorsSayWhereInTheCoresWords) {
  struct Case {
    const char* text;
    const char* want;
  };
  for (const Case& c : {Case{"{\"model\": tru}", "not valid JSON at line 1, column 14"},
                        Case{"{\n  \"a\": 1,\n  \"b\": }", "not valid JSON at line 3, column 8"},
                        Case{"{\"model\": ", "the text ends early"},
                        Case{"   ", "the input is empty"}, Case{"[1, 2", "the text ends early"}}) {
    Result<Json> r = ParseJson(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().code, "parse_error");
    EXPECT_NE(r.error().message.find(c.want), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message.find("json.exception"), std::string::npos) << r.error().message;
  }
}

}  // namespace
}  // namespace esti::io
