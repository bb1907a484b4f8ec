#include <gtest/gtest.h>

#include <iostream>
#include <tuple>

#include "esti/api.h"
#include "esti/io/json_input.h"

namespace esti {
namespace {

io::Json Call(std::string (*f)(std::string_view), const std::string& req) {
  io::Json j = io::Json::parse(f(req));
  EXPECT_TRUE(j["ok"].get<bool>()) << req << "\n" << j.dump().substr(0, 400);
  return j;
}

std::string Scenario540(const std::string& phase, int batch, const std::string& weights) {
  return R"({"model":"palm-540b-padded","chips":64,"phase":")" + phase + R"(","batch":)" +
         std::to_string(batch) + R"(,"input_tokens":2048,"generate_tokens":64,"weights":")" +
         weights + R"(","ffn_layout":"auto","attention_sharding":"auto"})";
}

// ESTI §4.1 / Table 2: 2D weight-stationary for batch-1 prefill and for decode; weight-gathered
// for batch-512 x 2048-token prefill.
TEST(Search, ChoosesThePapersLayoutsFor540B) {
  EXPECT_EQ(Call(api::Search, Scenario540("prefill", 1, "int8"))["best"]["ffn_layout"], "ws2d");
  EXPECT_EQ(Call(api::Search, Scenario540("decode", 64, "int8"))["best"]["ffn_layout"], "ws2d");
  EXPECT_EQ(Call(api::Search, Scenario540("decode", 512, "bf16"))["best"]["ffn_layout"], "ws2d");
  std::string wg = Call(api::Search, Scenario540("prefill", 512, "bf16"))["best"]["ffn_layout"];
  EXPECT_EQ(wg.rfind("wg_", 0), 0u) << wg;
  // Decode shards multiquery attention over batch (ESTI §3.3).
  EXPECT_EQ(Call(api::Search, Scenario540("decode", 64, "int8"))["best"]["attention_sharding"],
            "batch");
}

io::Json Frontier540() {
  return Call(api::Frontier, R"({"model":"palm-540b","input_tokens":2048,"generate_tokens":64,
      "include_dominated":true})");
}

TEST(Frontier, PointsAreNonDominatedAndReproducible) {
  io::Json f = Frontier540();
  for (const char* phase : {"prefill", "decode"}) {
    SCOPED_TRACE(phase);
    const io::Json& pts = f[phase];
    ASSERT_GE(pts.size(), 5u);
    std::vector<io::Json> all(pts.begin(), pts.end());
    for (const auto& d : f[std::string(phase) + "_dominated"]) all.push_back(d);
    EXPECT_EQ(static_cast<int64_t>(f[std::string(phase) + "_dominated"].size()),
              f["stats"][phase]["dominated"].get<int64_t>());
    for (const auto& p : pts) {
      const double lat = p["latency_s"], cost = p["cost_chip_s_per_token"];
      EXPECT_TRUE(p["fits"].get<bool>());
      for (const auto& q : all) {
        if (&q == &p) continue;
        const double ql = q["latency_s"], qc = q["cost_chip_s_per_token"];
        EXPECT_FALSE(ql <= lat && qc <= cost && (ql < lat || qc < cost))
            << "dominated: " << p["scenario"].dump() << " by " << q["scenario"].dump();
      }
      // The point's own scenario through evaluate gives the same numbers.
      io::Json again = Call(api::Evaluate, p["scenario"].dump());
      EXPECT_EQ(again["latency_s"], p["latency_s"]);
      EXPECT_EQ(again["cost_chip_s_per_token"], p["cost_chip_s_per_token"]);
      EXPECT_EQ(again["mfu"], p["mfu"]);
      EXPECT_EQ(again["memory_per_chip_bytes"], p["memory_per_chip_bytes"]);
    }
  }
}

// Issue 12 item 5: points tied in latency and cost were ordered by std::sort, which libstdc++ and
// libc++ break differently (10 of 56 points of the page's default frontier named another weight
// format natively than in wasm). The order is now a total key (latency, cost, chips, weights,
// batch): checked on the lists, and of tied points the frontier holds the smallest key.
TEST(Frontier, TiesAreBrokenByATotalKey) {
  io::Json f = Call(api::Frontier, R"({"model":"palm-62b","input_tokens":2048,"generate_tokens":64,
      "include_dominated":true,"weights":["bf16","int8"]})");
  auto key = [](const io::Json& p) {
    return std::make_tuple(p["latency_s"].get<double>(), p["cost_chip_s_per_token"].get<double>(),
                           p["chips"].get<int64_t>(), p["weights"] == "int8" ? 1 : 0,
                           p["batch"].get<int64_t>());
  };
  int64_t ties = 0;
  for (const char* phase : {"prefill", "decode"}) {
    SCOPED_TRACE(phase);
    const io::Json& front = f[phase];
    const io::Json& dominated = f[std::string(phase) + "_dominated"];
    for (size_t i = 1; i < front.size(); ++i) EXPECT_LT(key(front[i - 1]), key(front[i]));
    for (size_t i = 1; i < dominated.size(); ++i)
      EXPECT_LT(key(dominated[i - 1]), key(dominated[i]));
    for (const auto& p : front) {
      for (const auto& d : dominated) {
        if (d["latency_s"] == p["latency_s"] &&
            d["cost_chip_s_per_token"] == p["cost_chip_s_per_token"]) {
          ++ties;
          EXPECT_LT(key(p), key(d)) << p["scenario"].dump() << "\n" << d["scenario"].dump();
        }
      }
    }
  }
  std::cout << "[          ] frontier points tied with a dominated point: " << ties << "\n";
}

