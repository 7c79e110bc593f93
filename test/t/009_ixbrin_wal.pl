# 009_ixbrin_wal.pl — ixbrin through WAL: a streaming standby replays every
# step (build, inserts into summarized and new ranges, summaries that grow
# and move to other pages, a second range-map page, DELETE + VACUUM
# re-summarizing ranges, the maintenance functions, REINDEX) and answers
# every query, bitmap and ordered, exactly as the primary does; both run
# with wal_consistency_checking = 'generic', so any page whose replay
# differs from the page the primary wrote stops recovery.  An unlogged
# index, rebuilt from its init fork on promotion, works there.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->append_conf('postgresql.conf', "wal_consistency_checking = 'generic'\n");
$primary->start;
$primary->safe_psql('postgres', "SELECT pg_create_physical_replication_slot('standby')");
$primary->backup('backup');

my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'backup', has_streaming => 1);
$standby->append_conf('postgresql.conf', "wal_consistency_checking = 'generic'\nprimary_slot_name = 'standby'\n");
$standby->start;

my @bitmap = (
    q{SELECT count(*), sum(id) FROM t WHERE ts BETWEEN '2026-01-05' AND '2026-01-06'},
    q{SELECT count(*), sum(id) FROM t WHERE ts > '2026-03-01' AND k = 7},
    q{SELECT count(*), sum(id) FROM t WHERE note > 'n9' },
    q{SELECT count(*), sum(id) FROM t WHERE ts IS NULL},
    q{SELECT count(*), sum(a) FROM w WHERE a BETWEEN 1000 AND 1100},
);
my @ordered = (
    q{SELECT string_agg(id::text, ',') FROM (SELECT id FROM t ORDER BY ts DESC, id DESC LIMIT 20) s},
    q{SELECT string_agg(ts::text, ',') FROM (SELECT ts FROM t WHERE k = 3 ORDER BY ts LIMIT 20) s},
    q{SELECT string_agg(a::text, ',') FROM (SELECT a FROM w ORDER BY a DESC LIMIT 10) s},
);

# Same answers, through the index, on both nodes, and as a seqscan gives.
sub compare
{
    my ($step) = @_;
    $primary->wait_for_catchup($standby);
    for my $case ((map { [$_, 'SET enable_seqscan = off; SET enable_indexscan = off;', qr/Bitmap Index Scan/] } @bitmap),
                  (map { [$_, 'SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_sort = off;', qr/Index Scan/] } @ordered)) {
        my ($q, $force, $plan) = @$case;
        my $p = $primary->safe_psql('postgres', "$force $q");
        my $s = $standby->safe_psql('postgres', "$force $q");
        is($s, $p, "$step: standby equals primary for: $q");
        like($standby->safe_psql('postgres', "$force EXPLAIN (COSTS OFF) $q"), $plan,
            "$step: the standby answered through the index: $q");
        my $seq = $primary->safe_psql('postgres', "SET enable_bitmapscan = off; SET enable_indexscan = off; $q");
        is($p, $seq, "$step: index equals seqscan for: $q");
    }
    is($standby->safe_psql('postgres', q{SELECT count(*) FROM ixbrin_check('t_ts') WHERE problem <> 'bounds not exact'}),
        '0', "$step: every row on the standby is covered by its range's summary");
}

$primary->safe_psql('postgres', q{
    CREATE EXTENSION ixbrin;
    CREATE TABLE t (id int, ts timestamptz, k int, note text) WITH (autovacuum_enabled = off);
    INSERT INTO t SELECT i, CASE WHEN i % 101 <> 0 THEN '2026-01-01'::timestamptz + i * interval '1 minute' END,
                         i % 10, 'n' || (i % 1000)
      FROM generate_series(1, 100000) i;
    CREATE INDEX t_ts ON t USING ixbrin (ts, k, note) WITH (pages_per_range = 8);
    -- w: one page per range and more than one map page's 1019 entries.
    CREATE TABLE w (a int, pad text) WITH (autovacuum_enabled = off, fillfactor = 10);
    INSERT INTO w SELECT i, repeat('p', 100) FROM generate_series(1, 12000) i;
    CREATE INDEX w_a ON w USING ixbrin (a) WITH (pages_per_range = 1);
});
ok($primary->safe_psql('postgres', 'SELECT count(*) FROM ixbrin_ranges(\'w_a\')') > 1019, 'w needs two map pages');
compare('after build');

