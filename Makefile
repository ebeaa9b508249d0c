# The targets README and CI run. Every target sets up what it needs first.
VENV := .venv
PY := $(VENV)/bin/python
SEED := samples/seed.py

.PHONY: setup run check lint format types test bench bench-scale bench-tui clean

setup:
	@bash scripts/setup.sh

## The main job: step through the seed example's build in the terminal UI while it trains.
run: setup
	@$(VENV)/bin/buildtrace tui $(SEED)

## What CI runs: lint, types, tests (with the docstring examples and the line budget).
check: setup lint types test

lint:
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format:
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

types:
	$(PY) -m mypy

test:
	$(PY) -m pytest

## Benchmarks print ratios against a reference run in the same process.
bench: setup
	$(PY) bench/instrumentation.py
	$(PY) bench/training_speed.py
	$(PY) bench/mnist_accuracy.py
	$(PY) bench/diagram_speed.py
	$(PY) bench/first_output.py

## A 10^6-event trace read by the viewer, exported, drawn (about 10 minutes, 3 GB free).
bench-scale: setup
	$(PY) bench/trace_scale.py

## Key-press latency of the TUI while the seed example trains (about 6 minutes).
bench-tui: setup
	$(PY) bench/tui_latency.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
