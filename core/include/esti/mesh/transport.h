// Collectives over a mesh of chips: the Transport interface, the in-process LocalMesh and the
// accounting wrapper every caller goes through.
//
// A mesh is X x Y x Z chips; chip id = x + X * (y + Y * z). A collective runs over a group of mesh
// axes (a bit mask, the cost model's role bits: x = 1, y = 2, z = 4); chips that agree on every
// other axis form one group, ranked by their coordinates on the group's axes, x fastest.
// Per group of K chips, rank r, with equal-sized buffers on every member (ESTI App. A.1):
//   all_gather      in [s]      -> out [K s]   out = in_0 | in_1 | ... | in_{K-1}
//   reduce_scatter  in [K s]    -> out [s]     out = sum_j in_j[r s, (r + 1) s)
//   all_reduce      in [s]      -> out [s]     out = sum_j in_j          (or max)
//   all_to_all      in [K s]    -> out [K s]   out[j s, (j + 1) s) = in_j[r s, (r + 1) s)
// Reductions add the members' buffers in rank order (j = 0, 1, ...), so a float reduction has one
// fixed rounding on LocalMesh; integer reductions are exact in any order.
//
// A process holds the buffers of its LocalChips(): every chip for LocalMesh, one for MPI. Callers
// compute for each local chip, then call a collective with one buffer pair per local chip; they
// never know which transport runs it.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "esti/common/enum_table.h"
#include "esti/common/result.h"

namespace esti::mesh {

inline constexpr uint8_t kAxisX = 1, kAxisY = 2, kAxisZ = 4, kAxesXyz = 7;
inline constexpr int64_t kMaxMeshChips = 64;  // in-process simulation limit (every chip's buffers)

struct MeshShape {
  std::array<int64_t, 3> dims{1, 1, 1};
  int64_t chips() const { return dims[0] * dims[1] * dims[2]; }
  std::string ToString() const;  // "2x2x1"
};

// Parses "XxYxZ" (each >= 1, product <= kMaxMeshChips); errors name `path`.
Result<MeshShape> ParseMesh(const std::string& text, const std::string& path);

std::array<int64_t, 3> Coords(const MeshShape& m, int64_t chip);
int64_t ChipAt(const MeshShape& m, const std::array<int64_t, 3>& c);
int64_t GroupSize(const MeshShape& m, uint8_t axes);
int64_t GroupRank(const MeshShape& m, uint8_t axes, int64_t chip);
std::vector<int64_t> GroupMembers(const MeshShape& m, uint8_t axes, int64_t chip);  // by rank
std::string AxesToString(uint8_t axes);  // "x", "yz", "xyz", "" for none

enum class Kind { kAllGather, kReduceScatter, kAllReduce, kAllToAll };
inline constexpr EnumEntry<Kind> kKindNames[] = {
    {Kind::kAllGather, "all_gather", "All-gather"},
    {Kind::kReduceScatter, "reduce_scatter", "Reduce-scatter"},
    {Kind::kAllReduce, "all_reduce", "All-reduce"},
    {Kind::kAllToAll, "all_to_all", "All-to-all"}};
constexpr std::span<const EnumEntry<Kind>> EnumTable(Kind) { return kKindNames; }
inline const char* ToString(Kind k) { return NameOf(k); }
enum class Elem { kInt8, kInt32, kFloat32, kFloat64 };
int64_t ElemBytes(Elem e);
enum class ReduceOp { kSum, kMax };

struct ChipBuffers {
  std::span<const std::byte> in;
  std::span<std::byte> out;
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual const char* name() const = 0;
  virtual const MeshShape& shape() const = 0;
  virtual const std::vector<int64_t>& local_chips() const = 0;
  // bufs[i] belongs to local_chips()[i]; sizes already checked by Collectives.
  virtual void Run(Kind kind, uint8_t axes, Elem elem, ReduceOp op,
                   std::span<const ChipBuffers> bufs) = 0;
  // Waits until every chip of the axis group has arrived (no-op in one process). Collectives
  // calls it before starting the clock, so `seconds` is the transfer, not the wait for the
  // slowest chip's compute.
  virtual void Barrier(uint8_t axes) { (void)axes; }
};

// Every chip in this process; collectives are copies and reductions between their buffers.
class LocalMesh final : public Transport {
 public:
  explicit LocalMesh(const MeshShape& shape);
  const char* name() const override { return "local"; }
  const MeshShape& shape() const override { return shape_; }
  const std::vector<int64_t>& local_chips() const override { return chips_; }
  void Run(Kind kind, uint8_t axes, Elem elem, ReduceOp op,
           std::span<const ChipBuffers> bufs) override;

