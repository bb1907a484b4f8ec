# Thin wrappers over CMake presets and npm scripts. `make serve` and `make test` work on a fresh
# Debian 12 machine as root: `setup` installs what is missing first.
.PHONY: setup format-check native wasm web sanitize build test test-native test-wasm test-web test-cross test-sanitize fuzz tidy serve bench clean

APT_PACKAGES := emscripten nlohmann-json3-dev googletest libgtest-dev libbenchmark-dev chromium ninja-build cmake g++ clang clang-format clang-tidy libclang-rt-14-dev zlib1g-dev nodejs openmpi-bin libopenmpi-dev
export NODE_PATH := /usr/share/nodejs

setup:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi
	@if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then \
	  npm --prefix web ci; \
	fi

native: setup
	cmake --preset native
	cmake --build --preset native

wasm: setup
	cmake --preset wasm
	cmake --build --preset wasm

# clang with ASan + UBSan (float-cast-overflow, float-divide-by-zero), no recovery.
sanitize: setup
	cmake --preset sanitize
	cmake --build --preset sanitize

web: wasm
	npm --prefix web run build

build: native wasm web

test-native: native
	ctest --preset native

test-wasm: wasm
	ctest --preset wasm

test-web: web
	npm --prefix web run test:node
	npm --prefix web run test:unit
	npm --prefix web run test:e2e

# Native == wasm byte for byte on 2000 seeded requests (evaluate, search, frontier, max context).
test-cross: native wasm
	node --no-experimental-fetch tests/cross/native_vs_wasm.mjs --n 2000 --seed 1

test-sanitize: sanitize
	ctest --preset sanitize

# libFuzzer (clang 14, libclang-rt-14-dev) with ASan + UBSan, two targets at a time (fuzz/run.sh),
# each a bounded number of executions, seeded with every preset and scenario, the safetensors
# fixtures and real share links (fuzz/make_link_seeds.mjs); kept crash inputs in
# fuzz/regressions/<target>/ are replayed by ctest --preset sanitize. fuzz_inflate compares the
# core's DEFLATE decoder with zlib's on every input (zlib1g-dev).
# Budget at FUZZ_RUNS=200000: scenario_json 200k, safetensors 2M, share_link 50k, inflate 200k
# executions. CPU rates measured here (2026-11-29, user + sys time, machine shared): scenario_json
# ~1,900/s (20k in 10.4 s), safetensors ~20,000/s (200k in 9.9 s), share_link ~4,400/s (30k in
# 6.8 s), inflate ~16,600/s (200k in 12.0 s). So ~105 + 100 + 11 + 12 s of CPU; two at a time on
# 2 cores, ~2 min of wall time, about what the two sequential targets cost before. A campaign's
# 2M executions per target would take ~18 min (scenario_json) and ~8 min (share_link) alone,
# which no make test under 20 minutes holds; `make fuzz FUZZ_RUNS=8000000` gives every
# target at least 2M.
FUZZ_RUNS ?= 200000
fuzz: sanitize
	fuzz/run.sh $(FUZZ_RUNS)

# clang-tidy (bugprone-*, cert-*: .clang-tidy) over every core/ and cli/ source, findings as
# errors. Its own configure-only build directory (build/tidy, no precompiled headers: a PCH would
# hide a missing #include from it, and clang cannot read g++'s). The time is clang parsing
# nlohmann/json and the standard library for each file and the checks walking all of it: 6 min 15 s
# of CPU for the 60 files, 3 min 51 s on 2 cores (measured here 2026-11-30, machine shared). Part of
# make test; what made room for it is in the CMake files (precompiled headers, test optimisation).
tidy: setup
	cmake --preset native -B build/tidy -DESTI_PCH=OFF -DESTI_BUILD_TESTS=OFF --log-level=WARNING
	run-clang-tidy-14 -p build/tidy -j 2 -quiet '$(CURDIR)/(core|cli)/'

# clang-format (.clang-format) on every C++ file and prettier (web/.prettierrc.json) on the page's
# TypeScript and test scripts: any file that differs from its formatted self fails (a few seconds).
format-check: setup
	clang-format --dry-run -Werror $$(git ls-files '*.cpp' '*.h' | grep -v '^web/')
	npm --prefix web run format:check

test: format-check test-native test-sanitize tidy test-wasm test-cross test-web fuzz

serve: build
	@echo "esti calculator: http://127.0.0.1:5173"
	npm --prefix web run serve

# The decoder benchmark runs with glibc.malloc.hugetlb=1: malloc'd memory then gets transparent
# huge pages where THP is "madvise" (Debian's default); batch-1 decode streams every weight per
# token, and 4 KiB pages cost it ~20%. The search benchmarks run without it (they are malloc-bound).
bench: native wasm
	cmake --build --preset native --target esti_bench
	mkdir -p build/bench
	./build/native/bench/esti_bench --benchmark_filter=-Decode --benchmark_min_time=0.2 \
	  --benchmark_out=build/bench/native.json --benchmark_out_format=json
	GLIBC_TUNABLES=glibc.malloc.hugetlb=1 ./build/native/bench/esti_bench --benchmark_filter=Decode \
	  --benchmark_out=build/bench/decoder.json --benchmark_out_format=json
	node --no-experimental-fetch bench/search_wasm_bench.mjs build/bench/native.json
	node --no-experimental-fetch bench/wasm_bench.mjs build/bench/decoder.json

clean:
	rm -rf build web/dist
