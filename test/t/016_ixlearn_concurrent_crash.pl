# 016_ixlearn_concurrent_crash.pl — ixlearn under a concurrent load, kill -9
# and crash recovery, and a randomized differential check under concurrent
# DML.
#
# What it covers, and why: an ixlearn insert may split a leaf (the leaf, a
# new page, the right neighbour and the metapage in one GenericXLog
# record) while other backends walk the chain right from stale models, and
# a retrain (ixlearn_retrain, or VACUUM's cleanup after splits) writes new
# model pages, switches the metapage and frees the old pages while
# inserts and scans go on.  A crash at any point must leave an index that
# recovery makes whole: the old model or the new one, both right for the
# chain, and every split either complete or absent.
#
# Phase 1: pgbench clients insert random keys (splits all over the chain),
#   keys past the end (rightmost splits) and runs of one duplicate key,
#   into a table with an int8 and a uuid ixlearn index, recording each
#   committed row in a side table in the same transaction; one client
#   retrains both indexes in a loop (a DO block of retrains), deletes old
#   rows and VACUUMs.  The backend running the retrain loop is killed with
#   SIGKILL while it runs (the postmaster reinitializes and replays WAL).
# Phase 2: the same load again, then an immediate shutdown of the whole
#   server (stop('immediate')) and a restart.
# After each crash: every committed row is found through each index
#   (forced nested-loop index lookups), no uncommitted row is there, whole
#   ordered scans (ASC and DESC) equal a sort of a sequential scan, and
#   ixlearn_check(index, true) passes.
# Phase 3: concurrent inserts, key-changing updates and deletes, VACUUM,
#   key ranges deleted (VACUUM unlinks and frees the leaves they empty),
#   retrains and ixlearn_check, while a long-lived checker session (its
#   cached model goes stale under it) runs hundreds of random queries of
#   several shapes (point, range, ORDER BY ASC/DESC with LIMIT, = ANY, IS
#   NULL, uuid ranges, index-only), each comparing the index scan with a
#   sequential scan inside one REPEATABLE READ snapshot: zero mismatches
#   allowed.
#   ixlearn_check after the phase.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use FindBin;
use lib "$FindBin::RealBin/../perl";
use IxlearnScans;

my $node = PostgreSQL::Test::Cluster->new('ixlearn_crash');
$node->init;
# full_page_writes = off: redo relies on each record alone, so a page
# logged as a delta where it needed an image would fail recovery.
$node->append_conf('postgresql.conf',
    "restart_after_crash = on\nfull_page_writes = off\nautovacuum = off\nmax_connections = 40\n");
$node->start;

