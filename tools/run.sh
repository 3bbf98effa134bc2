#!/usr/bin/env bash
# Start web, Celery worker and Celery beat together; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
mkdir -p var/celery/queue var/celery/processed var/celery/results var/log

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "Stopping web, worker and beat…"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

"$BIN/celery" -A config worker -Q default,sync --concurrency 2 --loglevel INFO \
  >var/log/worker.log 2>&1 &
pids+=($!)
"$BIN/celery" -A config beat --loglevel INFO --pidfile= >var/log/beat.log 2>&1 &
pids+=($!)
"$BIN/python" manage.py runserver "$HOST:$PORT" --noreload &
pids+=($!)

cat <<MSG

  CampaignOps is running at  http://$HOST:$PORT
  Log in as admin, manager, marketer, reviewer or analyst
  with the password: ${DEMO_PASSWORD:-campaignops}
  Worker and beat logs: var/log/worker.log, var/log/beat.log
  Press Ctrl-C to stop.

MSG
wait -n "${pids[@]}"
