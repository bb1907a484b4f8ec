# Thin wrappers over CMake presets and npm scripts. `make serve` and `make test` work on a fresh
# Debian 12 machine as root: `setup` installs what is missing first.
.PHONY: setup native wasm web sanitize build test test-native test-wasm test-web test-cross test-sanitize fuzz tidy serve bench clean

APT_PACKAGES := emscripten nlohmann-json3-dev googletest libgtest-dev libbenchmark-dev chromium ninja-build cmake g++ clang clang-tidy libclang-rt-14-dev zlib1g-dev nodejs openmpi-bin libopenmpi-dev
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

# libFuzzer (clang 14, libclang-rt-14-dev) with ASan + UBSan, a bounded number of runs each, seeded
# with every preset and scenario, the safetensors fixtures and real share links
# (fuzz/make_link_seeds.mjs); a crash leaves its input in build/fuzz/: copy it to
# fuzz/regressions/<target>/, where ctest --preset sanitize replays it. FUZZ_RUNS scales the budget.
# fuzz_inflate compares the core's DEFLATE decoder with zlib's on every input (zlib1g-dev).
FUZZ_RUNS ?= 200000
FUZZ_FLAGS := -timeout=10 -rss_limit_mb=2560 -print_final_stats=1
fuzz: sanitize
	mkdir -p build/fuzz/scenario_json build/fuzz/safetensors build/fuzz/share_link build/fuzz/inflate
	cd build/fuzz && ../sanitize/fuzz/fuzz_scenario_json -runs=$(FUZZ_RUNS) -max_len=70000 $(FUZZ_FLAGS) \
	  scenario_json ../../presets/scenarios ../../presets/models ../../presets/hardware \
	  ../../fuzz/regressions/scenario_json
	cd build/fuzz && ../sanitize/fuzz/fuzz_safetensors -runs=$$(( $(FUZZ_RUNS) * 10 )) -max_len=70000 $(FUZZ_FLAGS) \
	  safetensors ../../fuzz/seeds/safetensors ../../fuzz/regressions/safetensors
	cd build/fuzz && ../sanitize/fuzz/fuzz_share_link -runs=$$(( $(FUZZ_RUNS) * 5 )) -max_len=17000 $(FUZZ_FLAGS) \
	  share_link ../../fuzz/seeds/share_link ../../fuzz/regressions/share_link
	cd build/fuzz && ../sanitize/fuzz/fuzz_inflate -runs=$$(( $(FUZZ_RUNS) * 10 )) -max_len=13000 $(FUZZ_FLAGS) \
	  inflate ../../fuzz/seeds/inflate ../../fuzz/regressions/inflate

# clang-tidy (bugprone-*, cert-*: .clang-tidy) over every core/ and cli/ source of the native
# build's compile_commands.json, findings as errors.
tidy: setup
	cmake --preset native
	run-clang-tidy-14 -p build/native -j 2 -quiet '$(CURDIR)/(core|cli)/'

test: test-native test-sanitize test-wasm test-cross test-web fuzz tidy

serve: build
	@echo "esti calculator: http://127.0.0.1:5173"
	npm --prefix web run serve

# The decoder benchmark runs with glibc.malloc.hugetlb=1: malloc'd memory then gets transparent
# huge pages where THP is "madvise" (Debian's default); batch-1 decode streams every weight per
# token, and 4 KiB pages cost it ~20%. The search benchmarks run without it (they are malloc-bound).
bench: native wasm
	mkdir -p build/bench
	./build/native/bench/esti_bench --benchmark_filter=-Decode --benchmark_min_time=0.2 \
	  --benchmark_out=build/bench/native.json --benchmark_out_format=json
	GLIBC_TUNABLES=glibc.malloc.hugetlb=1 ./build/native/bench/esti_bench --benchmark_filter=Decode \
	  --benchmark_out=build/bench/decoder.json --benchmark_out_format=json
	node --no-experimental-fetch bench/search_wasm_bench.mjs build/bench/native.json
	node --no-experimental-fetch bench/wasm_bench.mjs build/bench/decoder.json

clean:
	rm -rf build web/dist
