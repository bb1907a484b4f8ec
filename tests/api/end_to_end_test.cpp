// The "end_to_end" object of evaluate and of search's best (core/src/api/end_to_end.h): prefill of
// the prompt + decode of the generated tokens on the same slice, batch and weight format, each
// phase equal to evaluate() of that phase.
#include <gtest/gtest.h>

#include <string>

#include "esti/api.h"
#include "esti/io/json_input.h"

namespace esti {
namespace {

io::Json Call(const std::string& response) {
  auto j = io::ParseJson(response);
  EXPECT_TRUE(j.ok());
  return j.value();
}

io::Json Scenario(const std::string& phase, const std::string& ffn, const std::string& attention) {
  return {{"schema_version", 1},
          {"model", "palm-540b"},
          {"hardware", "tpu-v4"},
          {"topology", {4, 4, 4}},
          {"phase", phase},
          {"batch", 64},
          {"input_tokens", 2048},
          {"generate_tokens", 64},
          {"weights", "int8"},
          {"ffn_layout", ffn},
          {"attention_sharding", attention},
          {"mode", "calibrated"}};
}

double Latency(const io::Json& scenario) {
  io::Json r = Call(api::Evaluate(scenario.dump()));
  EXPECT_TRUE(r["ok"].get<bool>()) << r.dump();
  return r["latency_s"].get<double>();
}

void ExpectSums(const io::Json& r) {
  const io::Json& e = r["end_to_end"];
  const double total = e["prefill_s"].get<double>() + e["decode_s"].get<double>();
  EXPECT_DOUBLE_EQ(e["total_s"].get<double>(), total);
  EXPECT_DOUBLE_EQ(e["chip_seconds"].get<double>(), total * r["chips"].get<double>());
  EXPECT_DOUBLE_EQ(e["chip_seconds_per_request"].get<double>(),
                   total * r["chips"].get<double>() / r["batch"].get<double>());
}

TEST(EndToEnd, FixedLayoutsDecodePlusPrefillOfTheSamePlan) {
  io::Json r = Call(api::Evaluate(Scenario("decode", "ws2d", "batch").dump()));
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  const io::Json& e = r["end_to_end"];
  EXPECT_EQ(e["decode_s"], r["latency_s"]);
  EXPECT_DOUBLE_EQ(e["prefill_s"].get<double>(), Latency(Scenario("prefill", "ws2d", "batch")));
  EXPECT_EQ(e["prefill"]["ffn_layout"], "ws2d");
  EXPECT_EQ(e["decode"]["attention_sharding"], "batch");
  // A 2048-token prompt for 64 sequences takes a sizeable share next to 64 decode steps.
  EXPECT_GT(e["prefill_s"].get<double>(), 0);
  ExpectSums(r);
}

TEST(EndToEnd, AutoLayoutsGiveEachPhaseItsOwnFastestPlan) {
  io::Json r = Call(api::Evaluate(Scenario("prefill", "auto", "auto").dump()));
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  const io::Json& e = r["end_to_end"];
  EXPECT_EQ(e["prefill_s"], r["latency_s"]);
  EXPECT_DOUBLE_EQ(e["decode_s"].get<double>(), Latency(Scenario("decode", "auto", "auto")));
  io::Json d = Call(api::Evaluate(Scenario("decode", "auto", "auto").dump()));
  EXPECT_EQ(e["decode"]["ffn_layout"], d["ffn_layout"]);
  EXPECT_EQ(e["decode"]["attention_sharding"], d["attention_sharding"]);
  EXPECT_EQ(e["decode"]["attention_split"], d["attention_use"]["split"]);
  ExpectSums(r);
}

TEST(EndToEnd, PrefillWithoutGeneratedTokensIsPrefillOnly) {
  io::Json sc = Scenario("prefill", "ws2d", "heads");
  sc.erase("generate_tokens");
  io::Json r = Call(api::Evaluate(sc.dump()));
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  EXPECT_EQ(r["end_to_end"]["decode_s"], 0.0);
  EXPECT_TRUE(r["end_to_end"]["decode"].is_null());
  EXPECT_EQ(r["end_to_end"]["total_s"], r["latency_s"]);
  ExpectSums(r);
}

TEST(EndToEnd, SearchBestCarriesItAndTheCandidatesDoNot) {
  io::Json sc = Scenario("decode", "auto", "auto");
  sc["objective"] = "min_latency";
  io::Json r = Call(api::Search(sc.dump()));
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  const io::Json& best = r["best"];
  EXPECT_EQ(best["end_to_end"]["decode_s"], best["latency_s"]);
  io::Json prefill = Scenario("prefill", "auto", "auto");
  prefill["weights"] = best["weights"];
  prefill["topology"] = best["topology"];
  EXPECT_DOUBLE_EQ(best["end_to_end"]["prefill_s"].get<double>(), Latency(prefill));
  ExpectSums(best);
  EXPECT_FALSE(r["candidates"][0].contains("end_to_end"));
}

// The "attention_use" object next to it (core/src/api/attention_use_json.h), in evaluate and in
// search's best.
TEST(AttentionUseJson, EvaluateAndSearchBestReportIt) {
  io::Json sc = Scenario("decode", "ws2d", "batch");
  sc.erase("topology");
  sc["chips"] = 4096;
  sc["batch"] = 1024;
  io::Json r = Call(api::Evaluate(sc.dump()));
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  const io::Json& u = r["attention_use"];
  EXPECT_EQ(u["split"], "batch");
  EXPECT_EQ(u["batch_ways"], r["attention_batch_ways"]);
  EXPECT_EQ(u["head_ways"], r["attention_head_ways"]);
  EXPECT_EQ(u["busy_chips"], 1024);
  EXPECT_EQ(u["idle_chips"], 3072);
  EXPECT_EQ(u["kv_copies"], 1.0);
  sc["objective"] = "min_latency";
  io::Json s = Call(api::Search(sc.dump()));
  ASSERT_TRUE(s["ok"].get<bool>()) << s.dump();
  EXPECT_EQ(s["best"]["attention_use"], u);
}

}  // namespace
}  // namespace esti
