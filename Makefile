# Two commands to know: `make run` (demo on http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1:8000
# pytest-xdist processes for `make test`; PYTEST_WORKERS=0 runs the suite in one process (easier debugging).
PYTEST_WORKERS ?= 2

.PHONY: run test test-fast quality install install-dev system-run system-test migrate seed messages compilemessages bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

.make-install: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

.make-install-dev: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ .make-install

install: .make-install
install-dev: .make-install-dev

## System packages (Debian): installed when missing if run as root, else the command to run is printed.
system-run:
	@scripts/system_packages.sh run
system-test:
	@scripts/system_packages.sh test

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

## Serve the demo: virtualenv, requirements, SQLite database, demo data, development server, and
## beside it the worker (e-mails, periodic tasks, long documents; queue in huey.sqlite3). Ctrl-C stops both.
## DEBUG stays off (set DEBUG=true to see tracebacks): the demo shows production's French 404/403 pages,
## whitenoise serves the static files. The demo switches the second factor off (a banner says so on every page); production refuses to.
run: system-run seed
	@export DEBUG=$${DEBUG:-false} REQUIRE_2FA=$${REQUIRE_2FA:-false}; \
	$(PY) manage.py run_huey & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST)

## The whole test suite, browser tests included (Chromium is installed first when missing).
test: system-test install-dev
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

## The suite without the slow and the browser tests (a quick check while working).
test-fast: system-test install-dev
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m "not slow and not browser" $(PYTEST_ARGS)

## Linters, formatting, migrations, translations and deployment checks.
quality: system-test install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) scripts/check_translations.py
	$(BIN)/bandit -ll -q -r . -x './.venv*,./staticfiles,./test-artifacts,./media'
	ISCG_ENV=production SECRET_KEY=$$($(PY) -c "import secrets; print(secrets.token_urlsafe(64))") \
		FIELD_ENCRYPTION_KEYS=$$($(PY) -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())") \
		SEARCH_HASH_KEY=$$($(PY) -c "import secrets; print(secrets.token_urlsafe(48))") \
		ALLOWED_HOSTS=iscg.example DATABASE_URL=sqlite:///:memory: \
		$(PY) manage.py check --deploy --fail-level WARNING

## Regenerate the French catalogue after changing texts, then translate the new entries.
messages: system-test install-dev
	$(PY) manage.py makemessages -l fr --no-location --no-obsolete --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages -l fr --ignore=.venv

## Benchmarks on the generated volume (PostgreSQL: DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/iscg_volume;
## first `manage.py generate_volume`). Each prints its figures; none fails on a timing. docs/benchmarks.md.
BENCH_RUNS ?= 5
BENCH_LOAD_USERS ?= 50
BENCH_LOAD_SECONDS ?= 300
bench: install-dev
	$(PY) manage.py bench_bilans --runs $(BENCH_RUNS)
	$(PY) manage.py bench_pages --runs 20
	$(PY) manage.py bench_pdf --runs 3
	$(PY) bench/load.py --users $(BENCH_LOAD_USERS) --duration $(BENCH_LOAD_SECONDS)

clean:
	rm -rf $(VENV) .make-install .make-install-dev staticfiles .pytest_cache .ruff_cache
