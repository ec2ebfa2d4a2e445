#!/usr/bin/env bash
# Backs up a waflow installation into a folder: the database (flows, conversations, results and
# the WhatsApp sessions, encrypted), the generated secret key if there is one (without the key the
# sessions and webhook secrets cannot be decrypted), and the received media.
#   DATABASE_URL=postgres://… WAFLOW_DATA_DIR=./data scripts/backup.sh /backups/waflow-2026-11-25
# Without DATABASE_URL (the embedded database of `npm start`) it archives the whole data folder:
# stop waflow first, the embedded database cannot be copied while it runs.
# Keep the folder somewhere safe: it holds the key. With WAFLOW_SECRET_KEY set, keep that too.
set -euo pipefail
out="${1:?usage: scripts/backup.sh <backup folder>}"
data="${WAFLOW_DATA_DIR:-./data}"
umask 077
mkdir -p "$out"
if [ -z "${DATABASE_URL:-}" ]; then
  [ -d "$data/pglite" ] || { echo "no DATABASE_URL and no embedded database in $data/pglite: set DATABASE_URL or WAFLOW_DATA_DIR" >&2; exit 1; }
  tar -C "$data" -czf "$out/data.tar.gz" .
  echo "backed up the embedded data folder $data to $out/data.tar.gz"
  exit 0
fi
pg_bin() { command -v "$1" 2>/dev/null || ls /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -n1; }
PG_DUMP="$(pg_bin pg_dump)"
[ -n "$PG_DUMP" ] || { echo "pg_dump not found: install Debian's postgresql-client" >&2; exit 1; }
"$PG_DUMP" --format=custom --no-owner --no-privileges --file="$out/waflow.dump" "$DATABASE_URL"
if [ -f "$data/secret.key" ]; then cp "$data/secret.key" "$out/secret.key"; fi
if [ -d "$data/media" ]; then tar -C "$data" -czf "$out/media.tar.gz" media; fi
echo "backed up to $out: $(ls "$out" | tr '\n' ' ')"
