# Two commands for a newcomer: `make run` and `make test`. See README.md.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

# Tests and `make test` always run on PostgreSQL and Redis.
TEST_DATABASE_URL ?= $(if $(DATABASE_URL),$(DATABASE_URL),postgres://postgres@127.0.0.1:5432/portal)
TEST_REDIS_URL ?= $(if $(REDIS_URL),$(REDIS_URL),redis://127.0.0.1:6379/15)
PROD_CHECK_ENV := PORTAL_ENV=production DEBUG=0 \
	SECRET_KEY=check-deploy-$$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=') \
	FIELD_ENCRYPTION_KEY=check-deploy-field-key ALLOWED_HOSTS=portal.example.com \
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	EMAIL_URL=smtp://127.0.0.1:25 PAYMENT_PROVIDER=stripe STRIPE_WEBHOOK_SECRET=whsec_check SMS_GATEWAY=http \
	SMS_GATEWAY_URL=https://sms.example.com/send \
	INVOICE_SELLER_NAME="Portal S.A." INVOICE_SELLER_NIP=5250001233 \
	INVOICE_SELLER_ADDRESS="ul. Przykładowa 1, 00-950 Warszawa" \
	INVOICE_SELLER_IBAN=PL61109010140000071219812874 \
	SUBSCRIBER_OPERATOR_NAME="Idea S.A." SUBSCRIBER_OPERATOR_ADDRESS="ul. Przykładowa 1, 00-950 Warszawa"

.PHONY: run test worker beat lint format messages bench clean

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || "$$(scripts/find-python.sh)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

locale/en/LC_MESSAGES/django.mo: locale/en/LC_MESSAGES/django.po $(VENV)/.installed
	@if command -v msgfmt >/dev/null; then $(MANAGE) compilemessages -v0; \
	else echo "msgfmt (gettext) is missing: the English locale stays untranslated."; fi

run: $(VENV)/.installed locale/en/LC_MESSAGES/django.mo
	$(MANAGE) migrate --noinput
	$(MANAGE) demo_data
	$(MANAGE) runserver 127.0.0.1:8000

worker: $(VENV)/.installed
	$(VENV)/bin/celery -A portal worker --loglevel=INFO

beat: $(VENV)/.installed
	$(VENV)/bin/celery -A portal beat --loglevel=INFO

test: $(VENV)/.installed-dev locale/en/LC_MESSAGES/django.mo
	PYTHON=$(PY) DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) scripts/ensure-services.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(VENV)/bin/mypy
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(MANAGE) makemigrations --check --dry-run
	$(PROD_CHECK_ENV) $(MANAGE) check --deploy --fail-level WARNING
	$(MAKE) --no-print-directory compose-check
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(VENV)/bin/pytest

compose-check:
	@if command -v docker-compose >/dev/null; then \
		SECRET_KEY=x FIELD_ENCRYPTION_KEY=x POSTGRES_PASSWORD=x docker-compose -f docker-compose.yml config --quiet && echo "docker-compose.yml is valid."; \
	else \
		echo "docker-compose is missing (apt-get install docker-compose): cannot validate docker-compose.yml." >&2; exit 1; \
	fi

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: $(VENV)/.installed
	$(MANAGE) makemessages -l en --ignore=.venv --ignore=var
	$(MANAGE) compilemessages -v0

bench: $(VENV)/.installed-dev
	$(PY) bench/run.py

clean:
	rm -rf var $(VENV)
