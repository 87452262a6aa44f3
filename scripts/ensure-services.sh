#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer; start them if installed but stopped.
# Uses DATABASE_URL / REDIS_URL when set, else 127.0.0.1:5432 and :6379.
set -u
py=${PYTHON:-.venv/bin/python}

probe_pg() {
  "$py" - <<'PY' 2>/dev/null
import os, sys, psycopg
url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
url = url.rsplit("/", 1)[0] + "/postgres"
try:
    psycopg.connect(url, connect_timeout=3).close()
except Exception:
    sys.exit(1)
PY
}

probe_redis() {
  "$py" - <<'PY' 2>/dev/null
import os, sys, redis
try:
    redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), socket_connect_timeout=2).ping()
except Exception:
    sys.exit(1)
PY
}

if ! probe_pg; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "PostgreSQL is not answering; starting it."
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start >/dev/null 2>&1 || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do probe_pg && break; sleep 1; done
  fi
  probe_pg || { echo "PostgreSQL is not reachable at ${DATABASE_URL:-127.0.0.1:5432}: install it (apt-get install postgresql) or set DATABASE_URL." >&2; exit 1; }
fi

# Create the configured database if the server answers but it does not exist yet.
"$py" - <<'PY'
import os, psycopg
from psycopg import sql
url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
base, name = url.rsplit("/", 1)
name = name.split("?")[0]
with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=3) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"Created database {name}.")
PY

if ! probe_redis; then
  if command -v redis-server >/dev/null 2>&1; then
    echo "Redis is not answering; starting it."
    mkdir -p /tmp/portal-redis
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir /tmp/portal-redis --logfile /tmp/portal-redis/redis.log >/dev/null 2>&1 || true
    for _ in 1 2 3 4 5; do probe_redis && break; sleep 1; done
  fi
  probe_redis || { echo "Redis is not reachable at ${REDIS_URL:-127.0.0.1:6379}: install it (apt-get install redis-server) or set REDIS_URL." >&2; exit 1; }
fi
echo "PostgreSQL and Redis are answering."