// Issue 12 item 9: a custom torus from a link (max_axis_chips 64, torus_axis_multiple 1, max_chips
// 65536) multiplied the space to 21 M plans per phase (1.4 s native, 2.1 GB with dominated points).
// It is refused before any plan is scored, naming the field and the limit.
TEST(Frontier, CustomTorusSearchSpaceIsBoundedUpFront) {
  const std::string hw =
      R"("hardware":{"schema_version":1,"id":"big","name":"big","peak_flops_per_s_bf16":2.75e14,)"
      R"("peak_flops_per_s_int8":2.75e14,"hbm_capacity_bytes":34359738368,)"
      R"("hbm_bandwidth_bytes_per_s":1.2e12,"ici_link_bandwidth_bytes_per_s":4.5e10,)"
      R"("ici_links_per_chip":6,"ici_hop_latency_s":1e-6,"max_axis_chips":64,"max_chips":65536,)"
      R"("torus_axis_multiple":1})";
  for (auto* f : {api::Frontier, api::Search}) {
    const std::string req =
        R"({"model":"palm-62b","input_tokens":2048,"generate_tokens":64,)" + hw +
        (f == api::Search ? R"(,"phase":"decode","chips":"auto","batch":"auto"})" : "}");
    io::Json j = io::Json::parse(f(req));
    ASSERT_FALSE(j["ok"].get<bool>()) << j.dump().substr(0, 300);
    EXPECT_EQ(j["error"]["code"], "too_large");
    EXPECT_EQ(j["error"]["path"], "/chips");
    EXPECT_NE(j["error"]["message"].get<std::string>().find("the limit is"), std::string::npos);
  }
  // The widest TPU v4 request lists allow (every chip count, 64 batches, both formats) still runs.
  std::string batches;
  for (int b = 1; b <= 64; ++b) batches += (b > 1 ? "," : "") + std::to_string(b);
  io::Json wide =
      Call(api::Frontier, R"({"model":"palm-62b","input_tokens":2048,"generate_tokens":64,)"
                          R"("detail":"summary","weights":["bf16","int8"],"batch":[)" +
                              batches + "]}");
  EXPECT_EQ(wide["stats"]["decode"]["combinations"], 4736);
  // A slice given explicitly is bounded by the same count (batch is then the named field).
  io::Json one = io::Json::parse(api::Frontier(
      R"({"model":"palm-62b","input_tokens":2048,"generate_tokens":64,"topology":[4,4,4]})"));
  EXPECT_TRUE(one["ok"].get<bool>()) << one.dump().substr(0, 300);
}

TEST(Frontier, SummaryPointsCarryTheSameNumbers) {
  io::Json full =
      Call(api::Frontier, R"({"model":"palm-62b","input_tokens":2048,"generate_tokens":64})");
  io::Json summary =
      Call(api::Frontier, R"({"model":"palm-62b","input_tokens":2048,"generate_tokens":64,
      "detail":"summary"})");
  for (const char* phase : {"prefill", "decode"}) {
    ASSERT_EQ(full[phase].size(), summary[phase].size());
    for (size_t i = 0; i < full[phase].size(); ++i) {
      for (const char* k : {"latency_s", "latency_per_token_s", "cost_chip_s_per_token", "mfu",
                            "memory_per_chip_bytes", "scenario"}) {
        EXPECT_EQ(full[phase][i][k], summary[phase][i][k]) << phase << " " << i << " " << k;
      }
      EXPECT_FALSE(summary[phase][i].contains("breakdown"));
    }
  }
}

TEST(Search, CountsEveryCombination) {
  io::Json r = Call(api::Search, R"({"model":"palm-540b","chips":[8,16,64],"phase":"decode",
      "batch":[1,64],"input_tokens":2048,"generate_tokens":64,"weights":"auto",
      "ffn_layout":"auto","attention_sharding":"auto","objective":"min_cost",
      "include_infeasible":true,"max_candidates":100})");
  EXPECT_EQ(r["stats"]["combinations"], 3 * 2 * 2);
  // 8 chips cannot hold 540B in bf16 (1.08 TB / 8 > 32 GiB): reported as infeasible, not dropped.
  EXPECT_GE(r["stats"]["infeasible"].get<int64_t>(), 2);
  // Ranked by cost among feasible ones.
  const io::Json& c = r["candidates"];
  for (size_t i = 1; i < c.size(); ++i) {
    if (!c[i]["fits"].get<bool>()) break;
    EXPECT_LE(c[i - 1]["cost_chip_s_per_token"].get<double>(),
              c[i]["cost_chip_s_per_token"].get<double>());
  }
}

