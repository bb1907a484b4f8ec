// Share links through io::DecodeShareLink and the api function the page calls (api::DecodeLink).
// The scenario parts are base64url(raw DEFLATE) made by zlib 1.2.13 at level 9 (Python); the
// browser-made links are checked in web/tests/node/link.test.mjs.
#include "esti/io/share_link.h"

#include <gtest/gtest.h>

#include <string>

#include "esti/api.h"
#include "esti/io/json_input.h"

namespace esti::io {
namespace {

const std::string kPalm8b = "q1bKzU9JzVGyUipIzMnVtUhSqgUA";                   // {"model":"palm-8b"}
const std::string kPalm62b = "q1bKzU9JzVGyUipIzMnVNTNKUtJRSkosSc5QsjIzqQUA";  // + "batch":64
const std::string kUnicode = "q1ZKVLJSOrwn7_D65MM7Ug6vVHg0Z7LCh_kzGpRqAQ";
// 65,536 and 65,537 bytes of 'a': exactly the cap, and one byte over it.
const std::string kAtCap =
    "7cGBAAAAAIAg1v0lFqkKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAag";
const std::string kOverCap =
    "7cGBAAAAAMMg1vlL_"
    "CBVAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwA0";

TEST(ShareLink, DecodesEveryPart) {
  auto r = DecodeShareLink("#v=1&s=" + kPalm8b + "&b=" + kPalm62b + "&view=compare");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->empty);
  EXPECT_EQ(r->scenario, R"({"model":"palm-8b"})");
  EXPECT_EQ(r->second_scenario, R"({"model":"palm-62b","batch":64})");
  EXPECT_EQ(r->view, "compare");
  auto bare = DecodeShareLink("v=1&s=" + kUnicode);  // '#' optional
  ASSERT_TRUE(bare.ok()) << bare.error().message;
  EXPECT_EQ(bare->scenario,
            "{\"a\":\"\xC3\xBCn\xC3\xAF\x63\xC3\xB8\x64\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80\"}");
  EXPECT_FALSE(bare->second_scenario);
  EXPECT_FALSE(bare->view);
  EXPECT_TRUE(bare->compare_hardware.empty());
}

TEST(ShareLink, ComparedChipsKeepTheirOrder) {
  auto r = DecodeShareLink("#v=1&s=" + kPalm8b + "&view=frontier&hw=tpu-v5e,h100-sxm,a.b-7");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->compare_hardware, (std::vector<std::string>{"tpu-v5e", "h100-sxm", "a.b-7"}));
  auto most = DecodeShareLink("#v=1&s=" + kPalm8b + "&hw=a,b,c,d,e,f,g");
  ASSERT_TRUE(most.ok()) << most.error().message;
  EXPECT_EQ(static_cast<int64_t>(most->compare_hardware.size()), kMaxShareLinkHardware);
  Json api_answer = Json::parse(api::DecodeLink("#v=1&s=" + kPalm8b + "&hw=b200,tpu-v6e"));
  EXPECT_EQ(api_answer["compare_hardware"], Json::array({"b200", "tpu-v6e"}));
}

TEST(ShareLink, EmptyFragmentIsNoLink) {
  for (const char* f : {"", "#"}) {
    auto r = DecodeShareLink(f);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->empty);
  }
}

TEST(ShareLink, ScenarioCapIsExactAndEnforcedWhileInflating) {
  auto at = DecodeShareLink("#v=1&s=" + kAtCap);
  ASSERT_TRUE(at.ok()) << at.error().message;
  EXPECT_EQ(static_cast<int64_t>(at->scenario.size()), kMaxShareLinkScenarioBytes);
  auto over = DecodeShareLink("#v=1&s=" + kOverCap);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, codes::kTooLarge);
  EXPECT_EQ(over.error().path, "/s");
  EXPECT_EQ(over.error().message, "the link's \"s\" part expands to more than 64 KiB");
}

struct BadLink {
  std::string fragment, code, path, message;
};

