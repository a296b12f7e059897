#!/usr/bin/env bash
# Provision the JDKs the test corpus is generated with, into testdata/cache/jdks/.
#
#   jdk17      native Debian bookworm package (installed with the system apt-get)
#   jdk21/25   Debian trixie packages  \  fetched with a PRIVATE apt configuration
#   jdk26/27   Debian sid packages     /  and unpacked with dpkg -x (no dpkg database)
#   temurin25  /usr/lib/jvm/temurin-25-jdk-amd64, only if it is already there
#
# The trixie/sid JDKs need a newer glibc than bookworm's, so a trixie sysroot
# (libc6, libgcc-s1, libstdc++6, zlib1g) is unpacked next to them and the
# wrappers in jdks/bin/ start java through that sysroot's dynamic loader.
#
# Idempotent: every component has a stamp file; a second run with everything
# present touches no network. AOTDBG_NO_DBG=1 skips the big -dbg packages.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${AOTDBG_CACHE:-$HERE/cache}
JDKS=$CACHE/jdks
APTDIR=$CACHE/apt
SYSROOT=$JDKS/sysroot
BIN=$JDKS/bin
NO_DBG=${AOTDBG_NO_DBG:-0}
ARCH_TRIPLET=x86_64-linux-gnu
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# JDK name -> Debian suite it comes from. 21/25 are trixie's own builds (stable,
# linked against trixie's glibc); 26/27 only exist in sid.
declare -A SUITE=([21]=trixie [25]=trixie [26]=sid [27]=sid)
VERSIONS=(21 25 26 27)
# Libraries the sysroot holds. Only libc6 is strictly newer than bookworm's
# requirement-wise (the JDKs need GLIBC >= 2.38), but taking libgcc/libstdc++/
# zlib from the same suite keeps the sysroot self-consistent.
SYSROOT_PKGS=(libc6 libgcc-s1 libstdc++6 zlib1g)

log() { printf '[setup-jdks] %s\n' "$*" >&2; }
die() { printf '[setup-jdks] ERROR: %s\n' "$*" >&2; exit 1; }

[ "$(uname -m)" = x86_64 ] || die "only x86_64 is supported"

# --------------------------------------------------------------------------
# System side: JDK 17 (+ its debug info) from bookworm. Only touch the system
# package manager when something is actually missing.
# --------------------------------------------------------------------------
pkg_installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]
}

SYS_APT_UPDATED=0
sys_apt_install() {
  local missing=() p
  for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "need root to apt-get install ${missing[*]}"
  if [ $SYS_APT_UPDATED = 0 ]; then
    log "system apt-get update"
    apt-get update -qq || die "system apt-get update failed"
    SYS_APT_UPDATED=1
  fi
  log "system apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" \
    || die "system apt-get install ${missing[*]} failed"
}

# dpkg-deb (for dpkg -x) and apt-get are part of every Debian system. The
# archive keyring must know trixie's keys (sid is signed with the same ones);
# bookworm's current debian-archive-keyring (2023.3+deb12u2) ships them, an
# older installed one is upgraded. No [trusted=yes] fallback on purpose.
sys_apt_install dpkg apt debian-archive-keyring
if [ ! -e /usr/share/keyrings/debian-archive-trixie-automatic.gpg ]; then
  [ "$(id -u)" = 0 ] || die "$KEYRING lacks trixie's keys; need root to upgrade debian-archive-keyring"
  log "upgrading debian-archive-keyring (no trixie keys yet)"
  apt-get update -qq && SYS_APT_UPDATED=1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debian-archive-keyring \
    || die "upgrading debian-archive-keyring failed"
  [ -e /usr/share/keyrings/debian-archive-trixie-automatic.gpg ] \
    || die "debian-archive-keyring still has no trixie keys; cannot verify trixie/sid"
fi
JDK17_PKGS=(openjdk-17-jdk-headless)
[ "$NO_DBG" = 1 ] || JDK17_PKGS+=(openjdk-17-dbg)
sys_apt_install "${JDK17_PKGS[@]}"
JDK17_HOME=/usr/lib/jvm/java-17-openjdk-amd64
[ -x $JDK17_HOME/bin/java ] || die "$JDK17_HOME/bin/java missing after install"

