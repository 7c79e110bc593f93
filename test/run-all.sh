#!/usr/bin/env bash
# run-all.sh — README command 2: build, install and run every test suite
# against throwaway clusters, then print one "N passed, N failed" line.
#
#   bash test/run-all.sh            # as root on Debian 12
#
# Suites: the boundary rule (test/check-boundary.sh), GoogleTest units
# (meson), pg_regress (make installcheck), the test modules' pg_regress
# suites, pgTAP (pg_prove), TAP perl (prove), the Citus suite (a
# coordinator and two workers), and the pg_regress suites again with the
# extensions built under ASan/UBSan.  The test module is
# installed for the run and removed at its end.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

bash test/install-deps.sh || exit 1
export PATH="$(pg_config --bindir):$PATH"
PGXS_DIR="$(dirname "$(pg_config --pgxs)")/../.."

LOGDIR="$(mktemp -d /tmp/indexpack-tests.XXXXXX)"
chmod 755 "$LOGDIR"
TOTAL_PASS=0
TOTAL_FAIL=0
SUMMARY=()

record() {  # suite passed failed
    TOTAL_PASS=$((TOTAL_PASS + $2))
    TOTAL_FAIL=$((TOTAL_FAIL + $3))
    SUMMARY+=("$(printf '%-28s %4d passed, %d failed' "$1" "$2" "$3")")
}

# Count "ok N" / "not ok N" lines of TAP output (prove -v, pg_prove -v).
count_tap() {  # suite logfile exit-status
    local pass fail
    pass=$(grep -cE '^ok [0-9]+' "$2")
    fail=$(grep -cE '^not ok [0-9]+' "$2")
    if [ "$3" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi  # died without a failing test line
    record "$1" "$pass" "$fail"
}

# Count pg_regress "test x ... ok|FAILED" lines.
count_regress() {  # suite logfile exit-status
    local pass fail
    pass=$(grep -cE '^(test| ) *[a-z0-9_]+ +\.\.\. ok' "$2")
    fail=$(grep -cE '\.\.\. FAILED' "$2")
    if [ "$3" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
    record "$1" "$pass" "$fail"
}

source test/cluster.sh
# The test module (ixpack_test) is installed for the run only.
trap 'cluster_stop; make -s uninstall-test-modules >/dev/null 2>&1' EXIT

echo "== build and install"
{ make -s && make -s install && make -s install-test-modules; } >"$LOGDIR/build.log" 2>&1 || {
    cat "$LOGDIR/build.log"; echo "build failed"; echo "total: 0 passed, 1 failed"; exit 1; }
if grep -E 'warning:' "$LOGDIR/build.log"; then
    echo "build has warnings (-Wall -Wextra must be clean)"; record "build warnings" 0 1
fi

echo "== the C++/PostgreSQL boundary rule"
bash test/check-boundary.sh >"$LOGDIR/boundary.log" 2>&1
status=$?
count_regress "boundary rule" "$LOGDIR/boundary.log" $status
[ $status -ne 0 ] && cat "$LOGDIR/boundary.log"

echo "== unit tests (GoogleTest via meson)"
rm -rf build-tests
{ meson setup build-tests && ninja -C build-tests && meson test -C build-tests --print-errorlogs; } >"$LOGDIR/unit.log" 2>&1
status=$?
pass=$(grep -oE '\[  PASSED  \] [0-9]+' build-tests/meson-logs/testlog.txt 2>/dev/null | grep -oE '[0-9]+$' || echo 0)
fail=$(grep -oE '\[  FAILED  \] [0-9]+ test' build-tests/meson-logs/testlog.txt 2>/dev/null | grep -oE '[0-9]+' || echo 0)
[ "$status" -ne 0 ] && [ "$fail" -eq 0 ] && { fail=1; cat "$LOGDIR/unit.log"; }
[ "${pass:-0}" -eq 0 ] && [ "${fail:-0}" -eq 0 ] && { echo "unit tests were not built or did not run"; fail=1; }
record "unit (gtest)" "${pass:-0}" "${fail:-0}"


echo "== pg_regress, test modules, pgTAP (one throwaway cluster)"
cluster_start
make installcheck >"$LOGDIR/regress.log" 2>&1
status=$?
count_regress "pg_regress" "$LOGDIR/regress.log" $status
[ $status -ne 0 ] && cat regression.diffs 2>/dev/null | head -100
make installcheck-test-modules >"$LOGDIR/modules.log" 2>&1
status=$?
count_regress "pg_regress (test modules)" "$LOGDIR/modules.log" $status
[ $status -ne 0 ] && cat test/modules/*/regression.diffs 2>/dev/null | head -100
pg_prove -v test/pgtap/*.sql >"$LOGDIR/pgtap.log" 2>&1
status=$?
count_tap "pgTAP" "$LOGDIR/pgtap.log" $status
[ $status -ne 0 ] && grep -B2 -A8 '^not ok' "$LOGDIR/pgtap.log" | head -60
if grep -E 'terminated by signal|PANIC|WARNING: .*leak' "$CLUSTER_LOG"; then
    record "server log clean" 0 1
fi
cluster_stop

echo "== TAP (PostgreSQL::Test::Cluster)"
TAPDIR="$LOGDIR/tap"
mkdir -p "$TAPDIR"
chown -R postgres: "$LOGDIR" 2>/dev/null || true
as_pg env PATH="$PATH" TESTDIR="$TAPDIR" PG_REGRESS="$PGXS_DIR/src/test/regress/pg_regress" \
    prove -v -I "$PGXS_DIR/src/test/perl" test/t/*.pl >"$LOGDIR/tap.log" 2>&1
status=$?
count_tap "TAP" "$LOGDIR/tap.log" $status
[ $status -ne 0 ] && { grep -B2 -A10 '^not ok' "$LOGDIR/tap.log" | head -80; tail -20 "$LOGDIR/tap.log"; }

echo "== Citus: a coordinator and two workers (test/citus.sh; builds Citus the first time)"
bash test/citus.sh >"$LOGDIR/citus.log" 2>&1
status=$?
count_regress "Citus (pg_regress)" "$LOGDIR/citus.log" $status
[ $status -ne 0 ] && tail -60 "$LOGDIR/citus.log"

echo "== pg_regress under ASan/UBSan"
bash test/run-sanitized.sh >"$LOGDIR/sanitize.log" 2>&1
status=$?
count_regress "pg_regress (ASan/UBSan)" "$LOGDIR/sanitize.log" $status
[ $status -ne 0 ] && tail -40 "$LOGDIR/sanitize.log"

echo "== the test module is removed"
make -s uninstall-test-modules >/dev/null 2>&1
if [ -e "$(pg_config --sharedir)/extension/ixpack_test.control" ] || [ -e "$(pg_config --pkglibdir)/ixpack_test.so" ]; then
    record "test module removed" 0 1
else
    record "test module removed" 1 0
fi

echo
echo "== summary (logs in $LOGDIR)"
for line in "${SUMMARY[@]}"; do echo "  $line"; done
echo "total: $TOTAL_PASS passed, $TOTAL_FAIL failed"
[ "$TOTAL_FAIL" -eq 0 ]
