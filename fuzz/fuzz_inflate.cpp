// Differential: core's raw-DEFLATE decoder (esti/codec/inflate.h) against zlib's on any bytes.
// Both must agree whether the bytes are one complete stream (with nothing after it) that inflates
// within the cap, and then on every output byte; our decoder never writes past the cap. Seeds:
// the raw streams of real share links (fuzz/make_link_seeds.mjs).
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "esti/codec/inflate.h"

namespace {

// The share link's cap, small enough that bombs hit it often.
constexpr int64_t kCap = 64 * 1024;

// zlib's answer: true with `out` if `in` is exactly one stream inflating to at most kCap bytes.
bool ZlibInflate(const uint8_t* in, size_t size, std::string& out) {
  z_stream z{};
  if (inflateInit2(&z, -15) != Z_OK) std::abort();  // -15: raw DEFLATE, 32 KiB window
  std::vector<uint8_t> buf(kCap + 1);
  z.next_in = const_cast<Bytef*>(in);
  z.avail_in = static_cast<uInt>(size);
  z.next_out = buf.data();
  z.avail_out = static_cast<uInt>(buf.size());
  const int rc = inflate(&z, Z_FINISH);
  const uLong produced = z.total_out;
  const uInt left = z.avail_in;
  inflateEnd(&z);
  out.assign(reinterpret_cast<const char*>(buf.data()), produced);
  return rc == Z_STREAM_END && left == 0 && produced <= static_cast<uLong>(kCap);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const esti::codec::InflateResult mine =
      esti::codec::InflateRaw(std::span<const uint8_t>(data, size), kCap);
  if (static_cast<int64_t>(mine.output.size()) > kCap) std::abort();
  std::string reference;
  const bool zlib_ok = ZlibInflate(data, size, reference);
  const bool mine_ok = mine.status == esti::codec::InflateStatus::kOk;
  if (zlib_ok != mine_ok) std::abort();
  if (mine_ok && mine.output != reference) std::abort();
  return 0;
}
