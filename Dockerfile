FROM python:3.12-slim-bookworm

# WeasyPrint needs Pango; fonts give PDFs their Polish characters.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORTAL_ENV=production
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .
COPY . .
RUN pip install --no-cache-dir --no-deps -e . \
    && python manage.py compilemessages -v0 \
    && SECRET_KEY=build-only-$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=') \
       FIELD_ENCRYPTION_KEY=build-only DATABASE_URL=postgres://build@localhost/build \
       REDIS_URL=redis://localhost:6379/0 EMAIL_URL=smtp://localhost PAYMENT_PROVIDER=stripe \
       STRIPE_WEBHOOK_SECRET=build-only \
       SMS_GATEWAY=http ALLOWED_HOSTS=build python manage.py collectstatic --noinput -v0
RUN useradd --system --uid 1000 portal && mkdir -p /app/var && chown portal /app/var
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
