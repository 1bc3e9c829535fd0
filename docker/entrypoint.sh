#!/bin/sh
# Entry point of the portal's image (see docker-compose.yml and docs/deploy.md).
#   web          migrate (unless DJANGO_MIGRATE_ON_START=0), then gunicorn on $PORT (8000)
#   worker       a Celery worker (of the queues in CELERY_QUEUES, all of them by default)
#   beat         the Celery scheduler: run exactly one
#   healthcheck  exit 0 if the web process serves the home page
#   anything else is run as a command: `docker compose run --rm web python manage.py createsuperuser`
set -eu

PORT="${PORT:-8000}"

case "${1:-web}" in
  web)
    if [ "${DJANGO_MIGRATE_ON_START:-1}" = "1" ]; then
      python manage.py migrate --noinput
    fi
    # The reverse proxy in front terminates TLS and sets X-Forwarded-Proto; only it can reach us.
    exec gunicorn palace_portal.wsgi \
      --bind "0.0.0.0:${PORT}" \
      --workers "${WEB_CONCURRENCY:-3}" \
      --forwarded-allow-ips "*" \
      --timeout 30 \
      --access-logfile -
    ;;
  worker)
    # CELERY_QUEUES: which queues this worker consumes (docker-compose.yml runs one worker per
    # queue; unset, one worker consumes them all, as the settings' PORTAL_CELERY_QUEUES name them).
    exec celery -A palace_portal worker --loglevel=INFO --concurrency "${CELERY_WORKER_CONCURRENCY:-2}" \
      --queues "${CELERY_QUEUES:-celery,notifications,aggregation}"
    ;;
  beat)
    exec celery -A palace_portal beat --loglevel=INFO --schedule /app/var/celerybeat-schedule
    ;;
  healthcheck)
    # Ask as the proxy would (an allowed host name, HTTPS), so neither the host check nor the
    # HTTPS redirect gets in the way; the home page also proves the database answers.
    exec python - <<'PY'
import os
import sys
import urllib.request

hosts = [h.strip().lstrip(".") for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",")]
host = next((h for h in hosts if h and h != "*"), "localhost")
port = os.environ.get("PORT", "8000")
request = urllib.request.Request(
    f"http://127.0.0.1:{port}/", headers={"Host": host, "X-Forwarded-Proto": "https"}
)
with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - a fixed local URL
    sys.exit(0 if response.status == 200 else 1)
PY
    ;;
  *)
    exec "$@"
    ;;
esac
