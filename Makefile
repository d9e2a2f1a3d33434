# Two commands on a fresh machine with Python >= 3.11:
#   make run    set up, then run the bot (the offline sandbox when no TELEGRAM_BOT_TOKEN is set)
#   make test   set up, then lint and run the tests
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test check sandbox bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

run: $(BIN)/.installed
	$(BIN)/quiz-tutor

sandbox: $(BIN)/.installed
	$(BIN)/quiz-tutor sandbox

check: $(BIN)/.installed
	$(BIN)/quiz-tutor check

test: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info

# Benchmarks (not tests): each prints its figures beside a baseline from the same run.
bench: $(BIN)/.installed
	$(BIN)/python -m bench.bank_load
	$(BIN)/python -m bench.store
	$(BIN)/python -m bench.memory
	$(BIN)/python -m bench.taps
	$(BIN)/python -m bench.pushes