TEST(ShareLink, BadLinksGetACodedErrorNamingThePart) {
  const std::string good = "#v=1&s=" + kPalm8b;
  const std::vector<BadLink> cases = {
      {"#v=1&s=@@@", codes::kInvalidValue, "/s", "the link's \"s\" part is not valid base64url"},
      {"#v=1&s=", codes::kInvalidValue, "/s", "not valid base64url"},
      {"#v=1&s=A", codes::kInvalidValue, "/s", "not valid base64url"},
      {good + "%20", codes::kInvalidValue, "/s", "not valid base64url"},
      {"#v=1&s=N4IgN4IgN4Ig", codes::kInvalidValue, "/s", "not valid compressed data"},
      {"#v=1&s=AAAA", codes::kInvalidValue, "/s", "not valid compressed data"},
      {"#v=1&s=" + kPalm8b.substr(0, kPalm8b.size() - 4), codes::kInvalidValue, "/s",
       "not valid compressed data"},
      {"#v=1&s=-__PEQA", codes::kInvalidValue, "/s",
       "the link's \"s\" part is not valid UTF-8 text"},
      {"#v=1&s=e7ugAQA", codes::kInvalidValue, "/s", "not valid UTF-8 text"},  // a surrogate
      {good + "&b=" + kOverCap, codes::kTooLarge, "/b", "the link's \"b\" part expands"},
      {good + "&b=@@", codes::kInvalidValue, "/b", "\"b\" part is not valid base64url"},
      {"#v=1", codes::kMissingField, "/s", "no scenario"},
      {"#s=" + kPalm8b, codes::kMissingField, "/v", "no version"},
      {"#v=&s=" + kPalm8b, codes::kInvalidValue, "/v", "is not a positive integer"},
      {"#v=0&s=" + kPalm8b, codes::kInvalidValue, "/v", "is not a positive integer"},
      {"#v=-1&s=" + kPalm8b, codes::kInvalidValue, "/v", "is not a positive integer"},
      {"#v=1e3&s=" + kPalm8b, codes::kInvalidValue, "/v", "is not a positive integer"},
      {"#v=1234567890&s=" + kPalm8b, codes::kInvalidValue, "/v", "is not a positive integer"},
      {"#v=2&s=" + kPalm8b, codes::kUnsupportedVersion, "/v", "newer esti (link version 2;"},
      {"#v=99&s=@@@", codes::kUnsupportedVersion, "/v", "link version 99"},
      {"#v=1&v=1&s=" + kPalm8b, codes::kDuplicateKey, "/v", "repeats \"v\""},
      {good + "&s=" + kPalm8b, codes::kDuplicateKey, "/s", "repeats \"s\""},
      {good + "&x=1", codes::kUnknownKey, "", "unknown part \"x\""},
      {good + "&__proto__=1", codes::kUnknownKey, "", "unknown part \"__proto__\""},
      {good + "&", codes::kInvalidValue, "", "malformed part \"\""},
      {"#v=1&&s=" + kPalm8b, codes::kInvalidValue, "", "malformed part"},
      {"#=1", codes::kInvalidValue, "", "malformed part \"=1\""},
      {"#garbage", codes::kInvalidValue, "", "malformed part \"garbage\""},
      {good + "&view=<img src=x onerror=alert(1)>", codes::kInvalidValue, "/view",
       "malformed view"},
      {good + "&view=", codes::kInvalidValue, "/view", "malformed view"},
      {good + "&view=" + std::string(33, 'a'), codes::kInvalidValue, "/view", "malformed view"},
      {good + "&hw=", codes::kInvalidValue, "/hw", "malformed chip id \"\""},
      {good + "&hw=h100-sxm,", codes::kInvalidValue, "/hw", "malformed chip id \"\""},
      {good + "&hw=H100", codes::kInvalidValue, "/hw", "malformed chip id \"H100\""},
      {good + "&hw=-h100", codes::kInvalidValue, "/hw", "malformed chip id"},
      {good + "&hw=<b>", codes::kInvalidValue, "/hw", "malformed chip id"},
      {good + "&hw=" + std::string(65, 'a'), codes::kInvalidValue, "/hw", "malformed chip id"},
      {good + "&hw=h200,b200,h200", codes::kInvalidValue, "/hw", "the chip \"h200\" twice"},
      {good + "&hw=a,b,c,d,e,f,g,h", codes::kTooLarge, "/hw", "more than 7 other chips"},
      {good + "&hw=h200&hw=b200", codes::kDuplicateKey, "/hw", "repeats \"hw\""},
      {"#v=1&s=" + std::string(kMaxShareLinkChars, 'A'), codes::kTooLarge, "",
       "characters long; links up to 16384 are accepted"},
      {"#" + std::string(1000000, 'x'), codes::kTooLarge, "",
       "the link is 1000000 characters long"},
  };
  for (const BadLink& c : cases) {
    auto r = DecodeShareLink(c.fragment);
    ASSERT_FALSE(r.ok()) << c.fragment.substr(0, 60);
    EXPECT_EQ(r.error().code, c.code) << c.fragment.substr(0, 60) << ": " << r.error().message;
    EXPECT_EQ(r.error().path, c.path) << c.fragment.substr(0, 60);
    EXPECT_NE(r.error().message.find(c.message), std::string::npos)
        << c.fragment.substr(0, 60) << ": " << r.error().message;
  }
}

