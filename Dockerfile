FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    VAR_DIR=/app/var

WORKDIR /app
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 campaignops

COPY pyproject.toml README.md ./
RUN pip install .
COPY . .
# Static files and message catalogues are built into the image; collectstatic
# needs only a throwaway key since DEBUG=false refuses the development one.
RUN python tools/compilemessages.py \
    && DEBUG=false SECRET_KEY=build-only-not-used-at-runtime-0123456789-abcdefghijklmnopqrstuvwxyz \
       CREDENTIALS_KEYS=build-only PSEUDONYM_KEY=build-only ALLOWED_HOSTS=localhost \
       DATABASE_URL=sqlite:////tmp/build-only.sqlite3 \
       python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media && chown -R campaignops /app/var

USER campaignops
EXPOSE 8000
# Threads: a page mostly waits on PostgreSQL and Redis, and a sync worker idles
# through those waits. Keep-alive outlasts a reader's pause between clicks, so
# a request never meets a connection the server is just closing (tools/load.py).
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--worker-class", "gthread", "--threads", "4", "--keep-alive", "5", "--access-logfile", "-"]