# --------------------------------------------------------------------------
# Private apt: own sources, state, cache and (empty) config parts, so neither
# the system's sources/preferences nor its dpkg status are read or changed.
# --------------------------------------------------------------------------
write_private_apt_config() {
  mkdir -p "$APTDIR"/{state/lists/partial,cache/archives/partial,conf.d,preferences.d,debs}
  [ -e "$APTDIR/state/status" ] || : >"$APTDIR/state/status"
  cat >"$APTDIR/sources.list" <<EOF
deb [signed-by=$KEYRING] http://deb.debian.org/debian trixie main
deb [signed-by=$KEYRING] http://deb.debian.org/debian sid main
EOF
  : >"$APTDIR/preferences"
  # APT_CONFIG is read first; pointing Dir::Etc::main/parts away afterwards
  # keeps /etc/apt/apt.conf{,.d} out entirely.
  cat >"$APTDIR/apt.conf" <<EOF
Dir::Etc::main "/dev/null";
Dir::Etc::parts "$APTDIR/conf.d";
Dir::Etc::sourcelist "$APTDIR/sources.list";
Dir::Etc::sourceparts "-";
Dir::Etc::preferences "$APTDIR/preferences";
Dir::Etc::preferencesparts "$APTDIR/preferences.d";
Dir::State "$APTDIR/state";
Dir::State::status "$APTDIR/state/status";
Dir::Cache "$APTDIR/cache";
APT::Architecture "amd64";
APT::Architectures { "amd64"; };
Acquire::Languages "none";
// downloads land in our own (root-owned) directory; the _apt user could not write there
APT::Sandbox::User "root";
// the mirror this runs against may serve a frozen snapshot whose Release file
// is past its Valid-Until date (sid's is only valid for a week); signatures
// are still checked
Acquire::Check-Valid-Until "false";
EOF
}

PAPT_UPDATED=0
papt() { APT_CONFIG="$APTDIR/apt.conf" "$@"; }
papt_update_once() {
  [ $PAPT_UPDATED = 1 ] && return 0
  write_private_apt_config
  log "private apt-get update (trixie, sid)"
  local out
  if ! out=$(papt apt-get update 2>&1) || grep -qE '^(E|W): .*(NO_PUBKEY|not signed|Failed to fetch)' <<<"$out"; then
    printf '%s\n' "$out" >&2
    die "private apt-get update failed (see above; network to deb.debian.org? keyring $KEYRING lacking trixie keys?)"
  fi
  PAPT_UPDATED=1
}

