#!/usr/bin/env bash
# Install what building and testing aotdbg needs on a Debian (bookworm or
# later) machine.  Idempotent: packages already installed are left alone and
# apt-get runs only when something is missing.
set -euo pipefail

PKGS=(
  gcc make pkg-config            # build
  libelf-dev libdwarf-dev libreadline-dev zlib1g-dev
  clang libclang-rt-14-dev       # sanitizer builds; libFuzzer (make fuzz, fuzz/)
  python3                        # the test harness
  gdb lldb lldb-14 python3-lldb-14 python3-six   # the debugger front ends
  openjdk-17-jdk-headless openjdk-17-dbg   # JDK 17 and its libjvm DWARF
  ca-certificates dpkg binutils  # the private apt download of the other JDKs
)
# lldb's Python bindings are versioned; take the one this release has.
if ! apt-cache show python3-lldb-14 >/dev/null 2>&1; then
  PKGS=("${PKGS[@]/python3-lldb-14/python3-lldb}")
fi

# libFuzzer ships with the compiler runtime of clang's version.
if ! apt-cache show libclang-rt-14-dev >/dev/null 2>&1; then
  v=$(apt-cache depends clang 2>/dev/null | sed -n 's/.*Depends: clang-\([0-9]*\)$/\1/p' | head -1)
  PKGS=("${PKGS[@]/libclang-rt-14-dev/libclang-rt-${v:-14}-dev}")
fi

missing=()
for p in "${PKGS[@]}"; do
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=
  [ "$(id -u)" = 0 ] || SUDO=sudo
  echo "[install-deps] installing: ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