 private:
  MeshShape shape_;
  std::vector<int64_t> chips_;
  std::vector<std::byte> scratch_;
};

// What one named collective moved, summed over its calls. Bytes are per chip (the largest over
// the local chips; `uneven` when they differ), in the paper's convention D (ESTI App. A.1): the
// OUTPUT of an all-gather, the INPUT of a reduce-scatter, all-reduce or all-to-all. `bytes_sent`
// is what a ring sends: D (K - 1) / K (twice that for an all-reduce).
struct CollectiveRecord {
  std::string name;
  Kind kind = Kind::kAllGather;
  uint8_t axes = 0;
  int64_t group = 1;
  Elem elem = Elem::kFloat32;
  int64_t calls = 0;
  double bytes = 0;
  double elements = 0;  // bytes / ElemBytes(elem)
  double bytes_sent = 0;
  double seconds = 0;  // wall time of the transport calls, once the whole group has arrived
  bool uneven = false;
};

// The only way callers run collectives: checks sizes, times the transport and records bytes.
class Collectives {
 public:
  explicit Collectives(Transport* t) : t_(t) {}
  Transport& transport() { return *t_; }
  const MeshShape& shape() const { return t_->shape(); }
  const std::vector<int64_t>& local_chips() const { return t_->local_chips(); }
  int64_t n_local() const { return static_cast<int64_t>(t_->local_chips().size()); }

  // in[i] / out[i] per local chip. Output vectors are resized here. Returns false (and records
  // nothing) when the members' input sizes are inconsistent: a caller bug, reported as an error.
  template <class T>
  Result<bool> AllGather(const char* name, uint8_t axes, const std::vector<std::vector<T>>& in,
                         std::vector<std::vector<T>>* out) {
    return Typed(name, Kind::kAllGather, axes, ReduceOp::kSum, in, out);
  }
  template <class T>
  Result<bool> ReduceScatter(const char* name, uint8_t axes, const std::vector<std::vector<T>>& in,
                             std::vector<std::vector<T>>* out) {
    return Typed(name, Kind::kReduceScatter, axes, ReduceOp::kSum, in, out);
  }
  template <class T>
  Result<bool> AllReduce(const char* name, uint8_t axes, ReduceOp op,
                         const std::vector<std::vector<T>>& in, std::vector<std::vector<T>>* out) {
    return Typed(name, Kind::kAllReduce, axes, op, in, out);
  }
  template <class T>
  Result<bool> AllToAll(const char* name, uint8_t axes, const std::vector<std::vector<T>>& in,
                        std::vector<std::vector<T>>* out) {
    return Typed(name, Kind::kAllToAll, axes, ReduceOp::kSum, in, out);
  }

  const std::vector<CollectiveRecord>& records() const { return records_; }
  void ClearRecords() { records_.clear(); }

 private:
  template <class T>
  static constexpr Elem ElemOf() {
    if constexpr (std::is_same_v<T, int8_t>)
      return Elem::kInt8;
    else if constexpr (std::is_same_v<T, int32_t>)
      return Elem::kInt32;
    else if constexpr (std::is_same_v<T, float>)
      return Elem::kFloat32;
    else
      return Elem::kFloat64;
  }
  template <class T>
  Result<bool> Typed(const char* name, Kind kind, uint8_t axes, ReduceOp op,
                     const std::vector<std::vector<T>>& in, std::vector<std::vector<T>>* out) {
    static_assert(std::is_same_v<T, int8_t> || std::is_same_v<T, int32_t> ||
                  std::is_same_v<T, float> || std::is_same_v<T, double>);
    if (&in == out) {  // in place: read a copy of the inputs
      const std::vector<std::vector<T>> copy = in;
      return Typed(name, kind, axes, op, copy, out);
    }
    const int64_t k = GroupSize(shape(), axes);
    if (static_cast<int64_t>(in.size()) != n_local()) {
      return MakeError(codes::kInternal, "", std::string(name) + ": one buffer per local chip");
    }
    out->resize(in.size());
    std::vector<ChipBuffers> bufs(in.size());
    std::vector<int64_t> in_bytes(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
      const int64_t s = static_cast<int64_t>(in[i].size());
      int64_t out_n = s;
      if (kind == Kind::kAllGather) out_n = s * k;
      if (kind == Kind::kReduceScatter) {
        if (s % k != 0) {
          return MakeError(codes::kInternal, "",
                           std::string(name) + ": reduce-scatter input not divisible by group");
        }
        out_n = s / k;
      }
      if (kind == Kind::kAllToAll && s % k != 0) {
        return MakeError(codes::kInternal, "",
                         std::string(name) + ": all-to-all input not divisible by group");
      }
      (*out)[i].assign(out_n, T{});
      bufs[i].in = std::as_bytes(std::span<const T>(in[i]));
      bufs[i].out = std::as_writable_bytes(std::span<T>((*out)[i]));
      in_bytes[i] = s * static_cast<int64_t>(sizeof(T));
    }
    Result<bool> ok = CheckGroups(name, axes, in_bytes);
    if (!ok.ok()) return ok;
    t_->Barrier(axes);
    const auto t0 = std::chrono::steady_clock::now();
    t_->Run(kind, axes, ElemOf<T>(), op, bufs);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    Record(name, kind, axes, ElemOf<T>(), in_bytes, s);
    return true;
  }
  Result<bool> CheckGroups(const char* name, uint8_t axes, const std::vector<int64_t>& in_bytes);
  void Record(const char* name, Kind kind, uint8_t axes, Elem elem,
              const std::vector<int64_t>& in_bytes, double seconds);

  Transport* t_;
  std::vector<CollectiveRecord> records_;
};

}  // namespace esti::mesh
