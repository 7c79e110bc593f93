# 010_ixbrin_concurrent_crash.pl — ixbrin under a concurrent load, then
# kill -9.
#
# pgbench runs three kinds of transactions at once: appends (new ranges
# get their first rows from several backends at a time), inserts into old
# ranges (summaries widen, and go out of key order), and deletes followed
# by VACUUM (ranges re-summarized while the inserts go on: the pending
# protocol of docs/ixbrin-format.md).  Meanwhile, rounds of random queries
# compare the ixbrin indexes (bitmap and ordered scans) with sequential
# scans inside one REPEATABLE READ snapshot each.  Then an inserting
# backend is killed with SIGKILL, the server recovers from WAL, and every
# committed row must be covered by its range's summary (ixbrin_check reads
# the heap), found through the index, and returned by ordered scans.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;

my $node = PostgreSQL::Test::Cluster->new('ixbrin_crash');
$node->init;
# full_page_writes = off: redo relies on each record alone, so a page
# logged as a delta where it needed an image would fail recovery.
$node->append_conf('postgresql.conf', "restart_after_crash = on\nfull_page_writes = off\nautovacuum = off\n");
$node->start;

$node->safe_psql('postgres', q{
    CREATE EXTENSION ixbrin;
    CREATE EXTENSION ixpack_test;
    CREATE TABLE t (id bigint, ts timestamptz, k int, note text);
    INSERT INTO t SELECT i, '2026-01-01'::timestamptz + i * interval '1 s', i % 50, 'n' || (i % 300)
      FROM generate_series(1, 20000) i;
    CREATE INDEX t_ts ON t USING ixbrin (ts, k) WITH (pages_per_range = 4);
    CREATE INDEX t_note ON t USING ixbrin (note text_bloom_ops, k int4_minmax_multi_ops) WITH (pages_per_range = 8);
    -- Every committed insert is also recorded here, in the same transaction.
    CREATE TABLE committed (id bigint PRIMARY KEY);
    CREATE SEQUENCE ids START 100000;
});

my %scripts = (
    'append.sql' => <<'PGB',
WITH n AS (SELECT nextval('ids') AS id FROM generate_series(1, 20)),
     ins AS (INSERT INTO t SELECT id, '2026-01-01'::timestamptz + id * interval '1 s', id % 50, 'n' || (id % 300) FROM n
             RETURNING id)
INSERT INTO committed SELECT id FROM ins;
PGB
    'old.sql' => <<'PGB',
\set r random(1, 20000)
WITH ins AS (INSERT INTO t SELECT nextval('ids'), '2026-01-01'::timestamptz + (:r + g) * interval '1 s' - interval '7 days',
                                  (:r + g) % 50, 'old' || g
               FROM generate_series(1, 5) g RETURNING id)
INSERT INTO committed SELECT id FROM ins;
PGB
    'vacuum.sql' => <<'PGB',
\set r random(1, 20000)
DELETE FROM t WHERE id BETWEEN :r AND :r + 200 AND id < 20000;
VACUUM (INDEX_CLEANUP ON) t;
PGB
);
for my $f (keys %scripts) {
    open(my $fh, '>', $node->basedir . "/$f") or die "write $f: $!";
    print $fh $scripts{$f};
    close $fh;
}
my $pgbench_out = '';
my $h = IPC::Run::start(
    [ 'pgbench', '-n', '-c', '4', '-T', '120',
      '-f', $node->basedir . '/append.sql@6', '-f', $node->basedir . '/old.sql@3', '-f', $node->basedir . '/vacuum.sql@1',
      '-h', $node->host, '-p', $node->port, 'postgres' ],
    '>', \$pgbench_out, '2>', \$pgbench_out);