TEST(Search, LatencyBoundAndInfeasibility) {
  io::Json ok = Call(api::Search, R"({"model":"palm-62b","chips":"auto","phase":"decode",
      "batch":"auto","input_tokens":2048,"generate_tokens":64,"weights":"auto",
      "objective":"min_cost","max_latency_per_token_s":0.03})");
  EXPECT_LE(ok["best"]["latency_per_token_s"].get<double>(), 0.03);
  io::Json none = io::Json::parse(api::Search(R"({"model":"palm-540b","chips":8,"phase":"decode",
      "batch":1,"input_tokens":2048,"generate_tokens":64,"weights":"bf16"})"));
  ASSERT_FALSE(none["ok"].get<bool>());
  EXPECT_EQ(none["error"]["code"], "infeasible");
  // The message says what does not fit, without a latency budget nobody set.
  const std::string why = none["error"]["message"];
  EXPECT_NE(why.find("no plan fits in memory"), std::string::npos) << why;
  EXPECT_EQ(why.find("latency"), std::string::npos) << why;
  EXPECT_NE(why.find("the weights alone need 135 GB per chip on 8 chips"), std::string::npos)
      << why;
  // Memory that cannot hold the weights: the smallest plan's shortfall is named.
  io::Json small = io::Json::parse(api::Search(R"({"model":"palm-540b","chips":64,"phase":"decode",
      "batch":1024,"input_tokens":2048,"generate_tokens":64,"weights":"int8",
      "hardware":{"schema_version":1,"id":"small","name":"small","peak_flops_per_s_bf16":2.75e14,
      "peak_flops_per_s_int8":2.75e14,"hbm_capacity_bytes":10e9,"hbm_bandwidth_bytes_per_s":1.2e12,
      "ici_link_bandwidth_bytes_per_s":4.5e10,"ici_links_per_chip":6,"ici_hop_latency_s":1e-6,
      "max_axis_chips":16,"max_chips":4096,"torus_axis_multiple":4}})"));
  ASSERT_FALSE(small["ok"].get<bool>());
  EXPECT_NE(small["error"]["message"].get<std::string>().find("per chip, HBM holds 10 GB"),
            std::string::npos)
      << small["error"]["message"];
  // A budget that nothing meets: the message names it and the fastest plan that fits.
  io::Json fast = io::Json::parse(api::Search(R"({"model":"palm-540b","chips":64,"phase":"decode",
      "batch":64,"input_tokens":2048,"generate_tokens":64,"weights":"int8",
      "max_latency_per_token_s":0.001})"));
  ASSERT_FALSE(fast["ok"].get<bool>());
  const std::string slow = fast["error"]["message"];
  EXPECT_NE(slow.find("none meets the latency budget of 1 ms per token"), std::string::npos)
      << slow;
  EXPECT_NE(slow.find("the fastest that fits takes"), std::string::npos) << slow;
}

// Prefill honours a budget on the whole prompt (time to first token).
TEST(Search, PrefillBudgetIsTimeToFirstToken) {
  io::Json r = io::Json::parse(api::Search(R"({"model":"palm-62b","chips":"auto","phase":"prefill",
      "batch":1,"input_tokens":2048,"weights":"bf16","max_latency_s":0.01})"));
  ASSERT_FALSE(r["ok"].get<bool>());
  EXPECT_NE(r["error"]["message"].get<std::string>().find("latency budget of 10 ms"),
            std::string::npos)
      << r["error"]["message"];
  io::Json ok = Call(api::Search, R"({"model":"palm-62b","chips":"auto","phase":"prefill",
      "batch":1,"input_tokens":2048,"weights":"bf16","max_latency_s":0.5})");
  EXPECT_LE(ok["best"]["latency_s"].get<double>(), 0.5);
}

// Table 1 through the api: 540B padded on 64 chips, 30% of HBM for the KV cache.
TEST(MaxContext, Table1ThroughTheApi) {
  io::Json r = Call(api::MaxContext, R"({"model":"palm-540b-padded","chips":64,"batch":512,
      "kv_memory_fraction":0.3})");
  EXPECT_EQ(r["layouts"][0]["attention_sharding"], "heads");
  EXPECT_EQ(r["layouts"][0]["max_context_tokens"], 166);
  EXPECT_EQ(r["layouts"][1]["max_context_tokens"], 10663);
}

}  // namespace
}  // namespace esti
