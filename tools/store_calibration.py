#!/usr/bin/env python3
"""Stores the calibration block of `esti calibrate --format json` (stdin) in a hardware preset:
    ./build/native/cli/esti calibrate --format json | python3 tools/store_calibration.py presets/hardware/tpu-v4.json
tests/calibrate/fit_test.cpp checks that the stored block equals the fit."""
import json
import re
import sys

fit = json.load(sys.stdin)
path = sys.argv[1]
hw = json.load(open(path))
cal = fit["calibration"]
cv = fit.get("cross_validation", {})
cal["source"] = ("fitted by `esti calibrate` to presets/calibration/palm-{540b,62b,8b}-tpu-v4.json "
                 "(ESTI Table 2, Figure 1 / C.1); median |error| %.1f%% on the data, leave-one-model-out "
                 "median |error| %.1f%%, max %.1f%%; validity.residuals are the leave-one-model-out "
                 "log errors behind every error band" % (100 * fit["median_abs_relative_error"],
                 100 * cv.get("median_abs_relative_error", 0), 100 * cv.get("max_abs_relative_error", 0)))
hw["calibration"] = cal
text = json.dumps(hw, indent=2, ensure_ascii=False)
# One residual per line: ["decode", chips, batch, log_error].
text = re.sub(r'\[\s+("(?:decode|prefill)"),\s+([^,\s]+),\s+([^,\s]+),\s+([^\s\]]+)\s+\]',
              lambda m: "[" + ", ".join(m.groups()) + "]", text)
text = re.sub(r'\[\s+([0-9.e+-]+),\s+([0-9.e+-]+)\s+\]', r'[\1, \2]', text)
with open(path, "w") as f:
    f.write(text + "\n")
