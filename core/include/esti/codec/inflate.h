// Raw DEFLATE decoding (RFC 1951, no zlib or gzip wrapper): what a share link holds after its
// base64url (the page compresses with CompressionStream('deflate-raw'); see io/share_link.h).
// Written for hostile input: the output is capped while inflating (a decompression bomb stops at
// the cap, never after), there is no recursion, every loop is bounded by the input or the output
// cap, and malformed data is a kCorrupt result naming what is wrong, never a crash.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace esti::codec {

// RFC 1951 section 3.2.5 and 3.2.7: code lengths are at most 15 bits; a dynamic block declares at
// most 286 literal/length and 30 distance codes (HLIT <= 29, HDIST <= 29 plus their bases).
inline constexpr int kMaxHuffmanBits = 15;
inline constexpr int kMaxLiteralLengthCodes = 286;
inline constexpr int kMaxDistanceCodes = 30;

enum class InflateStatus {
  kOk,        // the whole input was one complete DEFLATE stream; `output` holds what it inflates to
  kTooLarge,  // the output would pass the cap: decoding stopped there
  kCorrupt,   // not a valid DEFLATE stream (or bytes follow its final block); `reason` says why
};

struct InflateResult {
  InflateStatus status = InflateStatus::kCorrupt;
  std::string output;  // complete when kOk; what was inflated before the stop otherwise
  std::string reason;  // kCorrupt: e.g. "distance too far back"; kTooLarge: the cap
};

// Inflates `input`, a raw DEFLATE stream, producing at most `max_output_bytes` bytes. The stream
// must end exactly at the end of `input` (only the final byte's padding bits may follow the last
// block), as the browser's DecompressionStream requires. Work is linear in input + output size.
InflateResult InflateRaw(std::span<const uint8_t> input, int64_t max_output_bytes);

}  // namespace esti::codec
