# opsagent: the two quick-start commands are `make run` and `make test`.
BUILD      ?= build
ASAN_BUILD ?= build-asan
BENCH_BUILD ?= build-bench
JOBS       ?= $(shell nproc)
ARGS       ?=
SOURCES     = $(shell git ls-files '*.cc' '*.h' 2>/dev/null || find agent collectors rules tests bench -name '*.cc' -o -name '*.h')

.PHONY: all deps build run test unit asan fuzz format format-check lint bench clean

all: build

deps:
	@scripts/install-deps

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j$(JOBS)

# Starts the agent on its embedded default config; extra flags via ARGS="--web.listen-address ...".
run: build
	$(BUILD)/agent/opsagent run $(ARGS)

# Everything CI checks: formatting, the full suite, the unit tests again under ASan+UBSan, then a
# bounded libFuzzer run of the PromQL parser.
test: build format-check
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 600
	$(MAKE) --no-print-directory asan
	$(MAKE) --no-print-directory fuzz

asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DOPSAGENT_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j$(JOBS) --target collectors_test agent_test rules_test
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j$(JOBS) -L unit --timeout 600

# The PromQL parser under libFuzzer (clang, ASan, UBSan) for FUZZ_SECONDS; fails on any crash,
# hang (5 s per input) or memory over 1 GiB.
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) JOBS=$(JOBS) scripts/fuzz-parser

format:
	clang-format -i $(SOURCES)

format-check:
	@out=$$(clang-format --dry-run $(SOURCES) 2>&1); \
	if [ -n "$$out" ]; then echo "$$out" | head -40; echo "clang-format: run 'make format'"; exit 1; fi; \
	echo "clang-format: clean"

lint: format-check deps
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	  --inline-suppr --std=c++20 -I . agent collectors rules

bench: deps
	cmake -S . -B $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release -DOPSAGENT_BUILD_BENCH=ON >/dev/null
	cmake --build $(BENCH_BUILD) -j$(JOBS)
	bench/side_by_side.sh $(BENCH_BUILD)/agent/opsagent
	$(BENCH_BUILD)/bench/parsers_bench --benchmark_min_time=0.2
	$(BENCH_BUILD)/bench/store_bench --benchmark_counters_tabular=true
	$(BENCH_BUILD)/bench/rules_bench --benchmark_counters_tabular=true --benchmark_repetitions=3 \
	  --benchmark_report_aggregates_only=true

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(BENCH_BUILD) build-fuzz
