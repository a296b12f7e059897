#!/usr/bin/env bash
# Cache gdb's view of archived InstanceKlasses in live JVMs, the oracle of
# tests/test_klass_gdb.py: $AOTDBG_CACHE/gdbklass/<build-id>/static.json
# (see gdb_klass.py for what one run does and the JSON's shape).
#
#   gen-gdbklass.sh [JDK names...]   (default: every JDK in jdks.tsv with a debug root)
#
# One JVM + one gdb per JDK, all classes in one gdb batch; at most two at once
# (each gdb takes a core and ~6.5 GB while it reads libjvm's debug info).
# Prints one line per JDK. Idempotent: a complete cache for an unchanged
# archive is reused without starting anything.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${AOTDBG_CACHE:-$HERE/cache}
TSV=$CACHE/jdks/jdks.tsv

[ -s "$TSV" ] || { echo "[gen-gdbklass] ERROR: $TSV missing: run setup-jdks.sh first" >&2; exit 1; }
command -v gdb >/dev/null || { echo "[gen-gdbklass] ERROR: gdb not installed" >&2; exit 1; }

if [ $# -gt 0 ]; then
  JDKS=("$@")
else
  mapfile -t JDKS < <(awk -F'\t' '$4 != "-" { print $1 }' "$TSV")
fi

# xargs exits 123 if any JDK failed; each failure printed its own reason.
printf '%s\n' "${JDKS[@]}" | xargs -P 2 -I{} python3 "$HERE/gdb_klass.py" {}
