# Every target builds .venv from nothing when it is missing.
# The venv's Python: the Lambda runtime's version (infra/template.yaml: python3.13) when
# this machine has one (LAMBDA_PYTHON, python3.13, pyenv), so tests, mypy and the bench run
# on what production runs; else python3.
PYTHON ?= $(shell python3 infra/build_package.py --runtime-python 2>/dev/null || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8080
VIRTUAL_ALEXA := tests/virtual_alexa/node_modules/.package-lock.json

.PHONY: chat test test-e2e test-dates lint serve package bench models protocol triage-report dialogues-report nlu-export clean

# The oscrypto module must be elements-oscrypto's, not the broken oscrypto 1.3.0 that
# certvalidator (under flask-ask-sdk) pulls in: both write the same files, so it goes in
# last, and the stamp is not touched unless the files and the flask-ask-sdk import check
# out (skill/web/install_check.py; docs/web-verification.md).
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps --force-reinstall -c constraints.txt elements-oscrypto
	$(BIN)/python -m skill.web.install_check
	touch $(STAMP)

chat: $(STAMP)
	$(BIN)/python -m skill chat $(ARGS)

# What CI needs to trust a change, in a few minutes: lint (ruff, mypy), then every test not
# marked e2e.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check skill lambda
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest -m "not e2e"

# The slow end-to-end tier (pytest marker e2e): console and server subprocesses, web floods
# and load, audio rendering (espeak-ng, sox), every vignette in every NLU mode, whole
# conversations through virtual-alexa (npm, pinned by its package-lock.json).
test-e2e: $(STAMP) $(VIRTUAL_ALEXA)
	$(BIN)/python -m pytest -m e2e

# virtual-alexa for tests/test_virtual_alexa.py, in a git-ignored node_modules.
$(VIRTUAL_ALEXA): tests/virtual_alexa/package.json tests/virtual_alexa/package-lock.json
	npm ci --prefix tests/virtual_alexa --no-audit --no-fund

# Both tiers under three other dates (libfaketime, multi-threaded): no test may depend on
# today's date. The second run crosses midnight into a new year, the third is in 2030.
# Tests that measure real elapsed time on threads and sockets (marked real_budgets or
# wall_clock) are left out: libfaketime stretches timed waits, and they do not read dates.
FAKE_DATES_SKIP := -m "not real_budgets and not wall_clock"
test-dates: $(STAMP)
	faketime -m '2027-02-28 12:00:00' $(BIN)/python -m pytest -q -p no:cacheprovider $(FAKE_DATES_SKIP)
	faketime -m '2028-12-31 23:59:00' $(BIN)/python -m pytest -q -p no:cacheprovider $(FAKE_DATES_SKIP)
	faketime -m '2030-06-15 12:00:00' $(BIN)/python -m pytest -q -p no:cacheprovider $(FAKE_DATES_SKIP)

# ruff, then mypy (configured in pyproject.toml: strict for skill.triage and skill.checkins).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check skill lambda
	$(BIN)/python -m mypy

# The five locales' interaction models, generated from infra/model_source/.
models: $(STAMP)
	$(BIN)/python infra/build_models.py

# skill/triage/protocol.json and docs/protocol-review.md, built from infra/protocol_source/.
protocol: $(STAMP)
	$(BIN)/python infra/build_protocol.py

# The self-hosted web endpoint under waitress on 127.0.0.1:$(PORT) (verification on).
serve: $(STAMP)
	$(BIN)/python -m skill serve --port $(PORT)

# dist/lambda.zip for AWS Lambda (runtime and architecture from infra/template.yaml), with
# bytecode for the runtime's Python when one is found (LAMBDA_PYTHON, python3.13, pyenv);
# reproducible. Needs PyPI access.
package: $(STAMP)
	$(BIN)/python infra/build_package.py

# The production path timed beside ask-sdk baselines: cold start on DynamoDB (a moto server
# the bench starts, real calls) and with the secret from SSM, peak RSS, warm turn, calls per
# turn, package size, replies as heard, signed requests beside a forged flood.
bench: package
	$(BIN)/python infra/bench.py

# The vignette set acted out by a simulated patient through the console's conversation
# layer: exact match, emergencies caught, under/over-triage, first vs final level, questions.
triage-report: $(STAMP)
	for nlu in generous strict trained; do echo "== $$nlu hearing"; \
	  PYTHONPATH=tests $(BIN)/python -m vignettes.report --nlu $$nlu $(ARGS) || exit 1; done

# The blind dialogue corpus in both hearings: false alarms, misses, loops (tests/dialogues).
dialogues-report: $(STAMP)
	PYTHONPATH=tests $(BIN)/python -m dialogues.report $(ARGS)

# dist/nlu/: an `ask smapi profile-nlu` script over tests/corpus and `ask dialog --replay`
# files for the vignette conversations, per locale (README, Deploy, step 8).
nlu-export: $(STAMP)
	$(BIN)/python infra/nlu_export.py $(ARGS)

clean:
	rm -rf $(VENV) dist .pytest_cache .ruff_cache .hypothesis
