// Matrix products of the decoder: out[v, r] = sum_c W[r, c] * x[v, c] for n token vectors.
// The int8 kernel accumulates int8 x int8 in int32 (exact, so every variant gives identical
// results) and leaves dequantization to the caller. Weight rows are the outer loop: each weight
// byte is read from memory once per call whatever n is (the batch shares the read, ESTI §2.1).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "esti/common/enum_table.h"

namespace esti::decoder {

enum class Int8Kernel { kPortable, kAvx2, kAvx512Vnni, kWasmSimd128 };
inline constexpr EnumEntry<Int8Kernel> kInt8KernelNames[] = {
    {Int8Kernel::kPortable, "portable", "Portable C++"},
    {Int8Kernel::kAvx2, "avx2", "AVX2"},
    {Int8Kernel::kAvx512Vnni, "avx512_vnni", "AVX-512 VNNI"},
    {Int8Kernel::kWasmSimd128, "wasm_simd128", "WebAssembly SIMD128"}};
constexpr std::span<const EnumEntry<Int8Kernel>> EnumTable(Int8Kernel) { return kInt8KernelNames; }
inline const char* ToString(Int8Kernel k) { return NameOf(k); }

// Kernels this build and CPU can run (portable first), and the fastest of them, chosen at run time.
std::vector<Int8Kernel> AvailableInt8Kernels();
Int8Kernel BestInt8Kernel();

// Packed int8 layout, used when rows % 4 == 0 and cols % 32 == 0: the 32-byte chunks of four
// consecutive rows are interleaved, [rows / 4][cols / 32][4][32], so the kernel reads one
// sequential stream (four separate row streams reach ~60% of the read bandwidth, one ~85%).
inline constexpr int64_t kPackRows = 4;
inline constexpr int64_t kPackCols = 32;
bool CanPack(int64_t rows, int64_t cols);
void PackInt8(int64_t rows, int64_t cols, int8_t* q);  // row-major -> packed, in place
inline int64_t PackedOffset(int64_t r, int64_t c, int64_t cols) {
  return (r / kPackRows) * kPackRows * cols + (c / kPackCols) * kPackRows * kPackCols +
         (r % kPackRows) * kPackCols + c % kPackCols;
}

// w: [rows, cols] int8, row-major or (packed) in the layout above; a: [n, cols] int8
// activations; a16: the same widened to int16 (read only by the wasm kernel); acc: [n, rows].
void MatMulInt8(Int8Kernel kernel, const int8_t* w, bool packed, int64_t rows, int64_t cols,
                const int8_t* a, const int16_t* a16, int64_t n, int32_t* acc);

// fp32 reference: w [rows, cols], x [n, cols], out [n, rows]. Fixed summation order (8 strided
// partial sums, then combined in a fixed tree), so native and wasm agree bit for bit.
void MatMulF32(const float* w, int64_t rows, int64_t cols, const float* x, int64_t n, float* out);

}  // namespace esti::decoder
