// Raw DEFLATE and base64url, the share link's codecs. The golden streams were made by zlib 1.2.13
// (Python's zlib.compressobj(level, DEFLATED, -15, 8, strategy)): a stored block (level 0), fixed
// Huffman codes (Z_FIXED), dynamic codes (level 9), two blocks (a Z_SYNC_FLUSH between them) and a
// 100,000-byte run of 'a' (a 1:1000 bomb). Hand-made streams cover the malformed cases. Streams
// made by the browser's CompressionStream('deflate-raw') are checked in
// web/tests/node/link.test.mjs and every input the fuzzer tries is compared with zlib
// (fuzz/fuzz_inflate.cpp).
#include "esti/codec/inflate.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "codec/base64url.h"

namespace esti::codec {
namespace {

std::vector<uint8_t> Hex(const std::string& hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// Writes a DEFLATE bit stream by hand: header fields and extra bits least significant bit first,
// Huffman codes most significant bit first (RFC 1951 section 3.1.1).
class BitWriter {
 public:
  BitWriter& Bits(uint32_t value, int n) {
    for (int i = 0; i < n; ++i) Put((value >> i) & 1U);
    return *this;
  }
  BitWriter& Code(uint32_t code, int n) {
    for (int i = n - 1; i >= 0; --i) Put((code >> i) & 1U);
    return *this;
  }
  std::vector<uint8_t> bytes() const { return bytes_; }

 private:
  void Put(uint32_t bit) {
    if (count_ % 8 == 0) bytes_.push_back(0);
    bytes_.back() = static_cast<uint8_t>(bytes_.back() | (bit << (count_ % 8)));
    ++count_;
  }
  std::vector<uint8_t> bytes_;
  int count_ = 0;
};

const std::string kScenario =
    R"({"schema_version":1,"model":"palm-540b","hardware":"tpu-v4","chips":64})";
const std::string kBatchList =
    R"({"model":"palm-540b","batch":[1,2,4,8,16,32,64,128],"chips":"auto","weights":["int8","bf16"],"phase":"decode"})";

TEST(Inflate, StoredBlock) {
  const auto in = Hex(
      "014700b8ff7b22736368656d615f76657273696f6e223a312c226d6f64656c223a2270616c6d2d35343062222c22"
      "6861726477617265223a227470752d7634222c226368697073223a36347d");
  const InflateResult r = InflateRaw(in, 1 << 16);
  ASSERT_EQ(r.status, InflateStatus::kOk) << r.reason;
  EXPECT_EQ(r.output, kScenario);
}

TEST(Inflate, FixedHuffmanBlock) {
  const auto in = Hex(
      "ab562a4ece48cd4d8c2f4b2d2acecccf53b232d451cacd4f49cd51b2522a48ccc9d53535314852d251ca482c4a29"
      "4f2c4a050a971494ea969900c59233320b8a95accc4c6a01");
  const InflateResult r = InflateRaw(in, 1 << 16);
  ASSERT_EQ(r.status, InflateStatus::kOk) << r.reason;
  EXPECT_EQ(r.output, kScenario);
}

TEST(Inflate, DynamicHuffmanBlockWithCopies) {
  const auto in = Hex(
      "dd8d4d0ac3201805eff2d6af10ad15c95542166a4c14f223c4d045e8ddfbf51add0e33cc8ded98d28a1ed5afdbe3"
      "65ba0022f81633fa4151d3d051593e35ada1d26e24622ef594c45fed10fb9dca929b8001656feed7cfca42c49afd"
      "99449c52940b3ef71fdfbe");
  const InflateResult r = InflateRaw(in, 1 << 16);
  ASSERT_EQ(r.status, InflateStatus::kOk) << r.reason;
  EXPECT_EQ(r.output, kBatchList + kBatchList + kBatchList);
}

TEST(Inflate, TwoBlocksWithAnEmptyStoredBlockBetween) {
  const InflateResult r =
      InflateRaw(Hex("aa56cacd4f49cd51b202000000ffff532a48ccc9d5b54852aa0500"), 100);
  ASSERT_EQ(r.status, InflateStatus::kOk) << r.reason;
  EXPECT_EQ(r.output, R"({"model":"palm-8b"})");
}

std::vector<uint8_t> Bomb() {  // 100,000 x 'a' in 115 bytes
  return Hex("edc13101000000c2a0aceb5fc21a1e4001" + std::string(192, '0') + "af06");
}

TEST(Inflate, OutputCapIsEnforcedWhileInflating) {
  const InflateResult full = InflateRaw(Bomb(), 100000);
  ASSERT_EQ(full.status, InflateStatus::kOk) << full.reason;
  EXPECT_TRUE(full.output == std::string(100000, 'a'));
  for (const int64_t cap : {int64_t{0}, int64_t{1}, int64_t{65536}, int64_t{99999}}) {
    const InflateResult r = InflateRaw(Bomb(), cap);
    EXPECT_EQ(r.status, InflateStatus::kTooLarge) << cap;
    EXPECT_LE(static_cast<int64_t>(r.output.size()), cap) << "never writes past the cap";
  }
  // A stored block over the cap is refused before it is copied.
  const InflateResult stored = InflateRaw(Hex("010300fcff616263"), 2);
  EXPECT_EQ(stored.status, InflateStatus::kTooLarge);
  EXPECT_EQ(stored.output, "");
}

TEST(Inflate, OverlappingCopyRepeatsTheLastBytes) {
  // Fixed block: 'a', 'b', then <length 5, distance 2> -> "abababa" (fixed literal codes are
  // 0x30 + byte in 8 bits; length 5 is symbol 259, code 0000011; distance 2 is symbol 1, 00001).
  const auto in = BitWriter()
                      .Bits(1, 1)
                      .Bits(1, 2)
                      .Code(0x30 + 'a', 8)
                      .Code(0x30 + 'b', 8)
                      .Code(3, 7)
                      .Code(1, 5)
                      .Code(0, 7)
                      .bytes();
  const InflateResult r = InflateRaw(in, 100);
  ASSERT_EQ(r.status, InflateStatus::kOk) << r.reason;
  EXPECT_EQ(r.output, "abababa");
}

void ExpectCorrupt(const std::vector<uint8_t>& in, const std::string& reason) {
  const InflateResult r = InflateRaw(in, 1 << 16);
  EXPECT_EQ(r.status, InflateStatus::kCorrupt);
  EXPECT_NE(r.reason.find(reason), std::string::npos) << r.reason;
}

TEST(Inflate, MalformedStreamsNameWhatIsWrong) {
  ExpectCorrupt({}, "ends inside a block header");
  ExpectCorrupt({0x07}, "invalid block type 3");
  ExpectCorrupt(Hex("0105000000"), "does not match its complement");
  ExpectCorrupt(Hex("010500faff6162"), "ends inside a stored block");
  ExpectCorrupt(Hex("aa56cacd4f49cd51b202000000ffff532a48ccc9"), "ends inside a block");
  ExpectCorrupt(Hex("aa56cacd4f49cd51b202000000ffff532a48ccc9d5b54852aa050000"),
                "data follows the end");
  // A copy from before the start: fixed block, <length 3, distance 1> first.
  ExpectCorrupt(BitWriter().Bits(1, 1).Bits(1, 2).Code(1, 7).Code(0, 5).Code(0, 7).bytes(),
                "distance too far back");
  // Fixed codes can name length symbol 286 and distance symbol 30, which never occur.
  ExpectCorrupt(BitWriter().Bits(1, 1).Bits(1, 2).Code(0xC6, 8).bytes(), "invalid length symbol");
  ExpectCorrupt(
      BitWriter().Bits(1, 1).Bits(1, 2).Code(0x30 + 'a', 8).Code(1, 7).Code(30, 5).bytes(),
      "invalid distance symbol");
  // Dynamic headers: HLIT 30 (287 codes) is over RFC 1951's 286.
  ExpectCorrupt(BitWriter().Bits(1, 1).Bits(2, 2).Bits(30, 5).Bits(0, 5).Bits(0, 4).bytes(),
                "too many literal/length or distance codes");
  // A code length code of a single 1-bit code is incomplete.
  ExpectCorrupt(BitWriter()
                    .Bits(1, 1)
                    .Bits(2, 2)
                    .Bits(0, 5)
                    .Bits(0, 5)
                    .Bits(0, 4)
                    .Bits(1, 3)
                    .Bits(0, 9)
                    .bytes(),
                "code length code is incomplete");
  // Code length code {0: "0", 18: "1"}; 138 + 119 zeros then one more: symbol 256 (end of block)
  // gets no code.
  const auto no_end = BitWriter()
                          .Bits(1, 1)
                          .Bits(2, 2)
                          .Bits(0, 5)
                          .Bits(0, 5)
                          .Bits(0, 4)
                          .Bits(0, 3)  // 16
                          .Bits(0, 3)  // 17
                          .Bits(1, 3)  // 18
                          .Bits(1, 3)  // 0
                          .Code(1, 1)
                          .Bits(127, 7)
                          .Code(1, 1)
                          .Bits(108, 7)
                          .Code(0, 1)
                          .bytes();
  ExpectCorrupt(no_end, "no end-of-block code");
  // The same header repeating past the 258 lengths it declares.
  const auto overrun = BitWriter()
                           .Bits(1, 1)
                           .Bits(2, 2)
                           .Bits(0, 14)
                           .Bits(0, 6)
                           .Bits(1, 3)
                           .Bits(1, 3)
                           .Code(1, 1)
                           .Bits(127, 7)
                           .Code(1, 1)
                           .Bits(127, 7)
                           .bytes();
  ExpectCorrupt(overrun, "repeats past its code lengths");
  // Symbol 16 (repeat the previous length) as the very first length.
  const auto repeat_first = BitWriter()
                                .Bits(1, 1)
                                .Bits(2, 2)
                                .Bits(0, 14)
                                .Bits(1, 3)  // 16
                                .Bits(0, 3)  // 17
                                .Bits(0, 3)  // 18
                                .Bits(1, 3)  // 0
                                .Code(1, 1)
                                .Bits(0, 2)
                                .bytes();
  ExpectCorrupt(repeat_first, "repeats a code length before the first");
}

TEST(Inflate, EveryTruncationOfAValidStreamIsAnErrorNotACrash) {
  const auto in = Hex(
      "dd8d4d0ac3201805eff2d6af10ad15c95542166a4c14f223c4d045e8ddfbf51add0e33cc8ded98d28a1ed5afdbe3"
      "65ba0022f81633fa4151d3d051593e35ada1d26e24622ef594c45fed10fb9dca929b8001656feed7cfca42c49afd"
      "99449c52940b3ef71fdfbe");
  for (size_t n = 0; n < in.size(); ++n) {
    const InflateResult r = InflateRaw(std::span<const uint8_t>(in.data(), n), 1 << 16);
    EXPECT_EQ(r.status, InflateStatus::kCorrupt) << n;
  }
}

TEST(Base64Url, DecodesTheUrlAlphabetWithoutPadding) {
  EXPECT_EQ(*DecodeBase64Url(""), std::vector<uint8_t>{});
  EXPECT_EQ(*DecodeBase64Url("-_8"), (std::vector<uint8_t>{0xFB, 0xFF}));
  EXPECT_EQ(*DecodeBase64Url("aGVsbG8"), (std::vector<uint8_t>{'h', 'e', 'l', 'l', 'o'}));
  EXPECT_EQ(*DecodeBase64Url("AAAA"), (std::vector<uint8_t>{0, 0, 0}));
  EXPECT_FALSE(DecodeBase64Url("A"));         // a lone 6-bit group
  EXPECT_FALSE(DecodeBase64Url("aGVsbG8="));  // padding is not part of links
  EXPECT_FALSE(DecodeBase64Url("a+b/"));      // the standard alphabet's characters
  EXPECT_FALSE(DecodeBase64Url("ab c"));
  EXPECT_FALSE(DecodeBase64Url(std::string("ab\0c", 4)));
}

}  // namespace
}  // namespace esti::codec
