# Each target bootstraps .venv on a fresh machine (pip install -e ".[test]") when needed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast bench tune-cluster clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -m experiments.digits_shift

# Two test processes: each test keeps about one core busy (one BLAS thread, small TF ops), so
# two halve the suite's wall time on 2 cores. --dist loadscope keeps a module on one process
# (module fixtures, e.g. the multi-worker cluster, start once). TEST_WORKERS=0: one process.
TEST_WORKERS ?= 2

test: $(STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadscope

test-fast: $(STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadscope -m "not slow"

bench: $(STAMP)
	$(PY) benchmarks/speed_dann.py

# The peers benchmark (ADAPT, PyTorch) in its own venv: the `bench` extra must not enter .venv.
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): setup.cfg pyproject.toml
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -e ".[bench]"
	touch $(BENCH_STAMP)

.PHONY: bench-peers
bench-peers: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python -W ignore benchmarks/peers.py all --json results/peers.json

# Distributed KerasTuner search on this machine: a chief (the oracle) and 2 workers
# (the trials); the chief then trains the selected configuration. See docs/distributed.md.
tune-cluster: $(STAMP)
	$(PY) -m tftransfer.tuning.cluster --workers 2 --timeout 1800 -- \
		$(PY) -m experiments.digits_shift --tune --objective dev --max-trials 6 \
		--tasks "original->rotated" --methods dann --epochs 5 --seeds 2 --out results/tune_cluster

clean:
	rm -rf $(VENV) results .pytest_cache
