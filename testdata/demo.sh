#!/usr/bin/env bash
# The main job on a real cache: JDK 25 makes an AOT cache of the test app, a
# JVM runs from it (relocated, as every JVM does by default) and sleeps, and
# the aot-* commands run in a real gdb attached to it, at the addresses that
# JVM mapped the cache; then aotdbg --pid does the same without a debugger.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
AOTDBG_NO_DBG=${AOTDBG_NO_DBG:-1} bash testdata/setup-jdks.sh
bash testdata/gen-corpus.sh jdk25
C=testdata/cache/corpus/jdk25
JAVA=$ROOT/testdata/cache/jdks/bin/java25
AOTDBG=$ROOT/build/aotdbg

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "A JVM runs the app from its AOT cache ($C/app.aot) and sleeps"
tmp=$(mktemp -d)
(cd "$C" && exec setsid "$JAVA" -XX:AOTMode=on -XX:AOTCache=app.aot -Xmx64m -Xlog:aot:file="$tmp/aot.log" \
   -cp app.jar App 120 >"$tmp/out.txt" 2>&1) &
launcher=$!
trap 'kill -9 -- -$launcher 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do grep -q 'App OK' "$tmp/out.txt" 2>/dev/null && break; sleep 0.2; done
pid=""
for p in $launcher $(pgrep -P "$launcher" || true); do grep -q libjvm.so "/proc/$p/maps" 2>/dev/null && pid=$p; done
[ -n "$pid" ] || { echo "the JVM did not start: $(cat "$tmp/out.txt")" >&2; exit 1; }
grep -E 'Mapped static|Heap data mapped' "$tmp/aot.log"

say "gdb attached to it (pid $pid): aot-regions, aot-classes, aot-print-klass, aot-whatis"
string=$("$AOTDBG" --pid "$pid" -c aot-classes | awk '$NF == "java.lang.String" { print $1 }')
gdb -batch -nx -iex 'set debug-file-directory /nonexistent' -iex 'set auto-load off' -iex 'set pagination off' \
    -ex "source $ROOT/gdb-scripts/aotdbg.py" \
    -ex 'aot-regions' \
    -ex 'pipe aot-classes | sed -n 1,6p' \
    -ex "pipe aot-print-klass $string | sed -n 1,16p" \
    -ex "aot-whatis $string + 8" \
    -ex 'aot-print-klass 0x10' \
    -ex 'echo (the session goes on after an error)\n' \
    -ex 'pipe aot-regions --json | sed -n 1,12p' -p "$pid" >"$tmp/gdb.txt" 2>&1 || true
grep -v -E '^\[(New LWP|Thread debugging|Inferior)|^0x[0-9a-f]+ in |libthread_db|^$' "$tmp/gdb.txt"
say "after gdb detached, the JVM still answers jcmd"
"$ROOT/testdata/cache/jdks/bin/jcmd25" "$pid" VM.uptime

say "aotdbg --pid, the same without a debugger (reads /proc/$pid/mem, never stops it)"
"$AOTDBG" --pid "$pid" -c "aot-print-klass $string" | head -12

say "aot-validate of the cache file"
"$AOTDBG" "$C/app.aot" -c aot-validate
