#!/usr/bin/env bash
# check-boundary.sh — the C++/PostgreSQL boundary rule, checked on the code
# (docs/architecture.md, "The C++/PostgreSQL boundary"):
#   1. src/core includes no PostgreSQL header (the path runs one way).
#   2. Every file of src/pg and src/<ext> includes pg/longjmp_safe.hpp after
#      its other includes, so that an ERROR's longjmp can never skip a
#      destructor there; the files listed in RAII_FILES instead keep C++
#      objects alive and call PostgreSQL only through ixpg::pg_call, which
#      test/check-raii-file.pl checks call by call.
#   3. The header does what it says: naming a poisoned type after it fails
#      to compile.
# Prints pg_regress-style "test x ... ok|FAILED" lines; exits non-zero on a
# failure.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
report() {  # name ok|FAILED [why]
    echo "test $1 ... $2"
    if [ "$2" != ok ]; then
        echo "  $3"
        status=1
    fi
}

RAII_FILES=(src/ixbloom/scan.cpp)

bad=$(grep -lE '#include +"(pg/|postgres\.h|fmgr\.h)' -r src/core || true)
if [ -z "$bad" ]; then report boundary_core_is_pure ok; else report boundary_core_is_pure FAILED "$bad"; fi

missing=()
for f in src/pg/*.cpp src/*/*.cpp; do
    case "$f" in src/core/*) continue ;; esac
    for r in "${RAII_FILES[@]}"; do [ "$f" = "$r" ] && continue 2; done
    last=$(grep -E '^#include' "$f" | tail -1)
    [ "$last" = '#include "pg/longjmp_safe.hpp"' ] || missing+=("$f")
done
if [ ${#missing[@]} -eq 0 ]; then report boundary_files_poisoned ok
else report boundary_files_poisoned FAILED "${missing[*]} lack pg/longjmp_safe.hpp as their last include"; fi

# An RAII file calls PostgreSQL (or this pack's C-style functions) only in
# pg_call lambdas, or in functions marked to run inside one that only such
# lambdas call (test/check-raii-file.pl).
raii_out=""
for r in "${RAII_FILES[@]}"; do
    raii_out+="$(perl test/check-raii-file.pl "$r")"
done
if [ -z "$raii_out" ]; then report boundary_raii_files_guarded ok
else report boundary_raii_files_guarded FAILED "$raii_out"; fi

# The checker itself finds a direct call (a copy of scan.cpp with one).
probe="$(mktemp /tmp/raii-probe.XXXXXX.cpp)"
sed 's|ixpg::pg_call(\[&\] { lock_fold(index, ShareLock); });|lock_fold(index, ShareLock);|' src/ixbloom/scan.cpp >"$probe"
if perl test/check-raii-file.pl "$probe" >/dev/null; then
    report boundary_raii_check_works FAILED "a direct lock_fold() call in a copy of scan.cpp went unnoticed"
else
    report boundary_raii_check_works ok
fi
rm -f "$probe"

snippet='#include <vector>
#include "pg/longjmp_safe.hpp"
int f() { std::vector<int> v; return 0; }'
if echo "$snippet" | g++ -std=c++17 -Isrc -x c++ -fsyntax-only - 2>/dev/null; then
    report boundary_poison_works FAILED "a std::vector after pg/longjmp_safe.hpp compiled"
else
    report boundary_poison_works ok
fi
exit $status
