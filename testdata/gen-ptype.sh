#!/usr/bin/env bash
# Cache gdb's `ptype/o` of the types the layout tests and the benchmark compare
# against, in $AOTDBG_CACHE/ptype/<build-id>/ (see gdb_ptype.py).
#
#   gen-ptype.sh [JDK names...]   (default: every JDK in jdks.tsv with a debug root)
#
# One gdb per JDK answers all the types, as loading the debug info is most of
# its time. At most two run at once: each takes a core and several GB of
# memory. Prints one line per JDK with the time gdb took. Idempotent: cached
# types are not asked again.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${AOTDBG_CACHE:-$HERE/cache}
TSV=$CACHE/jdks/jdks.tsv
TYPES=(InstanceKlass Klass FileMapHeader)

[ -s "$TSV" ] || { echo "[gen-ptype] ERROR: $TSV missing: run setup-jdks.sh first" >&2; exit 1; }
command -v gdb >/dev/null || { echo "[gen-ptype] ERROR: gdb not installed" >&2; exit 1; }

if [ $# -gt 0 ]; then
  JDKS=("$@")
else
  mapfile -t JDKS < <(awk -F'\t' '$4 != "-" { print $1 }' "$TSV")
fi

printf '%s\n' "${JDKS[@]}" |
  xargs -P 2 -I{} python3 "$HERE/gdb_ptype.py" --summary {} "${TYPES[@]}"
