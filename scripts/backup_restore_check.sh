#!/usr/bin/env bash
# Backup and restore round trip on PostgreSQL (docs/operations.md, "Backup and restore"):
# seed a database with the demo, pg_dump it in custom format, pg_restore it into a new database,
# and compare an md5 checksum of every table's rows. Exits non-zero on any difference.
#
# Usage: scripts/backup_restore_check.sh   (PGHOST/PGPORT/PGUSER default to 127.0.0.1:5432/postgres)
set -euo pipefail
cd "$(dirname "$0")/.."
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
source_db="iscg_backup_src_$$"
restored_db="iscg_backup_restored_$$"
work=$(mktemp -d)
cleanup() {
  dropdb --if-exists "$source_db" >/dev/null 2>&1 || true
  dropdb --if-exists "$restored_db" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

createdb "$source_db"
export DATABASE_URL="postgres://${PGUSER}@${PGHOST}:${PGPORT}/${source_db}"
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py seed_demo >/dev/null

pg_dump --format=custom --no-owner --file="$work/iscg.dump" "$source_db"
createdb "$restored_db"
pg_restore --no-owner --exit-on-error --dbname="$restored_db" "$work/iscg.dump"
# A dump carries no planner statistics: gather them before the restored database serves (docs/operations.md).
vacuumdb --analyze-only --quiet --dbname="$restored_db"

# One line per table: name, row count, md5 of the rows in a stable order.
checksums() {
  local tables
  tables=$(psql -d "$1" -tAc "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
  for table in $tables; do
    psql -d "$1" -tAc "SELECT '$table', count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"$table\" t"
  done
}
checksums "$source_db" >"$work/source.txt"
checksums "$restored_db" >"$work/restored.txt"

tables=$(wc -l <"$work/source.txt")
rows=$(awk -F'|' '{ total += $2 } END { print total }' "$work/source.txt")
if ! diff -u "$work/source.txt" "$work/restored.txt"; then
  echo "Backup/restore check FAILED: the restored database differs (above)." >&2
  exit 1
fi
if [ "$rows" -lt 1000 ]; then
  echo "Backup/restore check FAILED: only $rows rows seeded, the demo did not load." >&2
  exit 1
fi
echo "Backup/restore check passed: $tables tables, $rows rows, identical checksums after pg_restore."
