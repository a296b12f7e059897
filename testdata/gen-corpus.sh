#!/usr/bin/env bash
# Generate the CDS / AOT-cache test corpus: testdata/cache/corpus/<jdk>/.
#
#   gen-corpus.sh [JDK names...]     (default: every JDK listed in jdks.tsv)
#
# Per JDK (names from testdata/cache/jdks/jdks.tsv, made by setup-jdks.sh):
#   default.jsa   the JDK's default CDS archive, dumped as the JDK build does
#   static.jsa    static archive from the app's class list (+ app.classlist)
#   dynamic.jsa   dynamic archive on top of default.jsa
#   app.aot       AOT cache (JDK 25+; + app.aotconf)
#   javac.aot     AOT cache trained on javac (JDKs in $CORPUS_JAVAC_JDKS; + javac.aotconf):
#                 the largest cache, for make bench and the map/stats tests
# and for each archive X: X.map (map log: header fields, regions, @@ lines,
# hex), X.dump.log (the dump's own output incl. the metadata statistics) and
# X.run.log (a run of the app that must map the archive).
#
# All JVMs run inside the JDK's corpus directory with relative file names, so
# the paths the archives record (class path, dynamic archive's base archive,
# map log titles) are "app.jar", "default.jsa", ... and not machine specific.
#
# Idempotent: an archive whose files are all newer than app.jar, this script
# (and, for dynamic.jsa, default.jsa) is skipped. Each archive is produced in a
# staging directory and only moved into place once complete.
#
# CORPUS_KINDS="default static dynamic aot javac" limits the archive kinds made
# (all by default): CORPUS_KINDS=javac adds the javac caches without touching
# the other archives, even though editing this script made them look stale.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SELF=$HERE/$(basename "${BASH_SOURCE[0]}")
CACHE=${AOTDBG_CACHE:-$HERE/cache}
TSV=$CACHE/jdks/jdks.tsv
CORPUS=$CACHE/corpus
APPSRC=$HERE/app
APPJAR=$CACHE/app/app.jar

# Options in the environment would silently change every dump and run.
unset JAVA_TOOL_OPTIONS _JAVA_OPTIONS JDK_JAVA_OPTIONS CLASSPATH
KINDS=${CORPUS_KINDS:-default static dynamic aot javac}
JAVAC_JDKS=${CORPUS_JAVAC_JDKS:-jdk25 jdk26}
# The javac training compiles the app's sources copied into this many packages:
# deterministic, needs no src.zip (the Debian JDKs' src.zip links dangle), and
# long enough for javac's hot methods to be profiled and compiled.
JAVAC_COPIES=40

log() { printf '[gen-corpus] %s\n' "$*" >&2; }
die() { printf '[gen-corpus] ERROR: %s\n' "$*" >&2; exit 1; }

if [ ! -s "$TSV" ]; then
  log "$TSV missing: running setup-jdks.sh first"
  "$HERE/setup-jdks.sh"
fi

declare -A HOME_OF WRAPPER_OF VERSION_OF
ALL_JDKS=()
while IFS=$'\t' read -r name home wrapper _dbg version; do
  [ -n "$name" ] || continue
  HOME_OF[$name]=$home WRAPPER_OF[$name]=$wrapper VERSION_OF[$name]=$version
  ALL_JDKS+=("$name")
done <"$TSV"