# fetch_and_extract DEST PKG/SUITE...: download the given packages and dpkg -x
# each of them into DEST. The .debs are deleted afterwards (the stamp is what
# marks the component done; the -dbg ones are hundreds of MB).
fetch_and_extract() {
  local dest=$1; shift
  papt_update_once
  local dl
  dl=$(mktemp -d "$APTDIR/debs/dl.XXXXXX")
  log "downloading $*"
  if ! (cd "$dl" && papt apt-get download -q "$@" >&2); then
    rm -rf "$dl"
    die "download of $* failed"
  fi
  mkdir -p "$dest"
  local deb
  for deb in "$dl"/*.deb; do
    log "extracting $(basename "$deb")"
    dpkg -x "$deb" "$dest" || { rm -rf "$dl"; die "dpkg -x $deb failed"; }
  done
  rm -rf "$dl"
}

# Debian's JDK links configuration into /etc (lib/jvm.cfg -> /etc/java-NN-openjdk/
# jvm-amd64.cfg etc.). Those files are inside the extracted tree, so turn such
# absolute links into relative ones; links whose target is not in the tree
# (cacerts -> /etc/ssl/...) are left as they are: nothing here needs them.
relativize_symlinks() {
  local root=$1 l t
  while IFS= read -r -d '' l; do
    t=$(readlink "$l")
    if [ -e "$root$t" ]; then
      ln -sfn "$(realpath -s --relative-to="$(dirname "$l")" "$root$t")" "$l"
    fi
  done < <(find "$root" -type l -lname '/*' -print0)
}

# --------------------------------------------------------------------------
# Sysroot
# --------------------------------------------------------------------------
if [ ! -e "$SYSROOT/.stamp" ]; then
  rm -rf "$SYSROOT"
  fetch_and_extract "$SYSROOT.tmp" "${SYSROOT_PKGS[@]/%//trixie}"
  mv "$SYSROOT.tmp" "$SYSROOT"
  touch "$SYSROOT/.stamp"
fi
LOADER=$SYSROOT/usr/lib64/ld-linux-x86-64.so.2
[ -x "$LOADER" ] || die "$LOADER missing (remove $SYSROOT to re-extract)"

# --------------------------------------------------------------------------
# Debian JDKs 21..27
# --------------------------------------------------------------------------
for v in "${VERSIONS[@]}"; do
  root=$JDKS/jdk$v suite=${SUITE[$v]}
  if [ ! -e "$root/.stamp" ]; then
    rm -rf "$root" "$root.tmp"
    fetch_and_extract "$root.tmp" "openjdk-$v-jre-headless/$suite" "openjdk-$v-jdk-headless/$suite"
    relativize_symlinks "$root.tmp"
    mv "$root.tmp" "$root"
    touch "$root/.stamp"
  fi
  # The debug info is extracted into the same root (usr/lib/debug/.build-id/..).
  # No atomic rename needed: without the stamp it is simply extracted again.
  if [ "$NO_DBG" != 1 ] && [ ! -e "$root/.stamp-dbg" ]; then
    fetch_and_extract "$root" "openjdk-$v-dbg/$suite"
    touch "$root/.stamp-dbg"
  fi
done

# --------------------------------------------------------------------------
# Wrappers and jdks.tsv (cheap, so always regenerated: keeps absolute paths in
# the wrappers right if the checkout moved).
# --------------------------------------------------------------------------
mkdir -p "$BIN"
rm -f "$BIN"/*

# A JDK launcher run as "ld.so --library-path ... bin/java" works: the launcher
# finds its home from libjli's location (dladdr) once /proc/self/exe (= ld.so)
# does not lead to lib/libjava.so, and libjvm is dlopen()ed by full path, so its
# own dependencies come from --library-path, i.e. from the sysroot.
write_loader_wrapper() { # NAME JAVA_HOME TOOL
  local home=$2
  cat >"$BIN/$1" <<EOF
#!/bin/sh
# generated by testdata/setup-jdks.sh: $3 of a trixie/sid JDK through the trixie sysroot loader
exec "$LOADER" --library-path "$SYSROOT/usr/lib/$ARCH_TRIPLET:$home/lib:$home/lib/server" "$home/bin/$3" "\$@"
EOF
  chmod +x "$BIN/$1"
}
write_exec_wrapper() { # NAME JAVA_HOME TOOL
  cat >"$BIN/$1" <<EOF
#!/bin/sh
# generated by testdata/setup-jdks.sh: native JDK, no sysroot needed
exec "$2/bin/$3" "\$@"
EOF
  chmod +x "$BIN/$1"
}

# The "(build ...)" of the Runtime Environment line, i.e. java.runtime.version,
# which is the most specific version java -version prints.
java_version() {
  "$1" -Xshare:off -version 2>&1 | sed -n 's/.*Runtime Environment.*(build \(.*\))$/\1/p' | head -n1
}

TSV=$JDKS/jdks.tsv
: >"$TSV.tmp"
add_jdk() { # NAME JAVA_HOME SUFFIX LOADER? DBGDIR
  local name=$1 home=$2 sfx=$3 how=$4 dbg=$5 tool ver
  for tool in java jcmd javap jhsdb; do
    [ -x "$home/bin/$tool" ] || continue
    "write_${how}_wrapper" "$tool$sfx" "$home" "$tool"
  done
  ver=$(java_version "$BIN/java$sfx") || true
  [ -n "$ver" ] || die "$BIN/java$sfx -version does not run"
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$home" "$BIN/java$sfx" "$dbg" "$ver" >>"$TSV.tmp"
}

# openjdk-17-dbg puts its files under /usr/lib/debug/.build-id/ like every -dbg package.
if pkg_installed openjdk-17-dbg; then dbg=/usr/lib/debug; else dbg=-; fi
add_jdk jdk17 "$JDK17_HOME" 17 exec "$dbg"
for v in "${VERSIONS[@]}"; do
  root=$JDKS/jdk$v
  if [ -e "$root/.stamp-dbg" ]; then dbg=$root/usr/lib/debug; else dbg=-; fi
  add_jdk "jdk$v" "$root/usr/lib/jvm/java-$v-openjdk-amd64" "$v" loader "$dbg"
done
# Temurin ships no separate debug info.
T25=/usr/lib/jvm/temurin-25-jdk-amd64
[ -x $T25/bin/java ] && add_jdk temurin25 "$T25" T25 exec -
mv "$TSV.tmp" "$TSV"

log "done:"
column -t -s $'\t' "$TSV" >&2 2>/dev/null || cat "$TSV" >&2
