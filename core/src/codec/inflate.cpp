// Canonical-Huffman inflate after RFC 1951 section 3.2. Symbols are decoded one bit at a time
// from per-length code counts (at most 15 steps per symbol), which needs no lookup tables and no
// recursion; links inflate to at most 64 KiB, where speed is not the concern.
#include "esti/codec/inflate.h"

#include <array>
#include <cstddef>
#include <string>
#include <utility>

namespace esti::codec {
namespace {

// Fixed Huffman codes (RFC 1951 section 3.2.6) define 288 literal/length and 32 distance symbols;
// the last two of each can be coded but never occur in valid data.
constexpr int kFixedLiteralLengthSymbols = 288;
constexpr int kFixedDistanceSymbols = 32;
constexpr int kEndOfBlock = 256;
constexpr int kCodeLengthCodes = 19;

// RFC 1951 section 3.2.5: base lengths and extra bits of length symbols 257..285, base distances
// and extra bits of distance symbols 0..29.
constexpr std::array<uint16_t, 29> kLengthBase = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                                  15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                                  67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr std::array<uint8_t, 29> kLengthExtra = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                                  2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr std::array<uint16_t, 30> kDistanceBase = {
    1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
    193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
constexpr std::array<uint8_t, 30> kDistanceExtra = {0, 0, 0,  0,  1,  1,  2,  2,  3,  3,
                                                    4, 4, 5,  5,  6,  6,  7,  7,  8,  8,
                                                    9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
// RFC 1951 section 3.2.7: the order in which code length code lengths are sent.
constexpr std::array<uint8_t, kCodeLengthCodes> kCodeLengthOrder = {
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

// A canonical Huffman code: how many codes have each length, and the symbols in code order.
struct HuffmanCode {
  std::array<int, kMaxHuffmanBits + 1> count{};
  std::array<int, kFixedLiteralLengthSymbols> symbol{};
};

enum class CodeShape { kComplete, kIncomplete, kOverSubscribed };

// Builds `code` from per-symbol lengths (0 = symbol unused). A set with no codes at all counts as
// complete: decoding with it then fails, which is right (RFC 1951 allows an unused distance code).
CodeShape BuildCode(HuffmanCode& code, std::span<const int> lengths) {
  code.count.fill(0);
  for (const int len : lengths) ++code.count[static_cast<std::size_t>(len)];
  if (code.count[0] == static_cast<int>(lengths.size())) return CodeShape::kComplete;
  int left = 1;  // codes of the current length still unassigned
  for (int len = 1; len <= kMaxHuffmanBits; ++len) {
    left = 2 * left - code.count[static_cast<std::size_t>(len)];
    if (left < 0) return CodeShape::kOverSubscribed;
  }
  std::array<int, kMaxHuffmanBits + 1> offset{};
  for (int len = 1; len < kMaxHuffmanBits; ++len) {
    offset[static_cast<std::size_t>(len) + 1] =
        offset[static_cast<std::size_t>(len)] + code.count[static_cast<std::size_t>(len)];
  }
  for (std::size_t s = 0; s < lengths.size(); ++s) {
    const auto len = static_cast<std::size_t>(lengths[s]);
    if (len != 0) code.symbol[static_cast<std::size_t>(offset[len]++)] = static_cast<int>(s);
  }
  return left > 0 ? CodeShape::kIncomplete : CodeShape::kComplete;
}

// A literal/length or distance code may be incomplete only when it is a single code of one bit
// (RFC 1951 section 3.2.7 allows one distance code; zlib accepts the same for literal/lengths).
bool UsableCode(CodeShape shape, const HuffmanCode& code, int symbols) {
  if (shape == CodeShape::kOverSubscribed) return false;
  return shape == CodeShape::kComplete || symbols == code.count[0] + code.count[1];
}

class Inflater {
 public:
  Inflater(std::span<const uint8_t> input, int64_t max_output)
      : in_(input), max_output_(max_output) {}

  InflateResult Run() {
    bool last = false;
    while (!last) {
      last = Bits(1) == 1;
      const uint32_t type = Bits(2);
      if (truncated_) return Corrupt("the data ends inside a block header");
      bool ok = false;
      switch (type) {
        case 0:
          ok = StoredBlock();
          break;
        case 1:
          ok = FixedBlock();
          break;
        case 2:
          ok = DynamicBlock();
          break;
        default:
          return Corrupt("invalid block type 3");
      }
      if (!ok) return Finish();
    }
    if (pos_ != in_.size()) return Corrupt("data follows the end of the compressed stream");
    result_.status = InflateStatus::kOk;
    return Finish();
  }

 private:
  // Takes `need` (<= 16) bits, least significant first (RFC 1951 section 3.1.1). Past the end of
  // the input it sets truncated_ and returns zeros; callers check truncated_ before using them.
  uint32_t Bits(int need) {
    uint32_t value = bit_buffer_;
    while (bit_count_ < need) {
      if (pos_ == in_.size()) {
        truncated_ = true;
        return 0;
      }
      value |= static_cast<uint32_t>(in_[pos_++]) << bit_count_;
      bit_count_ += 8;
    }
    bit_buffer_ = value >> need;
    bit_count_ -= need;
    return value & ((1U << need) - 1U);
  }

  // The next symbol of `code`, or -1 if the bits match no code (or the input ends).
  int Decode(const HuffmanCode& code) {
    int bits = 0, first = 0, index = 0;  // canonical code, first code and symbol index per length
    for (int len = 1; len <= kMaxHuffmanBits; ++len) {
      bits |= static_cast<int>(Bits(1));
      if (truncated_) return -1;
      const int count = code.count[static_cast<std::size_t>(len)];
      if (bits - count < first) return code.symbol[static_cast<std::size_t>(index + bits - first)];
      index += count;
      first = (first + count) << 1;
      bits <<= 1;
    }
    return -1;
  }

  bool StoredBlock() {
    bit_buffer_ = 0;  // skip to the byte boundary: the buffer holds only the current byte's rest
    bit_count_ = 0;
    if (in_.size() - pos_ < 4) return Fail("the data ends inside a stored block header");
    const uint32_t len = in_[pos_] | (static_cast<uint32_t>(in_[pos_ + 1]) << 8);
    const uint32_t nlen = in_[pos_ + 2] | (static_cast<uint32_t>(in_[pos_ + 3]) << 8);
    pos_ += 4;
    if (len != (~nlen & 0xFFFFU))
      return Fail("a stored block's length does not match its complement");
    if (in_.size() - pos_ < len) return Fail("the data ends inside a stored block");
    if (!Room(len)) return false;
    result_.output.append(reinterpret_cast<const char*>(in_.data() + pos_), len);
    pos_ += len;
    return true;
  }

  bool FixedBlock() {
    std::array<int, kFixedLiteralLengthSymbols> lengths{};
    for (int s = 0; s < kFixedLiteralLengthSymbols; ++s) {  // RFC 1951 section 3.2.6
      lengths[static_cast<std::size_t>(s)] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
    }
    HuffmanCode literal_length, distance;
    BuildCode(literal_length, lengths);
    std::array<int, kFixedDistanceSymbols> distance_lengths{};
    distance_lengths.fill(5);
    BuildCode(distance, distance_lengths);
    return Codes(literal_length, distance);
  }

  bool DynamicBlock() {
    const int nlen = static_cast<int>(Bits(5)) + 257;
    const int ndist = static_cast<int>(Bits(5)) + 1;
    const int ncode = static_cast<int>(Bits(4)) + 4;
    if (truncated_) return Fail("the data ends inside a dynamic block header");
    if (nlen > kMaxLiteralLengthCodes || ndist > kMaxDistanceCodes) {
      return Fail("a dynamic block declares too many literal/length or distance codes");
    }
    std::array<int, kMaxLiteralLengthCodes + kMaxDistanceCodes> lengths{};
    for (int i = 0; i < ncode; ++i) {
      lengths[kCodeLengthOrder[static_cast<std::size_t>(i)]] = static_cast<int>(Bits(3));
    }
    if (truncated_) return Fail("the data ends inside a dynamic block header");
    HuffmanCode code_length;
    if (BuildCode(code_length, std::span<const int>(lengths.data(), kCodeLengthCodes)) !=
        CodeShape::kComplete) {
      return Fail("a dynamic block's code length code is incomplete or over-subscribed");
    }
    // The code lengths of both codes, run-length coded (RFC 1951 section 3.2.7). The code length
    // code's own lengths (first 19 entries) are overwritten as the sequence is read.
    int index = 0;
    while (index < nlen + ndist) {
      const int symbol = Decode(code_length);
      if (symbol < 0) return Fail("a dynamic block's code lengths do not decode");
      if (symbol < 16) {
        lengths[static_cast<std::size_t>(index++)] = symbol;
        continue;
      }
      int repeat_length = 0, repeat = 0;
      if (symbol == 16) {
        if (index == 0) return Fail("a dynamic block repeats a code length before the first");
        repeat_length = lengths[static_cast<std::size_t>(index) - 1];
        repeat = 3 + static_cast<int>(Bits(2));
      } else if (symbol == 17) {
        repeat = 3 + static_cast<int>(Bits(3));
      } else {
        repeat = 11 + static_cast<int>(Bits(7));
      }
      if (truncated_) return Fail("the data ends inside a dynamic block's code lengths");
      if (index + repeat > nlen + ndist)
        return Fail("a dynamic block repeats past its code lengths");
      while (repeat-- > 0) lengths[static_cast<std::size_t>(index++)] = repeat_length;
    }
    if (lengths[kEndOfBlock] == 0) return Fail("a dynamic block has no end-of-block code");
    HuffmanCode literal_length, distance;
    const std::span<const int> all(lengths.data(), static_cast<std::size_t>(nlen + ndist));
    if (!UsableCode(BuildCode(literal_length, all.first(static_cast<std::size_t>(nlen))),
                    literal_length, nlen)) {
      return Fail("a dynamic block's literal/length code is incomplete or over-subscribed");
    }
    if (!UsableCode(BuildCode(distance, all.subspan(static_cast<std::size_t>(nlen))), distance,
                    ndist)) {
      return Fail("a dynamic block's distance code is incomplete or over-subscribed");
    }
    return Codes(literal_length, distance);
  }

  // Decodes literals and <length, distance> copies until the end-of-block symbol.
  bool Codes(const HuffmanCode& literal_length, const HuffmanCode& distance) {
    std::string& out = result_.output;
    for (;;) {
      int symbol = Decode(literal_length);
      if (symbol < 0)
        return Fail(truncated_ ? "the data ends inside a block" : "invalid literal/length code");
      if (symbol < kEndOfBlock) {
        if (!Room(1)) return false;
        out.push_back(static_cast<char>(symbol));
        continue;
      }
      if (symbol == kEndOfBlock) return true;
      symbol -= kEndOfBlock + 1;
      if (symbol >= static_cast<int>(kLengthBase.size())) return Fail("invalid length symbol");
      const auto ls = static_cast<std::size_t>(symbol);
      const uint32_t length = kLengthBase[ls] + Bits(kLengthExtra[ls]);
      const int dsymbol = Decode(distance);
      if (dsymbol < 0)
        return Fail(truncated_ ? "the data ends inside a block" : "invalid distance code");
      if (dsymbol >= static_cast<int>(kDistanceBase.size())) return Fail("invalid distance symbol");
      const auto ds = static_cast<std::size_t>(dsymbol);
      const uint32_t dist = kDistanceBase[ds] + Bits(kDistanceExtra[ds]);
      if (truncated_) return Fail("the data ends inside a block");
      if (dist > out.size()) return Fail("distance too far back");
      if (!Room(length)) return false;
      for (uint32_t i = 0; i < length; ++i) out.push_back(out[out.size() - dist]);  // may overlap
    }
  }

  // Whether `bytes` more fit under the cap; if not, stops with kTooLarge before writing them.
  bool Room(uint32_t bytes) {
    if (static_cast<int64_t>(result_.output.size()) + bytes <= max_output_) return true;
    result_.status = InflateStatus::kTooLarge;
    result_.reason = "the output passes " + std::to_string(max_output_) + " bytes";
    return false;
  }

  bool Fail(const char* reason) {
    result_.status = InflateStatus::kCorrupt;
    result_.reason = reason;
    return false;
  }

  InflateResult Corrupt(const char* reason) {
    Fail(reason);
    return Finish();
  }

  InflateResult Finish() { return std::move(result_); }

  std::span<const uint8_t> in_;
  std::size_t pos_ = 0;
  uint32_t bit_buffer_ = 0;
  int bit_count_ = 0;
  bool truncated_ = false;
  int64_t max_output_;
  InflateResult result_;
};

}  // namespace

InflateResult InflateRaw(std::span<const uint8_t> input, int64_t max_output_bytes) {
  return Inflater(input, max_output_bytes).Run();
}

}  // namespace esti::codec
