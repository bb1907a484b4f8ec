// This machine's link, measured through a Transport and fitted as the cost model describes a
// collective: time = latency + bytes sent per chip / bandwidth (collectives.h: transfer plus a
// start-up; here one start-up per call, since one host has no hops to count).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "esti/common/result.h"
#include "esti/mesh/transport.h"

namespace esti::mesh {

struct LinkSample {
  std::string kind;  // all_gather, reduce_scatter, all_reduce, all_to_all
  uint8_t axes = 0;
  int64_t group = 1;
  double bytes = 0;       // D per chip
  double bytes_sent = 0;  // per chip (ring: D (K - 1) / K; twice that for an all-reduce)
  double seconds = 0;     // median of the repeats
};

struct LinkFit {
  double latency_s = 0;
  double bandwidth_bytes_per_s = 0;
  double rms_relative_error = 0;  // over the samples the fit used
  int64_t samples = 0;
};

// The buffer sizes and repetitions of a link measurement (named fields: three ints in a row are
// easily swapped).
struct LinkSweep {
  int min_bytes_log2 = 10;
  int max_bytes_log2 = 20;
  int repeats = 10;
};

// Runs each kind over every axis group with more than one chip, for fp32 buffers of
// 2^min_bytes_log2 .. 2^max_bytes_log2 bytes per chip, `repeats` times each (after one warm-up),
// and returns the median time of each. Collective (every rank must call it with the same sweep).
Result<std::vector<LinkSample>> MeasureLink(Collectives* col, const LinkSweep& sweep);

// Least squares on relative error (every size counts alike): seconds ~ latency + sent/bandwidth.
// invalid_value when fewer than two samples or no positive bandwidth fits.
Result<LinkFit> FitLink(const std::vector<LinkSample>& samples);

// A collective's predicted time: calls x latency + bytes_sent / bandwidth.
inline double PredictSeconds(const LinkFit& f, double calls, double bytes_sent) {
  return calls * f.latency_s + bytes_sent / f.bandwidth_bytes_per_s;
}

}  // namespace esti::mesh
