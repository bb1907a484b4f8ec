#include "io/hf_config_io.h"

#include <cctype>
#include <set>

#include "io/object_reader.h"
#include "io/spec_io.h"

namespace esti::io {

namespace {

struct Arch {
  const char* model_type;
  const char* class_name;
  const char* label;
  // Defaults of the transformers config classes (LlamaConfig, MistralConfig, Qwen2Config,
  // Gemma2Config in transformers/models/<type>/configuration_<type>.py), used when a file omits
  // the field.
  bool default_tied_embeddings;
  int64_t default_head_dim;  // 0: hidden_size / num_attention_heads
};

constexpr Arch kArchs[] = {
    {"llama", "LlamaForCausalLM", "Llama", false, 0},
    {"mistral", "MistralForCausalLM", "Mistral", false, 0},
    {"qwen2", "Qwen2ForCausalLM", "Qwen2", false, 0},
    {"gemma2", "Gemma2ForCausalLM", "Gemma 2", true, 256},
};

// Fields whose presence (non-null, non-zero) marks a mixture-of-experts config: Mixtral
// (num_local_experts), Qwen2-MoE / Qwen3-MoE / OLMoE (num_experts), DeepSeek (n_routed_experts).
constexpr const char* kMoeFields[] = {"num_local_experts",
                                      "num_experts",
                                      "num_experts_per_tok",
                                      "n_routed_experts",
                                      "n_shared_experts",
                                      "moe_intermediate_size",
                                      "shared_expert_intermediate_size"};
constexpr const char* kMoeModelTypes[] = {"mixtral",     "qwen2_moe", "qwen3_moe", "deepseek_v2",
                                          "deepseek_v3", "dbrx",      "olmoe",     "jamba",
                                          "granitemoe",  "phimoe",    "llama4"};

// Fields read above (some only to check that they hold nothing esti cannot represent).
constexpr const char* kMapped[] = {
    "model_type",          "architectures",     "num_hidden_layers",
    "hidden_size",         "intermediate_size", "num_attention_heads",
    "num_key_value_heads", "head_dim",          "vocab_size",
    "tie_word_embeddings", "hidden_act",        "hidden_activation",
    "attention_bias",      "mlp_bias",          "sliding_window",
    "rope_scaling"};
// Metadata with no bearing on shapes or cost: reported as "ignored".
constexpr const char* kMetadata[] = {"_name_or_path",        "bos_token_id",
                                     "eos_token_id",         "pad_token_id",
                                     "initializer_range",    "rms_norm_eps",
                                     "torch_dtype",          "dtype",
                                     "transformers_version", "use_cache",
                                     "attention_dropout",    "rope_theta",
                                     "pretraining_tp",       "cache_implementation",
                                     "_attn_implementation"};

bool Contains(const auto& list, const std::string& s) {
  for (const char* x : list) {
    if (s == x) return true;
  }
  return false;
}

// The value of `key`, or nullptr when absent or null (HF writes null for "not set").
const Json* Get(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string StringField(const Json& j, const char* key, const std::string& path) {
  const Json* v = Get(j, key);
  if (v == nullptr) return "";
  if (!v->is_string()) {
    Fail(codes::kTypeError, PointerAppend(path, key),
         std::string("expected a string, got ") + v->type_name());
  }
  return v->get<std::string>();
}

std::optional<bool> BoolField(const Json& j, const char* key, const std::string& path) {
  const Json* v = Get(j, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) {
    Fail(codes::kTypeError, PointerAppend(path, key),
         std::string("expected true or false, got ") + v->type_name());
  }
  return v->get<bool>();
}

std::optional<int64_t> IntField(const Json& j, const char* key, const std::string& path,
                                int64_t max) {
  const Json* v = Get(j, key);
  if (v == nullptr) return std::nullopt;
  return ToInt(*v, PointerAppend(path, key), 1, max);
}

int64_t RequiredInt(const Json& j, const char* key, const std::string& path, int64_t max) {
  std::optional<int64_t> v = IntField(j, key, path, max);
  if (!v) Fail(codes::kMissingField, PointerAppend(path, key), "required field is missing");
  return *v;
}

std::string SupportedList() {
  std::string s;
  for (const Arch& a : kArchs) {
    s += (s.empty() ? "" : ", ") + std::string(a.model_type) + " (" + a.class_name + ")";
  }
  return s;
}

[[noreturn]] void FailMoe(const std::string& path, const std::string& what) {
  Fail(kUnsupportedCode, path,
       "mixture-of-experts models are out of scope: esti models dense decoder-only transformers "
       "(" +
           SupportedList() + "); this config has " + what);
}

void RejectMoe(const Json& config, const std::string& path) {
  for (const char* f : kMoeFields) {
    const Json* v = Get(config, f);
    if (v == nullptr || (v->is_number() && v->get<double>() == 0)) continue;
    FailMoe(PointerAppend(path, f), std::string(f) + " = " + v->dump());
  }
  std::string type = StringField(config, "model_type", path);
  if (Contains(kMoeModelTypes, type)) {
    FailMoe(PointerAppend(path, "model_type"), "model_type \"" + type + "\"");
  }
  if (const Json* a = Get(config, "architectures"); a != nullptr && a->is_array()) {
    for (size_t i = 0; i < a->size(); ++i) {
      if (!(*a)[i].is_string()) continue;
      const std::string& cls = (*a)[i].get_ref<const std::string&>();
      if (cls.find("Moe") != std::string::npos || cls.find("MoE") != std::string::npos ||
          cls.find("Mixtral") != std::string::npos) {
        FailMoe(PointerAppend(PointerAppend(path, "architectures"), std::to_string(i)),
                "architecture " + cls);
      }
    }
  }
}

const Arch& ResolveArch(const Json& config, const std::string& path) {
  std::string type = StringField(config, "model_type", path);
  std::string cls;
  const std::string arch_path = PointerAppend(path, "architectures");
  if (const Json* a = Get(config, "architectures")) {
    if (!a->is_array() || a->empty()) {
      Fail(codes::kTypeError, arch_path, "expected a non-empty array of class names");
    }
    if (!(*a)[0].is_string()) {
      Fail(codes::kTypeError, PointerAppend(arch_path, "0"),
           std::string("expected a string, got ") + (*a)[0].type_name());
    }
    cls = (*a)[0].get<std::string>();
  }
  if (type.empty() && cls.empty()) {
    Fail(codes::kMissingField, PointerAppend(path, "model_type"),
         "neither model_type nor architectures is given; supported: " + SupportedList());
  }
  for (const Arch& a : kArchs) {
    bool type_matches = type == a.model_type;
    bool class_matches = cls == a.class_name;
    if (!type_matches && !(type.empty() && class_matches)) continue;
    if (!cls.empty() && !class_matches) {
      Fail(codes::kInvalidValue, PointerAppend(arch_path, "0"),
           "architecture " + cls + " does not match model_type \"" + type + "\" (expected " +
               a.class_name + ")");
    }
    return a;
  }
  if (!type.empty()) {
    Fail(kUnsupportedCode, PointerAppend(path, "model_type"),
         "model_type \"" + type + "\" is not supported; supported: " + SupportedList());
  }
  Fail(kUnsupportedCode, PointerAppend(arch_path, "0"),
       "architecture " + cls + " is not supported; supported: " + SupportedList());
}

// "meta-llama/Llama-3.1-8B" -> "llama-3.1-8b": lower case, runs of other characters -> '-'.
std::string IdFrom(const std::string& s) {
  std::string out;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '.') {
      out += static_cast<char>(std::tolower(u));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && (out.back() == '-' || out.back() == '.')) out.pop_back();
  return out.substr(0, 64);
}

std::string LastPathComponent(const std::string& s) {
  size_t slash = s.find_last_of('/');
  return slash == std::string::npos ? s : s.substr(slash + 1);
}

std::string Fmt(double v) {
  Json j = v;
  return j.dump();
}

}  // namespace

HfConversion ReadHfConfig(const Json& config, const std::string& path,
                          const std::optional<std::string>& id,
                          const std::optional<std::string>& name) {
  if (!config.is_object()) {
    Fail(codes::kTypeError, path,
         std::string("expected a config.json object, got ") + config.type_name());
  }
  RejectMoe(config, path);
  const Arch& arch = ResolveArch(config, path);
  HfConversion c;
  c.architecture = arch.model_type;
  model::ModelConfig& m = c.model;
  auto add = [&c, &config](const char* field, const char* effect, std::string reason) {
    c.unmapped.push_back({field, config.at(field), effect, std::move(reason)});
  };

  // Shapes (transformers' field names; esti's in the comments).
  m.n_layers = RequiredInt(config, "num_hidden_layers", path, kMaxLayers);  // L
  m.d_model = RequiredInt(config, "hidden_size", path, kMaxDim);            // E
  m.d_ff = RequiredInt(config, "intermediate_size", path, kMaxDim);         // F
  m.n_heads = RequiredInt(config, "num_attention_heads", path, kMaxHeads);  // H
  m.vocab_size = RequiredInt(config, "vocab_size", path, kMaxVocab);        // V
  std::optional<int64_t> kv = IntField(config, "num_key_value_heads", path, kMaxHeads);
  if (!kv) {
    // LlamaConfig maps an absent num_key_value_heads to num_attention_heads (multihead, the
    // original LLaMA); the other classes have different defaults, so require it there.
    if (std::string(arch.model_type) != "llama") {
      Fail(codes::kMissingField, PointerAppend(path, "num_key_value_heads"),
           "required field is missing");
    }
    c.notes.push_back("num_key_value_heads absent: multihead (" + std::to_string(m.n_heads) +
                      " KV heads), LlamaConfig's default");
    kv = m.n_heads;
  }
  m.n_kv_heads = *kv;
  if (m.n_kv_heads > m.n_heads || m.n_heads % m.n_kv_heads != 0) {
    Fail(codes::kInvalidValue, PointerAppend(path, "num_key_value_heads"),
         "num_key_value_heads (" + std::to_string(m.n_kv_heads) +
             ") must divide num_attention_heads (" + std::to_string(m.n_heads) + ")");
  }
  if (std::optional<int64_t> hd = IntField(config, "head_dim", path, kMaxDHead)) {
    m.d_head = *hd;
    if (m.d_head * m.n_heads != m.d_model) {
      c.notes.push_back("head_dim " + std::to_string(m.d_head) + " is not hidden_size / " +
                        "num_attention_heads (" +
                        Fmt(static_cast<double>(m.d_model) / static_cast<double>(m.n_heads)) +
                        "): attention width H*d_head = " + std::to_string(m.n_heads * m.d_head) +
                        " != d_model; esti's d_head carries it exactly");
    }
  } else if (arch.default_head_dim > 0) {
    m.d_head = arch.default_head_dim;
    c.notes.push_back("head_dim absent: " + std::to_string(m.d_head) + ", the " + arch.label +
                      " config class's default");
  } else {
    if (m.d_model % m.n_heads != 0) {
      Fail(codes::kInvalidValue, PointerAppend(path, "num_attention_heads"),
           "hidden_size (" + std::to_string(m.d_model) + ") is not a multiple of " +
               "num_attention_heads (" + std::to_string(m.n_heads) + ") and head_dim is not given");
    }
    m.d_head = m.d_model / m.n_heads;
  }

  // All four use a gated MLP (gate, up, down: three E x F matrices) and a serial pre-norm block.
  m.ffn_type = model::FfnType::kSwiglu;
  m.block_type = model::BlockType::kSerial;
  std::string act_field = "hidden_act";
  std::string act = StringField(config, "hidden_act", path);
  if (std::string(arch.model_type) == "gemma2" && Get(config, "hidden_activation") != nullptr) {
    act_field = "hidden_activation";  // Gemma2's MLP reads hidden_activation
    act = StringField(config, "hidden_activation", path);
  }
  if (!act.empty() && act != "silu") {
    c.notes.push_back(act_field + " \"" + act + "\": the MLP is gated with this activation (" +
                      (act.rfind("gelu", 0) == 0 ? "GeGLU" : "gated") +
                      "), costed as esti's gated FFN (ffn_type \"swiglu\": three matrices, same "
                      "FLOPs and bytes)");
  }
  std::optional<bool> tied = BoolField(config, "tie_word_embeddings", path);
  m.shared_embedding = tied.value_or(arch.default_tied_embeddings);
  if (!tied) {
    c.notes.push_back(std::string("tie_word_embeddings absent: ") +
                      (m.shared_embedding ? "true" : "false") + ", the " + arch.label +
                      " config class's default");
  }

  // Biases: Qwen2 always has q/k/v biases; Llama-family files may switch them on.
  const double qkv_bias = static_cast<double>(m.n_layers) *
                          static_cast<double>(m.n_heads + 2 * m.n_kv_heads) *
                          static_cast<double>(m.d_head);
  if (std::string(arch.model_type) == "qwen2") {
    c.notes.push_back("Qwen2 has biases on the q, k and v projections (" + Fmt(qkv_bias) +
                      " parameters); esti's model has no biases, so they are not in its counts, "
                      "weight bytes or FLOPs (negligible)");
  }
  if (BoolField(config, "attention_bias", path).value_or(false)) {
    add("attention_bias", "negligible",
        "biases on the attention projections (about " +
            Fmt(qkv_bias + static_cast<double>(m.n_layers * m.d_model)) +
            " parameters) are not in esti's counts");
  }
  if (BoolField(config, "mlp_bias", path).value_or(false)) {
    add("mlp_bias", "negligible",
        "biases on the MLP projections (" +
            Fmt(static_cast<double>(m.n_layers) *
                (2.0 * static_cast<double>(m.d_ff) + static_cast<double>(m.d_model))) +
            " parameters) are not in esti's counts");
  }
  if (std::string(arch.model_type) == "gemma2") {
    c.notes.push_back(
        "Gemma 2 has 4 RMSNorms per layer (pre and post attention and MLP); esti lists 2 per "
        "layer in norm_scales (norm scales are in no cost)");
  }

  // Attention span.
  const bool qwen_window_on = BoolField(config, "use_sliding_window", path).value_or(false);
  if (const Json* w = Get(config, "sliding_window")) {
    std::string type = arch.model_type;
    if (type == "gemma2") {
      add("sliding_window", "approximated",
          "every other layer attends only to the last " + w->dump() +
              " tokens; esti costs every layer as global attention, so KV memory and attention "
              "time are overstated beyond that context (up to 2x)");
    } else if (type == "qwen2" && !qwen_window_on) {
      add("sliding_window", "none", "configured but off (use_sliding_window is false)");
    } else {
      add("sliding_window", "approximated",
          "layers attend only to the last " + w->dump() +
              " tokens; esti costs full attention, so KV memory and attention time are "
              "overstated beyond that context");
    }
  }
  for (const char* f : {"use_sliding_window", "max_window_layers"}) {
    if (config.contains(f)) {
      add(f, qwen_window_on ? "approximated" : "none",
          qwen_window_on ? "Qwen2 sliding-window layers; esti costs full attention"
                         : "sliding window is off; nothing to map");
    }
  }
  if (config.contains("sliding_window_size")) {
    add("sliding_window_size", "approximated",
        "local-attention window; esti costs every layer as global attention");
  }
  if (Get(config, "rope_scaling") != nullptr) {
    add("rope_scaling", "none",
        "RoPE scaling changes positions, not shapes or FLOPs; esti's costs do not depend on it");
  }
  if (config.contains("rope_parameters")) {
    add("rope_parameters", "none", "RoPE parameters change positions, not shapes or FLOPs");
  }
  if (config.contains("max_position_embeddings")) {
    add("max_position_embeddings", "none",
        "the trained context limit; esti does not cap the context you evaluate at it");
  }
  for (const char* f : {"attn_logit_softcapping", "final_logit_softcapping"}) {
    if (Get(config, f) != nullptr) {
      add(f, "negligible", "logit soft-capping (cap * tanh(x / cap)) is elementwise; not costed");
    }
  }
  if (config.contains("query_pre_attn_scalar")) {
    add("query_pre_attn_scalar", "none", "attention score scale; same FLOPs and bytes");
  }
  if (config.contains("quantization_config")) {
    add("quantization_config", "approximated",
        "the checkpoint is quantized; esti's weight format is the scenario's \"weights\" field");
  }

  // Every other key: metadata (ignored) or unknown (unmapped).
  std::set<std::string> listed;
  for (const HfUnmapped& u : c.unmapped) listed.insert(u.field);
  for (auto it = config.begin(); it != config.end(); ++it) {
    const std::string& k = it.key();
    if (listed.count(k)) continue;
    if (Contains(kMetadata, k)) {
      c.ignored.push_back(k);
    } else if (!Contains(kMapped, k)) {
      c.unmapped.push_back(
          {k, it.value(), "unknown",
           std::string("not a field esti knows for ") + arch.label + " configs; not read"});
    }
  }

  std::string hf_name = StringField(config, "_name_or_path", path);
  if (id) {
    m.id = *id;
  } else {
    m.id = IdFrom(LastPathComponent(hf_name));
    if (m.id.empty()) m.id = std::string("hf-") + arch.model_type;
  }
  if (name) {
    m.name = *name;
  } else if (!LastPathComponent(hf_name).empty()) {
    m.name = LastPathComponent(hf_name);
  } else {
    m.name = std::string(arch.label) + " from config.json";
  }
  c.source = std::string("Hugging Face config.json (") + arch.class_name +
             ") converted by esti model --from-hf; fields it cannot represent are listed in its "
             "output's \"unmapped\"";
  return c;
}

Json HfConversionToJson(const HfConversion& c) {
  Json model = ModelToJson(c.model);
  model["source"] = c.source;
  Json unmapped = Json::array();
  for (const HfUnmapped& u : c.unmapped) {
    unmapped.push_back(
        {{"field", u.field}, {"value", u.value}, {"effect", u.effect}, {"reason", u.reason}});
  }
  return {{"model", model},
          {"architecture", c.architecture},
          {"unmapped", unmapped},
          {"ignored", c.ignored},
          {"notes", c.notes}};
}

}  // namespace esti::io
