#include "esti/mesh/transport.h"

#include <algorithm>
#include <cstring>

namespace esti::mesh {

std::string MeshShape::ToString() const {
  return std::to_string(dims[0]) + "x" + std::to_string(dims[1]) + "x" + std::to_string(dims[2]);
}

Result<MeshShape> ParseMesh(const std::string& text, const std::string& path) {
  MeshShape m;
  size_t at = 0;
  for (int a = 0; a < 3; ++a) {
    size_t end = at;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    if (end == at || end - at > 3) {
      return MakeError(codes::kInvalidValue, path,
                       "mesh must be XxYxZ with positive integers, like 2x2x1; got '" + text + "'");
    }
    m.dims[a] = std::stoll(text.substr(at, end - at));
    if (m.dims[a] < 1) return MakeError(codes::kOutOfRange, path, "every mesh axis must be >= 1");
    if (a < 2) {
      if (end >= text.size() || text[end] != 'x') {
        return MakeError(
            codes::kInvalidValue, path,
            "mesh must be XxYxZ with positive integers, like 2x2x1; got '" + text + "'");
      }
      at = end + 1;
    } else if (end != text.size()) {
      return MakeError(codes::kInvalidValue, path,
                       "trailing characters after the mesh '" + text + "'");
    }
  }
  if (m.chips() > kMaxMeshChips) {
    return MakeError(codes::kTooLarge, path,
                     "at most " + std::to_string(kMaxMeshChips) + " chips; got " + m.ToString());
  }
  return m;
}

std::array<int64_t, 3> Coords(const MeshShape& m, int64_t chip) {
  return {chip % m.dims[0], (chip / m.dims[0]) % m.dims[1], chip / (m.dims[0] * m.dims[1])};
}

int64_t ChipAt(const MeshShape& m, const std::array<int64_t, 3>& c) {
  return c[0] + m.dims[0] * (c[1] + m.dims[1] * c[2]);
}

int64_t GroupSize(const MeshShape& m, uint8_t axes) {
  int64_t k = 1;
  for (int a = 0; a < 3; ++a)
    if (axes & (1 << a)) k *= m.dims[a];
  return k;
}

int64_t GroupRank(const MeshShape& m, uint8_t axes, int64_t chip) {
  const std::array<int64_t, 3> c = Coords(m, chip);
  int64_t rank = 0, stride = 1;
  for (int a = 0; a < 3; ++a) {
    if (!(axes & (1 << a))) continue;
    rank += c[a] * stride;
    stride *= m.dims[a];
  }
  return rank;
}

std::vector<int64_t> GroupMembers(const MeshShape& m, uint8_t axes, int64_t chip) {
  const std::array<int64_t, 3> base = Coords(m, chip);
  const int64_t k = GroupSize(m, axes);
  std::vector<int64_t> out(k);
  for (int64_t r = 0; r < k; ++r) {
    std::array<int64_t, 3> c = base;
    int64_t rest = r;
    for (int a = 0; a < 3; ++a) {
      if (!(axes & (1 << a))) continue;
      c[a] = rest % m.dims[a];
      rest /= m.dims[a];
    }
    out[r] = ChipAt(m, c);
  }
  return out;
}

std::string AxesToString(uint8_t axes) {
  std::string s;
  if (axes & kAxisX) s += "x";
  if (axes & kAxisY) s += "y";
  if (axes & kAxisZ) s += "z";
  return s;
}

int64_t ElemBytes(Elem e) {
  switch (e) {
    case Elem::kInt8:
      return 1;
    case Elem::kInt32:
    case Elem::kFloat32:
      return 4;
    case Elem::kFloat64:
      return 8;
  }
  return 1;
}

namespace {

template <class T>
void Reduce(ReduceOp op, const std::byte* src, std::byte* dst, int64_t bytes, bool first) {
  const int64_t n = bytes / static_cast<int64_t>(sizeof(T));
  for (int64_t i = 0; i < n; ++i) {
    T a, b;
    std::memcpy(&b, src + i * sizeof(T), sizeof(T));
    if (first) {
      a = b;
    } else {
      std::memcpy(&a, dst + i * sizeof(T), sizeof(T));
      if (op == ReduceOp::kSum) {
        if constexpr (std::is_integral_v<T>) {  // wrap like the hardware (no UB on overflow)
          using U = std::make_unsigned_t<T>;
          a = static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
        } else {
          a = a + b;
        }
      } else {
        a = b > a ? b : a;
      }
    }
    std::memcpy(dst + i * sizeof(T), &a, sizeof(T));
  }
}

void ReduceInto(Elem e, ReduceOp op, const std::byte* src, std::byte* dst, int64_t bytes,
                bool first) {
  switch (e) {
    case Elem::kInt8:
      Reduce<int8_t>(op, src, dst, bytes, first);
      break;
    case Elem::kInt32:
      Reduce<int32_t>(op, src, dst, bytes, first);
      break;
    case Elem::kFloat32:
      Reduce<float>(op, src, dst, bytes, first);
      break;
    case Elem::kFloat64:
      Reduce<double>(op, src, dst, bytes, first);
      break;
  }
}

}  // namespace

LocalMesh::LocalMesh(const MeshShape& shape) : shape_(shape) {
  for (int64_t c = 0; c < shape.chips(); ++c) chips_.push_back(c);
}

void LocalMesh::Run(Kind kind, uint8_t axes, Elem elem, ReduceOp op,
                    std::span<const ChipBuffers> bufs) {
  const int64_t k = GroupSize(shape_, axes);
  // Outputs are written only after every input of a group is read, so in and out may alias.
  for (int64_t chip = 0; chip < shape_.chips(); ++chip) {
    if (GroupRank(shape_, axes, chip) != 0) continue;  // one pass per group, from its rank 0
    const std::vector<int64_t> members = GroupMembers(shape_, axes, chip);
    const int64_t in_size = static_cast<int64_t>(bufs[members[0]].in.size());
    const int64_t out_size = static_cast<int64_t>(bufs[members[0]].out.size());
    scratch_.assign(static_cast<size_t>(out_size * k), std::byte{0});
    for (int64_t r = 0; r < k; ++r) {
      std::byte* dst = scratch_.data() + r * out_size;
      switch (kind) {
        case Kind::kAllGather:
          for (int64_t j = 0; j < k; ++j)
            std::memcpy(dst + j * in_size, bufs[members[j]].in.data(), in_size);
          break;
        case Kind::kReduceScatter:
          for (int64_t j = 0; j < k; ++j)
            ReduceInto(elem, op, bufs[members[j]].in.data() + r * out_size, dst, out_size, j == 0);
          break;
        case Kind::kAllReduce:
          for (int64_t j = 0; j < k; ++j)
            ReduceInto(elem, op, bufs[members[j]].in.data(), dst, out_size, j == 0);
          break;
        case Kind::kAllToAll: {
          const int64_t block = in_size / k;
          for (int64_t j = 0; j < k; ++j)
            std::memcpy(dst + j * block, bufs[members[j]].in.data() + r * block, block);
          break;
        }
      }
    }
    for (int64_t r = 0; r < k; ++r) {
      std::memcpy(bufs[members[r]].out.data(), scratch_.data() + r * out_size, out_size);
    }
  }
}

Result<bool> Collectives::CheckGroups(const char* name, uint8_t axes,
                                      const std::vector<int64_t>& in_bytes) {
  const std::vector<int64_t>& chips = local_chips();
  std::vector<int64_t> leader(chips.size());  // rank 0 of each chip's group
  for (size_t i = 0; i < chips.size(); ++i) leader[i] = GroupMembers(shape(), axes, chips[i])[0];
  for (size_t i = 0; i < chips.size(); ++i) {
    for (size_t j = i + 1; j < chips.size(); ++j) {
      if (leader[i] == leader[j] && in_bytes[i] != in_bytes[j]) {
        return MakeError(
            codes::kInternal, "",
            std::string(name) + ": members of a group hold buffers of different sizes");
      }
    }
  }
  return true;
}

void Collectives::Record(const char* name, Kind kind, uint8_t axes, Elem elem,
                         const std::vector<int64_t>& in_bytes, double seconds) {
  const int64_t k = GroupSize(shape(), axes);
  int64_t lo = in_bytes.empty() ? 0 : in_bytes[0], hi = lo;
  for (int64_t b : in_bytes) {
    lo = std::min(lo, b);
    hi = std::max(hi, b);
  }
  const double d = static_cast<double>(kind == Kind::kAllGather ? hi * k : hi);
  const double ring = d * static_cast<double>(k - 1) / static_cast<double>(k);
  CollectiveRecord* rec = nullptr;
  for (CollectiveRecord& r : records_) {
    if (r.name == name && r.kind == kind && r.axes == axes && r.elem == elem) rec = &r;
  }
  if (!rec) {
    records_.push_back({});
    rec = &records_.back();
    rec->name = name;
    rec->kind = kind;
    rec->axes = axes;
    rec->group = k;
    rec->elem = elem;
  }
  rec->calls += 1;
  rec->bytes += d;
  rec->elements += d / static_cast<double>(ElemBytes(elem));
  rec->bytes_sent += kind == Kind::kAllReduce ? 2 * ring : ring;
  rec->seconds += seconds;
  rec->uneven = rec->uneven || lo != hi;
}

}  // namespace esti::mesh
