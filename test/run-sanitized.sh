#!/usr/bin/env bash
# run-sanitized.sh — the sanitizer build and its checks.  Called by
# run-all.sh; runs alone too (as root).
#
#   1. src/core and its GoogleTest suite (including the random-page fuzz
#      test) built with AddressSanitizer + UndefinedBehaviorSanitizer.
#   2. Every extension built with UndefinedBehaviorSanitizer, installed, and
#      the pg_regress suites run against a real server; any UBSan report in
#      the server log fails the run.  Then the normal build is reinstalled.
#
# Why not ASan inside the server: Debian's postgres binary deadlocks at
# startup when the ASan runtime is preloaded (glibc's _nl_state_lock in
# bindtextdomain, with both GCC's and clang's runtimes), and an ASan-built
# library cannot be loaded without that preload.  See docs/architecture.md.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$(pg_config --bindir):$PATH"
status=0

echo "== core unit tests under ASan/UBSan"
rm -rf build-asan
if meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false >/dev/null &&
   ninja -C build-asan >/dev/null &&
   ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 meson test -C build-asan --print-errorlogs; then
    echo "test core_asan ... ok"
else
    echo "test core_asan ... FAILED"
    status=1
fi

echo "== pg_regress with UBSan-instrumented extensions"
SAN="-fsanitize=undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
restore() { make -s clean >/dev/null; make -s install >/dev/null && make -s install-test-modules >/dev/null; }
make -s clean >/dev/null
if ! make -s IXPACK_CXXFLAGS="$SAN" IXPACK_LDFLAGS="$SAN" install install-test-modules >/dev/null; then
    restore
    echo "test ubsan_build ... FAILED"
    exit 1
fi

source test/cluster.sh
trap 'cluster_stop; restore' EXIT
rm -f /tmp/indexpack-ubsan*
CLUSTER_SERVER_ENV="UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=/tmp/indexpack-ubsan" cluster_start || exit 1
make installcheck || status=1
make installcheck-test-modules || status=1
if ls /tmp/indexpack-ubsan* >/dev/null 2>&1 || grep -E 'runtime error:' "$CLUSTER_LOG"; then
    echo "UBSan reports:"; cat /tmp/indexpack-ubsan* 2>/dev/null | head -80
    echo "test ubsan_reports ... FAILED"
    status=1
else
    echo "test ubsan_reports ... ok"
fi
exit $status