if [ $# -gt 0 ]; then
  SELECTED=("$@")
  for j in "${SELECTED[@]}"; do
    [ -n "${WRAPPER_OF[$j]:-}" ] || die "unknown JDK '$j' (have: ${ALL_JDKS[*]})"
  done
else
  SELECTED=("${ALL_JDKS[@]}")
fi

# --------------------------------------------------------------------------
# The app jar. Compiled with JDK 17 for --release 17 so every JDK runs the same
# class files. It must be a JAR: CDS/AOT skip classes loaded from directories.
# --------------------------------------------------------------------------
build_app() {
  local jdk17=${HOME_OF[jdk17]:-} src stale=0
  [ -n "$jdk17" ] || die "jdk17 missing from $TSV (needed to compile the app)"
  [ -e "$APPJAR" ] || stale=1
  for src in "$APPSRC"/*.java; do
    [ "$src" -nt "$APPJAR" ] && stale=1
  done
  [ $stale = 1 ] || return 0
  log "building $APPJAR"
  local tmp
  tmp=$(mktemp -d "$CACHE/app-build.XXXXXX")
  mkdir -p "$(dirname "$APPJAR")"
  "$jdk17/bin/javac" --release 17 -encoding UTF-8 -d "$tmp/classes" "$APPSRC"/*.java \
    || { rm -rf "$tmp"; die "javac failed"; }
  "$jdk17/bin/jar" --create --file "$tmp/app.jar" --main-class App -C "$tmp/classes" . \
    || { rm -rf "$tmp"; die "jar failed"; }
  mv "$tmp/app.jar" "$APPJAR"
  rm -rf "$tmp"
}
build_app

# --------------------------------------------------------------------------
# Per-version JVM options.
#   JDK 17/21: everything is tagged cds.
#   JDK 25+  : the map log moved to aot+map (cds+map is accepted but logs
#              nothing); the dump/run messages are split between aot and cds.
# A tag combination the JVM does not know is a startup error, hence the split.
# --------------------------------------------------------------------------
major_of() { local v=${VERSION_OF[$1]}; echo "${v%%[.+-]*}"; }

map_opt() { # VERSION MAPFILE
  local t=cds; [ "$1" -ge 25 ] && t=aot
  echo "-Xlog:$t+map=trace,$t+map+oops=trace:file=$2:none:filesize=0"
}
dump_log_opt() { if [ "$1" -ge 25 ]; then echo "-Xlog:aot=debug,cds=debug"; else echo "-Xlog:cds=debug"; fi; }
run_log_opt() { if [ "$1" -ge 25 ]; then echo "-Xlog:aot=info,cds=info,aot+reloc=debug"; else echo "-Xlog:cds=info,cds+reloc=debug"; fi; }

# Failed steps, one per line. A file, not an array: steps run in subshells.
FAILFILE=$(mktemp)
trap 'rm -f "$FAILFILE"' EXIT

# run_jvm LOG CMD...: run in the current directory, all output to LOG.
run_jvm() {
  local out=$1; shift
  printf '# %s\n' "$*" >"$out"
  "$@" >>"$out" 2>&1
}

# fail JDK STEP LOG: remember the failure, show the JVM's output.
fail() {
  printf '%s: %s\n' "$1" "$2" >>"$FAILFILE"
  if [ -z "$3" ]; then log "FAILED: $1: $2"; return; fi
  log "FAILED: $1: $2 (log: $3)"
  tail -n 25 "$3" | sed 's/^/    | /' >&2
}

# fresh DIR DEP... -- FILE...: all FILEs exist (non-empty) and are newer than all DEPs.
fresh() {
  local dir=$1; shift
  local deps=() f d
  while [ "$1" != -- ]; do deps+=("$1"); shift; done
  shift
  for f in "$@"; do
    [ -s "$dir/$f" ] || return 1
    for d in "${deps[@]}"; do
      [ "$dir/$f" -nt "$d" ] || return 1
    done
  done
}

# The files that make up one archive's set, the run log last.
outputs_of() {
  case $1 in
    default) echo default.jsa default.map default.dump.log default.run.log ;;
    static)  echo app.classlist static.jsa static.map static.dump.log static.run.log ;;
    dynamic) echo dynamic.jsa dynamic.map dynamic.dump.log dynamic.run.log ;;
    aot)     echo app.aotconf app.record.log app.aot app.map app.dump.log app.run.log ;;
    javac)   echo javac.aotconf javac.record.log javac.aot javac.map javac.dump.log javac.run.log ;;
  esac
}

# gen_archive JDK ARCHIVE: make one archive and its logs. Returns non-zero on failure.
gen_archive() {
  local jdk=$1 a=$2
  local java=${WRAPPER_OF[$jdk]} v dir=$CORPUS/$jdk stage
  v=$(major_of "$jdk")
  stage=$dir/.stage-$a
  local deps=("$APPJAR" "$SELF") outputs runargs=() main=(App) ran='^App OK'
  read -r -a outputs <<<"$(outputs_of "$a")"
  case $a in
    default) runargs=(-Xshare:on -XX:SharedArchiveFile=default.jsa) ;;
    static)  runargs=(-Xshare:on -XX:SharedArchiveFile=static.jsa) ;;
    dynamic) deps+=("$dir/default.jsa")
             runargs=(-Xshare:on -XX:SharedArchiveFile=dynamic.jsa) ;;
    aot)     runargs=(-XX:AOTMode=on -XX:AOTCache=app.aot) ;;
    javac)   runargs=(-XX:AOTMode=on -XX:AOTCache=javac.aot)
             main=(com.sun.tools.javac.Main -version) ran='^javac ' ;;
  esac
  if fresh "$dir" "${deps[@]}" -- "${outputs[@]}"; then
    log "$jdk $a: up to date"
    return 0
  fi
  log "$jdk $a: generating"
  # Old outputs go first: after a failure nothing stale may look complete.
  # A failed step's stage directory is left behind for inspection.
  (cd "$dir" && rm -f "${outputs[@]}")
  rm -rf "$stage"
  mkdir -p "$stage"
  ln "$dir/app.jar" "$stage/app.jar"
  local base=$a
  case $a in aot) base=app ;; javac) base=javac ;; esac
  (
    cd "$stage"
    case $a in
      default)
        # As make/Images.gmk does it (lib/classlist is the default class list);
        # -Xmx128M -Xms128M are the build's heap options for the default archive.
        run_jvm default.dump.log "$java" -Xshare:dump -XX:SharedArchiveFile=default.jsa \
          -Xmx128M -Xms128M $(dump_log_opt "$v") "$(map_opt "$v" default.map)" \
          || { fail "$jdk" "default: -Xshare:dump" "$stage/default.dump.log"; exit 1; }
        ;;
      static)
        run_jvm app.classlist.log "$java" -XX:DumpLoadedClassList=app.classlist -cp app.jar App \
          || { fail "$jdk" "static: -XX:DumpLoadedClassList" "$stage/app.classlist.log"; exit 1; }
        run_jvm static.dump.log "$java" -Xshare:dump -XX:SharedClassListFile=app.classlist \
          -XX:SharedArchiveFile=static.jsa -cp app.jar $(dump_log_opt "$v") "$(map_opt "$v" static.map)" \
          || { fail "$jdk" "static: -Xshare:dump" "$stage/static.dump.log"; exit 1; }
        ;;
      dynamic)
        # The base archive is named as given here ("default.jsa") in the
        # dynamic archive's header; runs in $dir find it there.
        ln "$dir/default.jsa" default.jsa
        run_jvm dynamic.dump.log "$java" -XX:SharedArchiveFile=default.jsa \
          -XX:ArchiveClassesAtExit=dynamic.jsa -cp app.jar $(dump_log_opt "$v") \
          "$(map_opt "$v" dynamic.map)" App \
          || { fail "$jdk" "dynamic: -XX:ArchiveClassesAtExit" "$stage/dynamic.dump.log"; exit 1; }
        rm default.jsa
        ;;
      aot)
        # Two-step workflow on purpose: -XX:AOTCacheOutput would fork a child
        # JVM via /proc/self/exe, i.e. the sysroot's ld.so without its
        # --library-path, which cannot work for the Debian trixie/sid JDKs.
        run_jvm app.record.log "$java" -XX:AOTMode=record -XX:AOTConfiguration=app.aotconf -cp app.jar App \
          || { fail "$jdk" "aot: -XX:AOTMode=record" "$stage/app.record.log"; exit 1; }
        run_jvm app.dump.log "$java" -XX:AOTMode=create -XX:AOTConfiguration=app.aotconf \
          -XX:AOTCache=app.aot -cp app.jar $(dump_log_opt "$v") "$(map_opt "$v" app.map)" \
          || { fail "$jdk" "aot: -XX:AOTMode=create" "$stage/app.dump.log"; exit 1; }
        ;;
      javac)
        # javac from the jdk.compiler module, launched by class name so the
        # class path (app.jar) is the same as the other caches'; the cache
        # records it, and every run with the cache must repeat it.
        local i f
        for i in $(seq 0 $((JAVAC_COPIES - 1))); do
          mkdir -p "javac-src/p$i"
          for f in "$APPSRC"/*.java; do
            { echo "package p$i;"; cat "$f"; } >"javac-src/p$i/${f##*/}"
          done
        done
        find javac-src -name '*.java' | sort >javac-sources.txt
        run_jvm javac.record.log "$java" -XX:AOTMode=record -XX:AOTConfiguration=javac.aotconf -cp app.jar \
          com.sun.tools.javac.Main -d javac-classes @javac-sources.txt \
          || { fail "$jdk" "javac: -XX:AOTMode=record" "$stage/javac.record.log"; exit 1; }
        run_jvm javac.dump.log "$java" -XX:AOTMode=create -XX:AOTConfiguration=javac.aotconf \
          -XX:AOTCache=javac.aot -cp app.jar $(dump_log_opt "$v") "$(map_opt "$v" javac.map)" \
          || { fail "$jdk" "javac: -XX:AOTMode=create" "$stage/javac.dump.log"; exit 1; }
        ;;
    esac
  ) || return 1
  # Everything but the run log is in the stage now; move it into place. The
  # run log is written last, so an interrupted run leaves the set incomplete
  # (and it is redone next time).
  rm -f "$dir/$base.run.log"
  local f
  for f in "${outputs[@]}"; do
    [ "$f" = "$base.run.log" ] && continue
    [ -e "$stage/$f" ] || { fail "$jdk" "$a: $f not produced" "$stage/$base.dump.log"; return 1; }
    mv -f "$stage/$f" "$dir/$f"
  done
  rm -rf "$stage"
  # Run the app with the archive; -Xshare:on / -XX:AOTMode=on make a failure
  # to map it an error instead of a silent fallback.
  (
    cd "$dir"
    run_jvm "$base.run.log.tmp" "$java" "${runargs[@]}" $(run_log_opt "$v") -cp app.jar "${main[@]}" \
      || { fail "$jdk" "$a: run with the archive" "$dir/$base.run.log.tmp"; exit 1; }
    grep -q "$ran" "$base.run.log.tmp" \
      || { fail "$jdk" "$a: app output missing from run" "$dir/$base.run.log.tmp"; exit 1; }
    mv "$base.run.log.tmp" "$base.run.log"
  ) || return 1
}

