#!/usr/bin/env bash
# Start web, Celery worker and Celery beat together; Ctrl-C stops all three.
#
# The embedded default serves with DEBUG off: hashed static files through
# whitenoise, translated error pages, gunicorn on 127.0.0.1 (plain http), and
# the secrets generated once into var/secrets. DEBUG=true is the developer
# mode: Django's runserver with autoreload and debug pages.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
DEBUG=${DEBUG:-false}
mkdir -p var/celery/queue var/celery/processed var/celery/results var/log

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "Stopping web, worker and beat…"
  for pid in "${pids[@]}"; do
    pkill -TERM -P "$pid" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

# The worker is restarted if it exits: the filesystem broker of the embedded
# mode can hand a worker a message file still being written, which ends it.
(
  while true; do
    "$BIN/celery" -A config worker -Q default,sync --concurrency 2 --loglevel INFO \
      >>var/log/worker.log 2>&1 && break
    echo "$(date '+%F %T') worker exited; restarting" >>var/log/worker.log
    sleep 2
  done
) &
pids+=($!)
"$BIN/celery" -A config beat --loglevel INFO --pidfile= >var/log/beat.log 2>&1 &
pids+=($!)
case "${DEBUG,,}" in
  true|1|yes|on)
    "$BIN/python" manage.py runserver "$HOST:$PORT" &
    ;;
  *)
    "$BIN/python" manage.py collectstatic --noinput >/dev/null
    # Threads overlap a page's waits on the database; keep-alive outlasts a
    # reader's pause between clicks (see tools/load.py).
    "$BIN/gunicorn" config.wsgi:application --bind "$HOST:$PORT" --workers 2 \
      --worker-class gthread --threads 4 --keep-alive 5 \
      --access-logfile var/log/access.log --error-logfile - &
    ;;
esac
pids+=($!)

cat <<MSG

  CampaignOps is running at  http://$HOST:$PORT
  Log in as admin, manager, marketer, reviewer or analyst
  with the password: ${DEMO_PASSWORD:-campaignops}
  Worker and beat logs: var/log/worker.log, var/log/beat.log
  Press Ctrl-C to stop.

MSG
wait -n "${pids[@]}"
