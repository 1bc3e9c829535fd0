# The portal's image: one image for web (gunicorn), worker and beat (Celery); see docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=palace_portal.settings.production \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DJANGO_MEDIA_ROOT=/app/media

WORKDIR /app

# gettext compiles the translation catalogues below.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, from pyproject.toml (no dev extra), so code changes reuse this layer.
COPY pyproject.toml ./
RUN pip install uv \
    && uv pip install --system --no-cache -r pyproject.toml \
    && pip uninstall -y uv

COPY . .

# Translations and static files are built into the image. Settings need a key to load: this one
# exists only for these build commands; the containers get the real one from .env.
RUN export DJANGO_SECRET_KEY=build-time-only-not-used-at-run-time DJANGO_ALLOWED_HOSTS=localhost \
    && if find . -name '*.po' -not -path './.venv/*' | grep -q .; then \
         python manage.py compilemessages --ignore=.venv; \
       fi \
    && python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --user-group --home-dir /app --no-create-home --shell /usr/sbin/nologin portal \
    && mkdir -p /app/media /app/var \
    && chown portal:portal /app/media /app/var

USER portal
EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
