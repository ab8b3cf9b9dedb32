# Two commands do all the set-up: `make demo` and `make test`. Each creates .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLE := examples/minhang-police-2024-budget.txt

.PHONY: demo test bench bench-ocr fuzz clean

$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,html,dask,parquet,progress,ocr,re2]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/auditor audit $(EXAMPLE) --fail-on never

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/ocr.py

# OCR seconds/page, pages/s, peak memory, cached re-audit (one whole scanned corpus budget; --all: every one)
bench-ocr: $(STAMP)
	$(BIN)/python benchmarks/ocr.py

# The long fuzz profile: 20,000 mutated inputs in 2 workers (niced); summary and repros in fuzz-out/
# (FUZZ_COUNT, FUZZ_JOBS, FUZZ_SEED, FUZZ_START: inputs START..START+COUNT-1 of campaign SEED)
fuzz: $(STAMP)
	nice -n 10 $(BIN)/python tools/fuzz.py --count $(or $(FUZZ_COUNT),20000) --jobs $(or $(FUZZ_JOBS),2) \
		--seed $(or $(FUZZ_SEED),1) --start $(or $(FUZZ_START),0)

clean:
	rm -rf $(VENV) build *.egg-info
