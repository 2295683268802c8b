# The two commands a fresh machine needs (Python 3.11 and make):
#   make run   install, migrate, load reference and demo data, serve http://127.0.0.1:8000/
#   make test  install and run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=
# `make run PORT=8001` serves on another port.
PORT ?= 8000
# The API fuzzing (about 5 minutes) runs beside the rest; `make test FUZZ=0 PYTEST_ARGS=tests/web` leaves it out.
FUZZ ?= 1

.PHONY: run test install install-dev lint migrate bench clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# axe-core for the browser tests (needs npm; without it those tests are skipped and say why).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --silent --no-audit --no-fund && touch $@; \
	else echo "npm not found: the browser tests will be skipped"; fi

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py load_reference_data
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The API fuzzing (a few minutes) and the access matrix (about a minute and a half) run in a second
# pytest process, with its own test database, beside the rest, so the two use both cores about
# equally; its report follows the main one.
test: install-dev node_modules/.installed
	@mkdir -p test-artifacts
	@fuzz=; if [ "$(FUZZ)" = 1 ]; then \
	  TEST_DATABASE_SUFFIX=fuzz $(PY) -m pytest -m "fuzz or second_process" -p no:cacheprovider \
	    --junitxml=test-artifacts/junit-fuzz.xml >test-artifacts/fuzz.log 2>&1 & fuzz=$$!; \
	  trap 'kill $$fuzz 2>/dev/null' EXIT INT TERM; \
	fi; \
	$(PY) -m pytest -m "not fuzz$(if $(filter 1,$(FUZZ)), and not second_process)" $(PYTEST_ARGS); main=$$?; \
	fuzzed=0; if [ -n "$$fuzz" ]; then \
	  wait $$fuzz; fuzzed=$$?; trap - EXIT INT TERM; \
	  echo; echo "== API fuzzing and access matrix (test-artifacts/fuzz.log)"; tail -n 25 test-artifacts/fuzz.log; \
	fi; \
	exit $$(( main || fuzzed ))

# Static checks: style, then security (bandit: no medium or high finding; Django's deployment
# checks against the production settings, with a throwaway key).
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/bandit -q -c pyproject.toml -r apprenticeships matching lcr_skills bench scripts --severity-level medium
	DEBUG=0 ALLOWED_HOSTS=lcr-skills.example CACHE_URL=redis://127.0.0.1:6379/1 SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(60))')" \
	  $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache node_modules test-artifacts
