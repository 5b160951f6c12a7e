# Image for docker-compose.yml: the web process and the Celery worker.
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends gdal-bin binutils gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
# A city that keeps photos on S3-compatible storage builds with --build-arg EXTRAS=s3 (boto3, docs/deployment.md).
ARG EXTRAS=""
RUN pip install --no-cache-dir ".${EXTRAS:+[$EXTRAS]}" && python manage.py compilemessages -v 0
# Static files with hashed names and compressed copies, served by WhiteNoise from the web process. The secret is
# needed to load the production settings only; nothing is signed at build time.
RUN DJANGO_SETTINGS_MODULE=geo_meldpunt.settings.production MELDPUNT_SECRET_KEY=build-only-not-secret \
    python manage.py collectstatic --noinput -v 0
