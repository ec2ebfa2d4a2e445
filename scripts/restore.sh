#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh: the database (replacing what is there), the secret
# key and the media into a data folder. Start waflow afterwards with the same DATABASE_URL and
# WAFLOW_DATA_DIR (or the same WAFLOW_SECRET_KEY if you set it): numbers come back without a new
# QR, their sessions are in the database.
#   DATABASE_URL=postgres://… WAFLOW_DATA_DIR=./data scripts/restore.sh /backups/waflow-2026-11-25
# A backup of the embedded database (data.tar.gz) is unpacked into an empty WAFLOW_DATA_DIR.
set -euo pipefail
from="${1:?usage: scripts/restore.sh <backup folder>}"
data="${WAFLOW_DATA_DIR:-./data}"
if [ -f "$from/data.tar.gz" ]; then
  if [ -d "$data" ] && [ -n "$(ls -A "$data")" ]; then
    echo "$data is not empty: restore the embedded backup into an empty WAFLOW_DATA_DIR (move the old one away first)" >&2
    exit 1
  fi
  mkdir -p "$data"
  tar -C "$data" -xzf "$from/data.tar.gz"
  echo "restored the embedded data folder into $data"
  exit 0
fi
[ -f "$from/waflow.dump" ] || { echo "$from/waflow.dump not found: is this a folder made by scripts/backup.sh?" >&2; exit 1; }
: "${DATABASE_URL:?set DATABASE_URL to the database to restore into (postgres://…)}"
pg_bin() { command -v "$1" 2>/dev/null || ls /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -n1; }
PG_RESTORE="$(pg_bin pg_restore)"
[ -n "$PG_RESTORE" ] || { echo "pg_restore not found: install Debian's postgresql-client" >&2; exit 1; }
mkdir -p "$data"
if [ -f "$from/secret.key" ] && [ -f "$data/secret.key" ] && ! cmp -s "$from/secret.key" "$data/secret.key"; then
  echo "$data/secret.key exists and differs from the backup's: move it away first (it would not decrypt the restored sessions)" >&2
  exit 1
fi
"$PG_RESTORE" --clean --if-exists --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$DATABASE_URL" "$from/waflow.dump"
if [ -f "$from/secret.key" ]; then install -m 600 "$from/secret.key" "$data/secret.key"; fi
if [ -f "$from/media.tar.gz" ]; then tar -C "$data" -xzf "$from/media.tar.gz"; fi
echo "restored $from into the database and $data"
