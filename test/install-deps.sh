#!/usr/bin/env bash
# install-deps.sh — install what a fresh Debian 12 machine lacks to build and
# test indexpack.  Idempotent; needs root.  Skips apt when all is present.
set -euo pipefail

PACKAGES=(
    postgresql-15 postgresql-server-dev-15
    postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl libipc-run-perl
    meson ninja-build g++ make pkg-config libgtest-dev libbenchmark-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
    echo "install-deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
else
    echo "install-deps: all packages present"
fi