$node->safe_psql('postgres', q{
    CREATE EXTENSION ixlearn;
    CREATE TABLE t (id bigint, k bigint, u uuid, pad int) WITH (autovacuum_enabled = off);
    INSERT INTO t SELECT g, g * 100000, md5(g::text)::uuid, 0 FROM generate_series(1, 20000) g;
    CREATE INDEX t_k ON t USING ixlearn (k);
    CREATE INDEX t_u ON t USING ixlearn (u);
    -- Every committed insert is also recorded here, in the same transaction.
    CREATE TABLE committed (id bigint PRIMARY KEY, k bigint);
    CREATE SEQUENCE ids START 100000;
});
# The differential check (index answer, plan checked, against a
# sequential scan in the same snapshot): 'same' or what differs.
$node->safe_psql('postgres', $scan_rows_sql . q{
CREATE FUNCTION ixl_matches(query text, scan text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  idx record; seq record;
BEGIN
  SELECT * INTO idx FROM ixl_scan_rows(query, scan);
  SELECT * INTO seq FROM ixl_scan_rows(query, NULL);
  IF idx.plan NOT LIKE ixl_scan_pattern(scan) OR idx.plan NOT SIMILAR TO '%(using|on) t\_(k|u) %' THEN
    RETURN 'NO ' || upper(scan) || ': ' || idx.plan;
  END IF;
  IF idx.rows IS DISTINCT FROM seq.rows THEN
    RETURN format('DIFF index=%s seq=%s', left(coalesce(idx.rows, '{}')::text, 300),
                  left(coalesce(seq.rows, '{}')::text, 300));
  END IF;
  RETURN 'same';
END $$;
});

my %scripts = (
    # random keys: splits anywhere in the chain
    'rand.sql' => <<'PGB',
\set r random(0, 1999999999)
WITH n AS (SELECT nextval('ids') AS id, g FROM generate_series(0, 9) g),
     ins AS (INSERT INTO t SELECT id, (:r + g * 104729) % 2000000000, md5(id::text)::uuid, 1 FROM n RETURNING id, k)
INSERT INTO committed SELECT id, k FROM ins;
PGB
    # keys past the end: the rightmost leaf splits again and again
    'asc.sql' => <<'PGB',
WITH n AS (SELECT nextval('ids') AS id FROM generate_series(1, 10)),
     ins AS (INSERT INTO t SELECT id, 2000000000 + id, md5(id::text)::uuid, 2 FROM n RETURNING id, k)
INSERT INTO committed SELECT id, k FROM ins;
PGB
    # one duplicate key in the middle: splits inside a run of equal keys
    'dup.sql' => <<'PGB',
WITH n AS (SELECT nextval('ids') AS id FROM generate_series(1, 10)),
     ins AS (INSERT INTO t SELECT id, 777777777, md5(id::text)::uuid, 3 FROM n RETURNING id, k)
INSERT INTO committed SELECT id, k FROM ins;
PGB
    # retrains in a loop (most of this client's time), then VACUUM after
    # deleting some of the initial rows (never a committed one)
    'maint.sql' => <<'PGB',
DO $$BEGIN FOR i IN 1 .. 150 LOOP PERFORM ixlearn_retrain('t_k'); PERFORM ixlearn_retrain('t_u'); END LOOP; END$$;
\set r random(1, 20000)
DELETE FROM t WHERE id BETWEEN :r AND :r + 60 AND id < 100000;
VACUUM t;
PGB
    # phase 3: DML of every kind
    'ins.sql' => <<'PGB',
\set r random(0, 1999999999)
INSERT INTO t SELECT nextval('ids'), CASE WHEN g = 0 AND :r % 5 = 0 THEN NULL ELSE (:r + g * 104729) % 2000000000 END,
                     md5((:r + g)::text)::uuid, 4
  FROM generate_series(0, 4) g;
PGB
    'upd.sql' => <<'PGB',
\set r random(1, 200000)
\set d random(-50000000, 50000000)
UPDATE t SET k = k + :d, pad = pad + 1 WHERE id BETWEEN :r AND :r + 4;
PGB
    'del.sql' => <<'PGB',
\set r random(1, 200000)
DELETE FROM t WHERE id BETWEEN :r AND :r + 3;
PGB
    # retrains, the checker walking the chain while splits go on (a left
    # link that a concurrent split changed is no damage), and a key range
    # deleted before each VACUUM, which empties leaves for it to unlink
    # (and a later one to free) under the scans and inserts
    'maint3.sql' => <<'PGB',
SELECT ixlearn_retrain('t_k');
SELECT ixlearn_retrain('t_u');
SELECT ixlearn_check('t_k', false);
SELECT ixlearn_check('t_u', false);
\set r random(0, 1999999999)
DELETE FROM t WHERE k BETWEEN :r AND :r + 40000000;
\sleep 200 ms
VACUUM t;
PGB
);
for my $f (keys %scripts) {
    open(my $fh, '>', $node->basedir . "/$f") or die "write $f: $!";
    print $fh $scripts{$f};
    close $fh;
}

# Start pgbench: [client count, seconds, scripts@weights].
sub pgbench_start
{
    my ($clients, $seconds, @files) = @_;
    my $out = '';
    my $h = IPC::Run::start(
        [ 'pgbench', '-n', '-c', $clients, '-T', $seconds, (map { ('-f', $node->basedir . "/$_") } @files),
          '-h', $node->host, '-p', $node->port, 'postgres' ],
        '>', \$out, '2>', \$out);
    return [$h, \$out];
}
sub pgbench_finish
{
    my ($run) = @_;
    $run->[0]->finish;
    return ${ $run->[1] };
}

my $force_nestloop = 'SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_hashjoin = off; '
  . 'SET enable_mergejoin = off; SET enable_material = off;';
sub ordered_md5
{
    my ($col, $dir, $how) = @_;
    my $q = "SELECT md5(string_agg(coalesce($col\::text, 'N'), ',')) FROM (SELECT $col FROM t ORDER BY $col $dir) s";
    my $set = $how eq 'index'
      ? 'SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_sort = off;'
      : 'SET enable_indexscan = off; SET enable_indexonlyscan = off; SET enable_bitmapscan = off;';
    if ($how eq 'index') {
        like($node->safe_psql('postgres', "$set EXPLAIN (COSTS OFF) $q"), qr/Index (Only )?Scan (Backward )?using t_$col/,
            "the ordered scan on $col $dir goes through the index");
    }
    return $node->safe_psql('postgres', "$set $q");
}

# After a crash: every committed row is found through both indexes, no
# uncommitted row is in the table, ordered scans equal sorts, the checker
# passes.
sub verify_after_crash
{
    my ($label) = @_;
    my $committed = $node->safe_psql('postgres', 'SELECT count(*) FROM committed');
    # One lookup per committed row, but not for the run of the duplicate
    # key: each lookup of it would read the whole run (quadratic in its
    # length, which grows with the machine's speed); the run is compared
    # once, through one index scan, below.
    my $lookup_k = q{SELECT count(*) FROM committed c WHERE c.k <> 777777777 AND NOT EXISTS (SELECT 1 FROM t WHERE t.k = c.k AND t.id = c.id)};
    my $lookup_u = q{SELECT count(*) FROM committed c WHERE NOT EXISTS (SELECT 1 FROM t WHERE t.u = md5(c.id::text)::uuid AND t.id = c.id)};
    like($node->safe_psql('postgres', "$force_nestloop EXPLAIN (COSTS OFF) $lookup_k"), qr/Index Scan using t_k on t/,
        "$label: the lookups of committed rows go through t_k");
    like($node->safe_psql('postgres', "$force_nestloop EXPLAIN (COSTS OFF) $lookup_u"), qr/Index Scan using t_u on t/,
        "$label: and through t_u");
    is($node->safe_psql('postgres', "$force_nestloop $lookup_k"), '0',
        "$label: each of the $committed committed rows is found through t_k");
    is($node->safe_psql('postgres', "$force_nestloop $lookup_u"), '0', "$label: and through t_u");
    is($node->safe_psql('postgres', 'SET enable_seqscan = off; SET enable_bitmapscan = off; '
                                    . 'SELECT count(*) FROM (SELECT id FROM committed WHERE k = 777777777 '
                                    . 'EXCEPT SELECT id FROM t WHERE k = 777777777) missing'),
       '0', "$label: every committed row of the duplicate key's run is found through t_k");
    is($node->safe_psql('postgres', 'SELECT count(*) FROM t WHERE id >= 100000'), $committed,
        "$label: no row of an uncommitted transaction is visible");
    is($node->safe_psql('postgres', 'SET enable_seqscan = off; SET enable_bitmapscan = off; '
                                    . 'SELECT count(*) FROM t WHERE k >= 2000000000'),
       $node->safe_psql('postgres', 'SELECT count(*) FROM t WHERE k >= 2000000000 AND k + 0 >= 2000000000'),
       "$label: the appended keys are all found by a range scan");
    for my $c (['k', 'ASC'], ['k', 'DESC'], ['u', 'ASC'], ['u', 'DESC']) {
        is(ordered_md5(@$c, 'index'), ordered_md5(@$c, 'seq'),
            "$label: a whole ordered scan of t_$c->[0] $c->[1] equals a sort of the table");
    }
    for my $idx (qw(t_k t_u)) {
        my ($ret, $out, $err) = $node->psql('postgres', "SELECT ixlearn_check('$idx', true)");
        is($ret, 0, "$label: ixlearn_check('$idx', true) passes") or diag($err);
    }
    return $committed;
}

sub model_version
{
    my ($idx) = @_;
    return $node->safe_psql('postgres', "SELECT model_version FROM ixlearn_stats('$idx')");
}

# ---- phase 1: load, retrain loop, SIGKILL of the retraining backend ---------------

my $v0 = model_version('t_k');
my $load = pgbench_start(4, 60, 'rand.sql@6', 'asc.sql@2', 'dup.sql@2');
my $maint = pgbench_start(1, 60, 'maint.sql');
$node->poll_query_until('postgres', 'SELECT count(*) > 8000 FROM committed')
  or die 'load did not progress: ' . ${ $load->[1] } . ${ $maint->[1] };
$node->poll_query_until('postgres', q{SELECT count(*) > 0 FROM pg_stat_user_tables WHERE relname = 't' AND vacuum_count > 0})
  or die 'no VACUUM ran: ' . ${ $maint->[1] };
ok(model_version('t_k') > $v0 + 10, 'the model was retrained many times during the load');
my $u_leaves = $node->safe_psql('postgres', "SELECT leaves FROM ixlearn_stats('t_u')");
ok($u_leaves > 30, "t_u split into many leaves ($u_leaves)");

# Catch the retrain loop running (it is nearly all of that client's time) and kill it.
my $poller = $node->background_psql('postgres', on_error_stop => 0);
$poller->set_query_timer_restart;
my $victim = '';
for (1 .. 2000) {
    $victim = $poller->query(q{SELECT pid FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'DO $$BEGIN FOR i%ixlearn_retrain%'});
    last if $victim =~ /^\d+$/;
    select(undef, undef, undef, 0.01);
}
ok($victim =~ /^\d+$/, 'caught the backend running the retrain loop');
kill 'KILL', $victim if $victim =~ /^\d+$/;
pgbench_finish($load);
pgbench_finish($maint);
eval { $poller->quit };
$node->poll_query_until('postgres', 'SELECT true') or die 'server did not come back';
ok($node->log_contains('all server processes terminated; reinitializing'), 'the server went through crash recovery');
ok($node->log_contains("\\(PID $victim\\) was terminated by signal 9"), 'after the retraining backend was killed');
my $c1 = verify_after_crash('after SIGKILL during a retrain');
ok($c1 > 8000, "rows were committed before the crash ($c1)");

# The index works on after recovery: a retrain and VACUUM, then lookups.
$node->safe_psql('postgres', q{SELECT ixlearn_retrain('t_k'); VACUUM t;});
is($node->safe_psql('postgres', "SELECT splits_since_model FROM ixlearn_stats('t_u')"), '0',
    'VACUUM after recovery retrains');

# ---- phase 2: load again, immediate shutdown ------------------------------------------

$load = pgbench_start(4, 60, 'rand.sql@6', 'asc.sql@2', 'dup.sql@2');
$maint = pgbench_start(1, 60, 'maint.sql');
$node->poll_query_until('postgres', "SELECT count(*) > $c1 + 8000 FROM committed")
  or die 'load did not progress: ' . ${ $load->[1] };
$node->stop('immediate');
pgbench_finish($load);
pgbench_finish($maint);
$node->start;
my $c2 = verify_after_crash('after an immediate shutdown mid-load');
ok($c2 > $c1 + 8000, "more rows were committed before the second crash ($c2)");

# ---- phase 3: random differential queries under concurrent DML --------------------------

$node->safe_psql('postgres', 'VACUUM t');
my $dml = pgbench_start(4, 300, 'ins.sql@5', 'upd.sql@3', 'del.sql@2');
my $maint3 = pgbench_start(1, 300, 'maint3.sql');
my $v3 = model_version('t_k');

srand(20261207);
sub rkey { return int(rand(2_000_000_000)) }
sub ruuid
{
    return sprintf('%08x-%04x-%04x-%04x-%012x', int(rand(2**32)), int(rand(65536)), int(rand(65536)),
        int(rand(65536)), int(rand(2**32)) * 65536 + int(rand(65536)));
}
my @shapes = (
    sub { my $k = (rkey() % 20000 + 1) * 100000; ["SELECT count(*), sum(id) FROM t WHERE k = $k", 'Index Scan'] },
    sub { ["SELECT count(*), sum(id), min(id), max(id) FROM t WHERE k = 777777777", 'Bitmap Index Scan'] },
    sub { my $a = rkey(); my $w = int(rand(20_000_000));
          ["SELECT count(*), sum(id) FROM t WHERE k BETWEEN $a AND $a + $w", 'Bitmap Index Scan'] },
    sub { my $a = rkey(); my $n = 1 + int(rand(300)); ["SELECT k FROM t WHERE k > $a ORDER BY k LIMIT $n", 'Index Scan'] },
    sub { my $a = rkey() + int(rand(2)) * 1_000_000_000; my $n = 1 + int(rand(300));
          ["SELECT k FROM t WHERE k < $a ORDER BY k DESC LIMIT $n", 'Index Scan'] },
    sub { my @v = map { (rkey() % 20000 + 1) * 100000 } 1 .. 8; push @v, 777777777;
          ["SELECT count(*), sum(id) FROM t WHERE k = ANY('{" . join(',', @v) . "}')", 'Index Scan'] },
    sub { my @v = map { (rkey() % 20000 + 1) * 100000 } 1 .. 6;
          ["SELECT k FROM t WHERE k = ANY('{" . join(',', @v) . "}') ORDER BY k DESC", 'Index Scan'] },
    sub { ["SELECT count(*), sum(id) FROM t WHERE k IS NULL", 'Bitmap Index Scan'] },
    sub { my $a = rkey(); ["SELECT k FROM t WHERE k BETWEEN $a AND $a + 3000000 ORDER BY k", 'Index Only Scan'] },
    sub { my ($x, $y) = sort (ruuid(), ruuid());
          ["SELECT count(*), sum(id) FROM t WHERE u >= '$x' AND u < '$y'", 'Bitmap Index Scan'] },
    sub { my $x = ruuid(); my $n = 1 + int(rand(200)); ["SELECT u FROM t WHERE u > '$x' ORDER BY u LIMIT $n", 'Index Only Scan'] },
    sub { my $x = ruuid(); my $n = 1 + int(rand(200)); ["SELECT u FROM t WHERE u < '$x' ORDER BY u DESC LIMIT $n", 'Index Scan'] },
);

my $checker = $node->background_psql('postgres', on_error_stop => 0);
$checker->set_query_timer_restart;
my ($queries, $mismatches, $errors) = (0, '', '');
for my $round (1 .. 30) {
    my @qs = map { $shapes[ int(rand(@shapes)) ]->() } 1 .. 12;
    my $values = join(', ', map { "(\$q\$$_->[0]\$q\$, '$_->[1]')" } @qs);
    my ($out, $err) = $checker->query(qq{BEGIN ISOLATION LEVEL REPEATABLE READ;
        SELECT count(*) || ' ' || coalesce(string_agg(r, E'\\n') FILTER (WHERE r NOT LIKE 'same'), '')
          FROM (SELECT ixl_matches(q, s) AS r FROM (VALUES $values) v(q, s)) x;
        COMMIT;});
    if ($err || $out !~ /^(\d+) ?(.*)$/s) {
        $errors .= "round $round: $out\n";
        $checker->{stderr} = '';
        next;
    }
    $queries += $1;
    $mismatches .= "round $round:\n$2\n" if $2 ne '';
}
$checker->quit;
is($errors, '', 'every differential round ran');
is($mismatches, '', "index scans equal sequential scans in every snapshot ($queries random queries)");
ok($queries >= 300, "hundreds of random queries ran ($queries)");
ok(model_version('t_k') > $v3 + 2, 'retrains ran during the differential phase');
is($node->safe_psql('postgres', q{SELECT n_tup_upd > 0 AND n_tup_del > 0 FROM pg_stat_user_tables WHERE relname = 't'}),
   't', 'updates and deletes ran during the differential phase');

# Stop the load (pgbench ends with its -T; cancel it sooner).
$node->safe_psql('postgres', q{SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                               WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()});
pgbench_finish($dml);
pgbench_finish($maint3);
for my $idx (qw(t_k t_u)) {
    my ($ret, $out, $err) = $node->psql('postgres', "SELECT ixlearn_check('$idx', true)");
    is($ret, 0, "after the differential phase: ixlearn_check('$idx', true) passes") or diag($err);
}
$node->safe_psql('postgres', 'VACUUM t');
for my $idx (qw(t_k t_u)) {
    my ($ret, $out, $err) = $node->psql('postgres', "SELECT ixlearn_check('$idx', true)");
    is($ret, 0, "after a final VACUUM: ixlearn_check('$idx', true) passes") or diag($err);
}
for my $c (['k', 'ASC'], ['u', 'DESC']) {
    is(ordered_md5(@$c, 'index'), ordered_md5(@$c, 'seq'), "at the end a whole ordered scan of t_$c->[0] equals a sort");
}
ok(!$node->log_contains('PANIC|TRAP|terminated by signal (6|11)'), 'no PANIC, assertion failure or segfault');
# No statement of the load failed (an index error under concurrency, such as
# a leaf that cannot split, would show here); deadlocks between the DML
# clients are the only errors a correct index allows.
my @errors = grep { !/deadlock detected/ } (slurp_file($node->logfile) =~ /^.*\bERROR:.*$/mg);
is(scalar(@errors), 0, 'no statement of the load failed') or diag(join("\n", @errors[0 .. ($#errors < 9 ? $#errors : 9)]));

$node->stop;
done_testing();
