#include "mesh/link_fit.h"

#include <algorithm>
#include <cmath>

namespace esti::mesh {

Result<std::vector<LinkSample>> MeasureLink(Collectives* col, const LinkSweep& sweep) {
  const int min_log2 = sweep.min_bytes_log2, max_log2 = sweep.max_bytes_log2;
  const int repeats = sweep.repeats;
  std::vector<LinkSample> out;
  const MeshShape& shape = col->shape();
  const int64_t nl = col->n_local();
  for (uint8_t axes = 1; axes <= kAxesXyz; ++axes) {
    const int64_t k = GroupSize(shape, axes);
    if (k < 2) continue;
    bool duplicate = false;  // a mask whose extra axes have size 1 repeats a smaller one
    for (int a = 0; a < 3; ++a)
      if ((axes & (1 << a)) && shape.dims[a] == 1) duplicate = true;
    if (duplicate) continue;
    for (Kind kind : {Kind::kAllGather, Kind::kReduceScatter, Kind::kAllReduce, Kind::kAllToAll}) {
      for (int lg = min_log2; lg <= max_log2; ++lg) {
        int64_t elems = (int64_t{1} << lg) / 4;
        elems = std::max<int64_t>(k, elems - elems % k);  // divisible by the group
        const int64_t in_elems = kind == Kind::kAllGather ? std::max<int64_t>(1, elems / k) : elems;
        std::vector<std::vector<float>> in(nl, std::vector<float>(in_elems, 1.0f)), res;
        std::vector<double> times;
        for (int r = 0; r <= repeats; ++r) {
          col->ClearRecords();
          Result<bool> ok = Result<bool>(true);
          switch (kind) {
            case Kind::kAllGather:
              ok = col->AllGather("link", axes, in, &res);
              break;
            case Kind::kReduceScatter:
              ok = col->ReduceScatter("link", axes, in, &res);
              break;
            case Kind::kAllReduce:
              ok = col->AllReduce("link", axes, ReduceOp::kSum, in, &res);
              break;
            case Kind::kAllToAll:
              ok = col->AllToAll("link", axes, in, &res);
              break;
          }
          if (!ok.ok()) return ok.error();
          if (r > 0) times.push_back(col->records()[0].seconds);  // r = 0 warms up
        }
        std::sort(times.begin(), times.end());
        const CollectiveRecord& rec = col->records()[0];
        LinkSample s;
        s.kind = ToString(kind);
        s.axes = axes;
        s.group = k;
        s.bytes = rec.bytes;
        s.bytes_sent = rec.bytes_sent;
        s.seconds = times[times.size() / 2];
        out.push_back(s);
      }
    }
  }
  col->ClearRecords();
  return out;
}

Result<LinkFit> FitLink(const std::vector<LinkSample>& samples) {
  // Minimise sum ((a + b x - t) / t)^2 over a (latency) and b (1 / bandwidth).
  double s11 = 0, s12 = 0, s22 = 0, r1 = 0, r2 = 0;
  int64_t n = 0;
  for (const LinkSample& s : samples) {
    if (!(s.seconds > 0)) continue;
    const double w = 1.0 / (s.seconds * s.seconds);
    s11 += w;
    s12 += w * s.bytes_sent;
    s22 += w * s.bytes_sent * s.bytes_sent;
    r1 += w * s.seconds;
    r2 += w * s.bytes_sent * s.seconds;
    ++n;
  }
  const double det = s11 * s22 - s12 * s12;
  if (n < 2 || !(std::fabs(det) > 0)) {
    return MakeError(codes::kInvalidValue, "/samples",
                     "need two or more samples of different sizes");
  }
  LinkFit f;
  const double a = (r1 * s22 - r2 * s12) / det, b = (s11 * r2 - s12 * r1) / det;
  if (!(b > 0)) {
    return MakeError(codes::kInvalidValue, "/samples",
                     "times do not grow with bytes: no bandwidth fits (timer noise?)");
  }
  f.latency_s = std::max(0.0, a);
  f.bandwidth_bytes_per_s = 1.0 / b;
  double ss = 0;
  for (const LinkSample& s : samples) {
    if (!(s.seconds > 0)) continue;
    const double e = (PredictSeconds(f, 1, s.bytes_sent) - s.seconds) / s.seconds;
    ss += e * e;
  }
  f.rms_relative_error = std::sqrt(ss / static_cast<double>(n));
  f.samples = n;
  return f;
}

}  // namespace esti::mesh
