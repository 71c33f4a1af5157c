# Two commands do all the set-up: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
FLASK := $(BIN)/flask --app wsgi
PYTEST_ARGS ?=
# Links in messages point where `make run` serves, unless TRACKER_BASE_URL says otherwise.
RUN_ENV = TRACKER_BASE_URL=$${TRACKER_BASE_URL:-http://$(HOST):$(PORT)}

# PostgreSQL for the tests: the URL given, else the local server when one answers.
PG_DEFAULT := postgresql+psycopg://postgres@127.0.0.1:5432/tracker_test
TEST_PG_URL := $(or $(TRACKER_TEST_DATABASE_URL),$(shell pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && echo $(PG_DEFAULT)))
# Redis for the shared rate-limit test: the URL given, else the local server when one answers.
REDIS_DEFAULT := redis://127.0.0.1:6379/15
TEST_REDIS_URL := $(or $(TRACKER_TEST_REDIS_URL),$(shell redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG && echo $(REDIS_DEFAULT)))

.PHONY: run test lint translations install install-dev bench screenshots plotly-bundle clean

$(VENV)/.python-ok:
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PY=python3.11)")'
	$(PY) -m venv $(VENV)
	@touch $@

$(VENV)/.installed-app: requirements.txt $(VENV)/.python-ok
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.python-ok
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@ $(VENV)/.installed-app

install: $(VENV)/.installed-app
install-dev: $(VENV)/.installed-dev

translations: $(VENV)/.installed-app
	@$(BIN)/pybabel -q compile -d tracker/translations

run: install translations
	@mkdir -p instance
	$(FLASK) db upgrade
	$(RUN_ENV) $(FLASK) demo seed --if-empty
	@echo ""
	@echo "  Service-level tracker on http://$(HOST):$(PORT)/   (API docs: http://$(HOST):$(PORT)/api/v1/docs)"
	@echo "  Sign in with password demo-password as:"
	@echo "    admin       admin@demo.example"
	@echo "    leadership  ceo@demo.example"
	@echo "    lead        lead.it@demo.example        (Information Technology)"
	@echo "    employee    employee.sales@demo.example (Sales)"
	@echo ""
	@echo "  Messages are kept in the tracker (each person's Messages page) unless TRACKER_MAIL_URL names a mail server."
	@echo ""
	@# The job worker runs beside the web server; stopping one (Ctrl-C) stops both.
	@$(RUN_ENV) $(FLASK) worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) $(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - wsgi:app

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: install-dev translations lint
	TRACKER_TEST_DATABASE_URL=$(TEST_PG_URL) TRACKER_TEST_REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install-dev translations
	$(BIN)/python bench/dashboards.py

# The journeys in chromium, keeping their screenshots for the README.
screenshots: install-dev translations
	TRACKER_SCREENSHOTS_DIR=docs/screenshots $(BIN)/python -m pytest tests/browser/test_journeys.py -q

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# The dashboards' plotly.js (tracker/static/vendor/plotly/), from dashboards/plotly_bundle/.
plotly-bundle:
	cd dashboards/plotly_bundle && npm ci --no-audit --no-fund && node build.js