$primary->safe_psql('postgres', q{
    INSERT INTO t SELECT i, '2026-01-01'::timestamptz + i * interval '1 minute', i % 10, 'n' || (i % 1000)
      FROM generate_series(100001, 130000) i;
    INSERT INTO w SELECT i, repeat('p', 100) FROM generate_series(12001, 14000) i;
});
compare('after inserts into new ranges (new summaries, a map page extended)');

# Long notes make summaries grow past their page's free space: they move.
$primary->safe_psql('postgres', q{
    INSERT INTO t SELECT i, '2026-01-01'::timestamptz + (i % 130000) * interval '1 minute', i % 10,
                         'n9' || repeat(chr(65 + i % 26), 200 + i % 300)
      FROM generate_series(130001, 131000) i;
});
compare('after summaries grew and moved');

$primary->safe_psql('postgres', q{
    DELETE FROM t WHERE id % 5 = 0 OR id BETWEEN 20000 AND 40000;
    VACUUM t;
    DELETE FROM w WHERE a % 3 = 0;
    VACUUM w;
});
compare('after DELETE and VACUUM (re-summarized ranges)');
is($primary->safe_psql('postgres', 'SELECT count(*) FROM ixbrin_check(\'t_ts\')'), '0', 'primary: every summary exact');

$primary->safe_psql('postgres', q{
    SELECT ixbrin_desummarize_range('t_ts', 0);
    SELECT ixbrin_desummarize_range('t_ts', 800);
    INSERT INTO t VALUES (-1, '2026-01-01', 3, 'into a desummarized range');
});
compare('after desummarizing');
$primary->safe_psql('postgres', q{
    SELECT ixbrin_summarize_new_values('t_ts');
    SELECT ixbrin_summarize_range('t_ts', 4000);
    UPDATE t SET k = k + 1 WHERE id % 11 = 0;
    REINDEX INDEX t_ts;
});
compare('after summarizing, UPDATE and REINDEX');

$primary->safe_psql('postgres', q{
    CREATE UNLOGGED TABLE u (a int, ts timestamptz);
    CREATE INDEX u_ts ON u USING ixbrin (ts);
    INSERT INTO u SELECT i, '2026-01-01'::timestamptz + i * interval '1 s' FROM generate_series(1, 1000) i;
});
$primary->wait_for_catchup($standby);

ok(!$primary->log_contains('inconsistent page found'), 'no wal_consistency_checking failure on the primary');
ok(!$standby->log_contains('inconsistent page found'), 'no wal_consistency_checking failure on the standby');

$primary->stop;
$standby->promote;
is($standby->safe_psql('postgres', 'SELECT count(*) FROM u'), '0', 'after promotion the unlogged table is empty');
$standby->safe_psql('postgres', q{INSERT INTO u SELECT i, '2026-06-01'::timestamptz + i * interval '1 s' FROM generate_series(1, 2000) i});
my $uq = q{SELECT string_agg(a::text, ',') FROM (SELECT a FROM u ORDER BY ts DESC LIMIT 3) s};
like($standby->safe_psql('postgres', "SET enable_seqscan = off; EXPLAIN (COSTS OFF) $uq"), qr/Index Scan Backward using u_ts/,
    'the promoted node plans the unlogged index');
is($standby->safe_psql('postgres', "SET enable_seqscan = off; $uq"), '2000,1999,1998',
    'and its index, reset from the init fork, answers');
is($standby->safe_psql('postgres', q{SELECT count(*) FROM ixbrin_ranges('u_ts') WHERE state = 'summarized'}), '1',
    'its range was summarized by the inserts');

$standby->stop;
done_testing();
