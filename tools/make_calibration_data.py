#!/usr/bin/env python3
"""Writes presets/calibration/palm-{540b,62b,8b}-tpu-v4.json from the digitized tables in
docs/paper-data.md (ESTI Table 2, Figure 1 / C.1). Run from the repository root; the JSON files
are committed, this script documents how they were made (python3 tools/make_calibration_data.py).

Unlabelled figure points fix only chips/batch (C/B). Each becomes a point whose scenario lists the
candidate chip counts, with "chips_per_batch" set: esti predicts the fastest configuration among the
candidates (with C/B fixed, cost = C/B x latency, so the measured Pareto frontier's point at that
ratio is the fastest configuration the authors tried). The candidates of a series are the powers of
two between the smallest and largest chip count printed on a label of that model and phase
(docs/paper-data.md, "Unlabelled points")."""
import json
import re
from fractions import Fraction

DOC = "docs/paper-data.md"

MODELS = {"PaLM 540B": ("540b", "palm-540b-padded"), "PaLM 62B": ("62b", "palm-62b"),
          "PaLM 8B": ("8b", "palm-8b")}
# Chip counts printed on labels, per model and phase (docs/paper-data.md).
CANDIDATES = {("540b", "decode"): [64, 128], ("540b", "prefill"): [32, 64, 128],
              ("62b", "decode"): [8, 16, 32], ("62b", "prefill"): [16, 32, 64],
              ("8b", "decode"): [8, 16], ("8b", "prefill"): [8, 16, 32]}
MAX_BATCH = 1024  # the largest batch printed on any label


def tables(text):
    """Yields (phase, rows) for the Figure 1 tables of docs/paper-data.md."""
    phase = None
    for line in text.splitlines():
        if line.startswith("#") and "Decode" in line: phase = "decode"
        if line.startswith("#") and "Prefill" in line: phase = "prefill"
        if line.startswith("#") and "Table 2" in line: phase = None
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if phase and len(cells) >= 4 and cells[0] in MODELS or (phase and cells[0].rstrip("-int8").strip() in MODELS):
            yield phase, cells


def ratio_id(r):
    return str(r.numerator) if r.denominator == 1 else f"{r.numerator}_{r.denominator}"


def main():
    text = open(DOC).read()
    points = {k: [] for k in ("540b", "62b", "8b")}
    # Table 2 (ESTI Table 2): PaLM 540B, 64 chips, layouts given.
    for pid, phase, batch, weights, ffn, attn, lat in [
        ("table2-prefill-low-latency", "prefill", 1, "int8", "ws2d", "heads", 0.29),
        ("table2-decode-low-latency", "decode", 64, "int8", "ws2d", "batch", 1.82),
        ("table2-prefill-high-throughput", "prefill", 512, "bf16", "wg_xyz", "batch", 85.2),
        ("table2-decode-high-throughput", "decode", 512, "bf16", "ws2d", "batch", 6.0)]:
        points["540b"].append({
            "id": "540b-" + pid, "group": "table2", "source": "ESTI Table 2 (docs/paper-data.md)",
            "scenario": {"model": "palm-540b-padded", "phase": phase, "chips": 64, "batch": batch,
                         "input_tokens": 2048, **({"generate_tokens": 64} if phase == "decode" else {}),
                         "weights": weights, "ffn_layout": ffn, "attention_sharding": attn},
            "measured_latency_s": lat})
    for phase, c in tables(text):
        series = c[0]
        int8 = series.endswith("-int8")
        key, model = MODELS[series.replace("-int8", "").strip()]
        latency = float(c[1]) * (1e-3 if phase == "decode" else 1.0)
        ratio = Fraction(c[3])
        label = re.match(r"C:(\d+), B:(\d+)", c[4])
        fmt = "int8" if int8 else "bf16"
        sc = {"model": model, "phase": phase, "input_tokens": 2048}
        if phase == "decode": sc["generate_tokens"] = 64
        p = {"group": f"fig1-{phase}",
             "source": f"ESTI Fig 1 / Fig C.1 {'left' if phase == 'decode' else 'right'}, {series}, digitized (docs/paper-data.md)"}
        if label:
            chips, batch = int(label.group(1)), int(label.group(2))
            p["id"] = f"{key}-fig1-{phase}-{fmt}-c{chips}-b{batch}"
            sc.update({"chips": chips, "batch": batch})
        else:
            cands = [ch for ch in CANDIDATES[(key, phase)]
                     if (Fraction(ch) / ratio).denominator == 1 and 1 <= Fraction(ch) / ratio <= MAX_BATCH]
            if not cands:
                raise SystemExit(f"no candidate for {series} {phase} C/B={ratio}")
            p["id"] = f"{key}-fig1-{phase}-{fmt}-cb{ratio_id(ratio)}"
            sc["chips"] = cands
            p["chips_per_batch"] = float(ratio)
            p["note"] = ("chips not printed: C/B exact; the fastest of the candidate chip counts "
                         "(those printed on this model's labels for this phase)")
        sc.update({"weights": fmt, "ffn_layout": "auto", "attention_sharding": "auto"})
        p["scenario"] = sc
        p["measured_latency_s" if phase == "prefill" else "measured_latency_per_token_s"] = latency
        points[key].append(p)
    names = {"540b": "PaLM 540B", "62b": "PaLM 62B", "8b": "PaLM 8B"}
    for key, pts in points.items():
        doc = {"schema_version": 1, "id": f"palm-{key}-tpu-v4",
               "name": f"{names[key]} on TPU v4: published latencies",
               "source": "ESTI (arXiv:2211.05102v1) " + ("Table 2 and " if key == "540b" else "") +
                         "Figure 1 / C.1, digitized; docs/paper-data.md. Context 2048; decode latency per "
                         "generated token over 64 generated tokens; prefill latency for 2048 tokens"
                         + ("; PaLM 540B served with heads padded to 64 (ESTI §4)" if key == "540b" else ""),
               "hardware": "tpu-v4", "points": pts}
        with open(f"presets/calibration/palm-{key}-tpu-v4.json", "w") as f:
            json.dump(doc, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print(key, len(pts))


if __name__ == "__main__":
    main()