for jdk in "${SELECTED[@]}"; do
  dir=$CORPUS/$jdk
  mkdir -p "$dir"
  # Hard link, so the jar's mtime/size recorded in the archives is what the
  # runs see; refreshed when the app is rebuilt.
  [ "$dir/app.jar" -ef "$APPJAR" ] || ln -f "$APPJAR" "$dir/app.jar"
  archives=(default static dynamic)
  [ "$(major_of "$jdk")" -ge 25 ] && archives+=(aot)
  [[ " $JAVAC_JDKS " == *" $jdk "* ]] && archives+=(javac)
  for a in "${archives[@]}"; do
    [[ " $KINDS " == *" $a "* ]] || continue
    # dynamic.jsa needs default.jsa: do not try if that one failed.
    if [ $a = dynamic ] && [ ! -s "$dir/default.run.log" ]; then
      (cd "$dir" && rm -rf $(outputs_of dynamic) .stage-dynamic)
      fail "$jdk" "dynamic: skipped, default.jsa missing" ""
      continue
    fi
    gen_archive "$jdk" "$a" || true
  done
done

# --------------------------------------------------------------------------
# Summary
# --------------------------------------------------------------------------
size() { if [ -e "$1" ]; then stat -c %s "$1"; else echo -; fi; }
{
  printf 'jdk\tarchive\tsize\tmap_size\tstatus\tversion\n'
  for jdk in "${SELECTED[@]}"; do
    dir=$CORPUS/$jdk
    for a in default static dynamic aot javac; do
      [ $a = aot ] && [ "$(major_of "$jdk")" -lt 25 ] && continue
      [ $a = javac ] && [[ " $JAVAC_JDKS " != *" $jdk "* ]] && continue
      file=$a.jsa map=$a.map status=ok
      [ $a = aot ] && file=app.aot map=app.map
      [ $a = javac ] && file=javac.aot map=javac.map
      for f in $(outputs_of $a); do [ -s "$dir/$f" ] || status=INCOMPLETE; done
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$jdk" "$file" "$(size "$dir/$file")" "$(size "$dir/$map")" \
        "$status" "${VERSION_OF[$jdk]}"
    done
  done
} | { column -t -s $'\t' 2>/dev/null || cat; }

if [ -s "$FAILFILE" ]; then
  log "$(wc -l <"$FAILFILE") step(s) failed:"
  sed 's/^/    /' "$FAILFILE" >&2
  exit 1
fi
log "all done"
