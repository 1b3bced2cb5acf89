# Shortcuts for contributors; the README's two commands need only Python.
PY := .venv/bin/python

.PHONY: run install test lint format migrate demo worker beat

run:            ## set up everything and start web + worker + beat (embedded defaults)
	python3 bin/quickstart.py

install:
	python3 -m venv .venv && $(PY) -m pip install -e '.[dev]'

test:           ## the whole test suite
	$(PY) -m pytest

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

migrate:
	DEBUG=true $(PY) manage.py migrate

demo:
	DEBUG=true $(PY) manage.py load_counties && DEBUG=true $(PY) manage.py load_demo

worker:
	DEBUG=true .venv/bin/celery -A config worker --loglevel=INFO

beat:
	DEBUG=true .venv/bin/celery -A config beat --loglevel=INFO --schedule var/celerybeat-schedule
