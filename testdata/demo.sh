#!/usr/bin/env bash
# The main job on a real cache: JDK 25 makes an AOT cache of the test app, a
# JVM runs from it (relocated, as every JVM does by default), and aotdbg shows
# that cache at the very address the JVM mapped it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
AOTDBG_NO_DBG=${AOTDBG_NO_DBG:-1} bash testdata/setup-jdks.sh
bash testdata/gen-corpus.sh jdk25
C=testdata/cache/corpus/jdk25
JAVA=$ROOT/testdata/cache/jdks/bin/java25
AOTDBG=$ROOT/build/aotdbg

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "A JVM runs the app from its AOT cache ($C/app.aot)"
log=$(cd "$C" && "$JAVA" -XX:AOTMode=on -XX:AOTCache=app.aot -Xlog:aot -cp app.jar App 2>&1)
grep -E 'Reserved archive_space_rs|Mapped static' <<<"$log"
base=$(sed -n 's/.*Reserved archive_space_rs \[\(0x[0-9a-f]*\).*/\1/p' <<<"$log" | head -1)

say "aot-header"
"$AOTDBG" "$C/app.aot" -c aot-header | sed -n '1,20p'
echo "  …"
say "aot-regions, placed where that JVM mapped them (--base $base)"
"$AOTDBG" --base "$base" "$C/app.aot" -c aot-regions
say "aot-bitmap rw --list: pointers relocated exactly as the JVM relocated them"
"$AOTDBG" --base "$base" "$C/app.aot" -c "aot-bitmap rw --list --limit 8"
say "aot-validate"
"$AOTDBG" "$C/app.aot" -c aot-validate