# Differential rounds during the load: each in one snapshot, so that the
# index and the sequential scan see the same rows.
my $round = q{
    BEGIN ISOLATION LEVEL REPEATABLE READ;
    SELECT string_agg(r, E'\n') FROM (
      SELECT ixpack_test.index_matches_seqscan(q, s) AS r FROM (VALUES
        ('SELECT count(*), sum(id) FROM t WHERE ts BETWEEN ''2026-01-01 03:00'' AND ''2026-01-01 04:00''', 'Bitmap Index Scan'),
        ('SELECT count(*), sum(id) FROM t WHERE ts > now() - interval ''1 year'' OR ts > ''2026-01-02 12:00''', 'Bitmap Index Scan'),
        ('SELECT count(*), sum(id) FROM t WHERE note = ''old3'' AND k = 7', 'Bitmap Index Scan'),
        ('SELECT count(*), sum(id) FROM t WHERE k BETWEEN 10 AND 12 AND note = ''n17''', 'Bitmap Index Scan'),
        ('SELECT id FROM t ORDER BY ts DESC, id DESC LIMIT 50', 'Index Scan'),
        ('SELECT ts FROM t WHERE k = 9 ORDER BY ts LIMIT 200', 'Index Scan'),
        ('SELECT ts FROM t WHERE ts < ''2026-01-01 01:00'' ORDER BY ts DESC', 'Index Scan')) v(q, s)) x
     WHERE r NOT LIKE 'same (%';
    COMMIT;
};
my $mismatches = '';
for my $i (1 .. 8) {
    $node->poll_query_until('postgres', "SELECT count(*) > $i * 2000 FROM committed")
      or die "load did not progress: $pgbench_out";
    $mismatches .= $node->safe_psql('postgres', "SET enable_seqscan = on; $round");
}
is($mismatches, '', 'during the load, index scans and sequential scans agree in every round');
ok($node->safe_psql('postgres', 'SELECT count(*) FROM pg_stat_user_tables WHERE relname = \'t\' AND vacuum_count > 0'),
    'VACUUM ran during the load');

# kill -9 an inserting backend: every backend is terminated, the server
# reinitializes and replays WAL.
my $victim = $node->safe_psql('postgres',
    q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
       AND query LIKE 'INSERT%' LIMIT 1});
$victim = $node->safe_psql('postgres',
    q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() LIMIT 1})
  if $victim !~ /^\d+$/;
ok($victim =~ /^\d+$/, 'found a backend of the load');
kill 'KILL', $victim;
$h->finish;    # pgbench fails once its connections are gone
$node->poll_query_until('postgres', 'SELECT true') or die 'server did not come back';
ok($node->log_contains('all server processes terminated; reinitializing'), 'the server went through crash recovery');

my $committed = $node->safe_psql('postgres', 'SELECT count(*) FROM committed');
ok($committed > 16000, "rows were committed before the crash ($committed)");

is($node->safe_psql('postgres', q{SELECT count(*) FROM ixbrin_check('t_ts') WHERE problem <> 'bounds not exact'}), '0',
    'after recovery every heap row of t_ts is covered by its range summary');
is($node->safe_psql('postgres', q{SELECT count(*) FROM ixbrin_check('t_note') WHERE problem <> 'bounds not exact'}), '0',
    'and every row of t_note');
is($node->safe_psql('postgres', q{
    SET enable_seqscan = off; SET enable_indexscan = off;
    SELECT count(*) FROM (SELECT id FROM committed ORDER BY id DESC LIMIT 300) c
     WHERE NOT EXISTS (SELECT 1 FROM t WHERE t.id = c.id AND t.ts IN ('2026-01-01'::timestamptz + c.id * interval '1 s',
                                                                       '2026-01-01'::timestamptz + c.id * interval '1 s' - interval '7 days'))
       AND EXISTS (SELECT 1 FROM t WHERE t.id = c.id AND t.note NOT LIKE 'old%')}), '0',
   'the newest committed appends are found through the index');
my $ordered = q{SELECT md5(string_agg(id::text, ',')) FROM (SELECT id FROM t ORDER BY ts, id) s};
is($node->safe_psql('postgres', "SET enable_seqscan = off; SET enable_bitmapscan = off; $ordered"),
   $node->safe_psql('postgres', "SET enable_indexscan = off; $ordered"),
   'an ordered scan of the whole table returns every row, in the order a sort gives');
is($node->safe_psql('postgres', q{SELECT count(*) FROM committed c WHERE NOT EXISTS (SELECT 1 FROM t WHERE t.id = c.id)}),
   '0', 'every committed insert is in the table (the deletes touch only the first rows)');

$node->safe_psql('postgres', q{INSERT INTO t VALUES (-1, '2030-01-01', 1, 'after crash'); VACUUM t;});
is($node->safe_psql('postgres', q{SET enable_seqscan = off; SET enable_bitmapscan = off;
                                  SELECT id FROM t ORDER BY ts DESC LIMIT 1}), '-1', 'inserts and ordered scans work after recovery');

$node->stop;
done_testing();