TEST(ShareLink, ApiAnswersWithTheTextsOrTheCodedError) {
  Json ok = Json::parse(api::DecodeLink("#v=1&s=" + kPalm8b + "&view=frontier"));
  EXPECT_EQ(ok["ok"], true);
  EXPECT_EQ(ok["empty"], false);
  EXPECT_EQ(ok["scenario"], R"({"model":"palm-8b"})");
  EXPECT_FALSE(ok.contains("second_scenario"));
  EXPECT_EQ(ok["view"], "frontier");
  EXPECT_FALSE(ok.contains("compare_hardware"));
  Json empty = Json::parse(api::DecodeLink(""));
  EXPECT_EQ(empty["ok"], true);
  EXPECT_EQ(empty["empty"], true);
  Json bad = Json::parse(api::DecodeLink("#v=1&s=" + kOverCap));
  EXPECT_EQ(bad["ok"], false);
  EXPECT_EQ(bad["error"]["code"], "too_large");
  EXPECT_EQ(bad["error"]["path"], "/s");
}

// A stored-block DEFLATE stream of `text` (RFC 1951 section 3.2.4), base64url-encoded.
std::string StoredLinkPart(const std::string& text) {
  std::string raw = {1, static_cast<char>(text.size() & 0xFF), static_cast<char>(text.size() >> 8),
                     static_cast<char>(~text.size() & 0xFF),
                     static_cast<char>((~text.size() >> 8) & 0xFF)};
  raw += text;
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (const char c : raw) {
    acc = (acc << 8) | static_cast<uint8_t>(c);
    for (bits += 8; bits >= 6; bits -= 6) out += kAlphabet[(acc >> (bits - 6)) & 63];
  }
  if (bits > 0) out += kAlphabet[(acc << (6 - bits)) & 63];
  return out;
}

TEST(ShareLink, APresetScenarioSurvivesTheLinkAndEvaluatesTheSame) {
  Json preset =
      Json::parse(api::GetPreset(R"({"kind":"scenarios","id":"palm-540b-low-latency-decode"})"));
  ASSERT_EQ(preset["ok"], true);
  const std::string text = preset["preset"].dump();
  ASSERT_LT(text.size(), 65535u);  // one stored block
  Json link = Json::parse(api::DecodeLink("#v=1&s=" + StoredLinkPart(text)));
  ASSERT_EQ(link["ok"], true) << link.dump();
  EXPECT_EQ(link["scenario"], text);
  // The decoded text is handed on as it is: the scenario functions validate it.
  const std::string evaluated = api::Evaluate(link["scenario"].get<std::string>());
  EXPECT_EQ(Json::parse(evaluated)["ok"], true) << evaluated.substr(0, 300);
  EXPECT_EQ(evaluated, api::Evaluate(text));
}

}  // namespace
}  // namespace esti::io
