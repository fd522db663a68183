FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm libpango-1.0-0 libpangoft2-1.0-0 \
      fonts-dejavu-core && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 cmm \
    && install -d -o cmm -g cmm /srv/static /srv/certs
WORKDIR /app
COPY requirements.lock package.json package-lock.json ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock && npm ci --no-audit --no-fund
COPY . .
RUN DJANGO_SECRET_KEY=build DATABASE_URL=postgres://build@localhost/build DJANGO_ALLOWED_HOSTS=build \
      python manage.py compile_translations \
    && DJANGO_SECRET_KEY=build DATABASE_URL=postgres://build@localhost/build DJANGO_ALLOWED_HOSTS=build \
      FIELD_ENCRYPTION_KEYS=$(python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())") \
      BLIND_INDEX_KEY=build-only-throwaway-not-used-at-run-time \
      DJANGO_SETTINGS_MODULE=cmm.settings.production python manage.py collectstatic --no-input
USER cmm
ENV DJANGO_SETTINGS_MODULE=cmm.settings.production
EXPOSE 8000
# Refuses to start gunicorn or Celery with keys that do not belong to the data (bin/entrypoint).
ENTRYPOINT ["/app/bin/entrypoint"]
# The web service's command in docker-compose.yml (which says why these values).
CMD ["gunicorn", "cmm.wsgi", "--bind", "0.0.0.0:8000", "--worker-class", "sync", "--workers", "5", "--timeout", "30", \
     "--graceful-timeout", "25", "--access-logfile", "-", \
     "--access-logformat", "%(t)s \"%(m)s %(U)s %(H)s\" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s"]
