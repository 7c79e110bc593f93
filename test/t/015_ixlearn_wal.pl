# 015_ixlearn_wal.pl — ixlearn through WAL.
#
# What it covers, and why: ixlearn has no WAL resource manager of its own;
# every change is a GenericXLog record (a leaf re-coded in place; a split
# with the leaf, the new page, the right neighbour and the metapage in one
# record; a retrain that writes new model pages, switches the metapage and
# then frees the old model pages; the build's pages logged at its end; the
# init fork of an unlogged index).  A record that does not describe its
# page exactly, or pages that reach the standby in an order its readers
# cannot follow, show up only on a standby.  So a streaming standby
# replays every step:
#   build on int8 (with NULLs), on uuid, and on a multi-column DESC index
#     with NULLS LAST and INCLUDE columns (NaN, -0, NULLs in every column);
#   inserts that force many splits: random keys, keys appended past the
#     rightmost leaf, keys in ascending runs inside the chain, and long
#     runs of one duplicate key (splits inside a run of equal first columns);
#   DELETE + VACUUM (leaves re-coded, the model retrained: new model pages,
#     metapage switch, old pages freed and then reused by later splits;
#     leaves emptied by the DELETE of a key range unlinked, freed by the
#     next VACUUM and reused by splits);
#   more splits, then ixlearn_retrain; splits and retrains on the primary
#     while a standby session reads (index vs seqscan in one snapshot);
#   REINDEX; inserts after REINDEX;
#   an UNLOGGED index, rebuilt from its init fork when the standby is
#     promoted, which then takes inserts and splits.
# Both nodes run with wal_consistency_checking = 'generic': a page whose
# replay differs from what the primary wrote stops recovery.  After every
# step the standby answers a set of queries (point, range, ORDER BY ASC and
# DESC with LIMIT, = ANY, IS NULL, index-only, a whole ordered scan)
# through the index exactly as the primary does (the planner forced with
# enable_*; the plan is checked), each node's index answer equals its own
# sequential scan, ixlearn_check(index, false) passes on the standby and
# ixlearn_check(index, true) on the primary.  Long-lived sessions on both
# nodes keep their cached models across the steps, so a stale cached model
# (older than a retrain or a REINDEX) must still route correctly.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib "$FindBin::RealBin/../perl";
use IxlearnScans;

my $primary = PostgreSQL::Test::Cluster->new('ixl_primary');
$primary->init(allows_streaming => 1);
$primary->append_conf('postgresql.conf', "wal_consistency_checking = 'generic'\nautovacuum = off\n");
$primary->start;
$primary->safe_psql('postgres', "SELECT pg_create_physical_replication_slot('standby')");
$primary->backup('backup');

my $standby = PostgreSQL::Test::Cluster->new('ixl_standby');
$standby->init_from_backup($primary, 'backup', has_streaming => 1);
$standby->append_conf('postgresql.conf',
    "wal_consistency_checking = 'generic'\nprimary_slot_name = 'standby'\nmax_standby_streaming_delay = -1\n");
$standby->start;

# The differential check, in SQL so that it runs on either node: the query
# through the index (plan checked), then by sequential scan; 'same' and the
# md5 of the answer, or what differs.
my $helper = $scan_rows_sql . q{
CREATE FUNCTION ixl_matches(query text, scan text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  idx record; seq record;
BEGIN
  SELECT * INTO idx FROM ixl_scan_rows(query, scan);
  SELECT * INTO seq FROM ixl_scan_rows(query, NULL);
  IF idx.plan NOT LIKE ixl_scan_pattern(scan) OR idx.plan NOT SIMILAR TO '%(using|on) (t8_k|tu_u|tm_i|u_k)%' THEN
    RETURN 'NO ' || upper(scan) || ' ON AN IXLEARN INDEX: ' || idx.plan;
  END IF;
  IF idx.rows IS DISTINCT FROM seq.rows THEN
    RETURN format('DIFF index=%s seq=%s', left(coalesce(idx.rows, '{}')::text, 400),
                  left(coalesce(seq.rows, '{}')::text, 400));
  END IF;
  RETURN 'same ' || md5(coalesce(idx.rows, '{}')::text);
END $$;
};

$primary->safe_psql('postgres', qq{
    CREATE EXTENSION ixlearn;
    CREATE EXTENSION pageinspect;
    $helper
    SELECT setseed(0.15);
    -- int8, ascending, with NULLs.
    CREATE TABLE t8 (id bigint, k bigint) WITH (autovacuum_enabled = off);
    INSERT INTO t8 SELECT g, CASE WHEN g % 997 <> 0 THEN g * 10 END FROM generate_series(1, 40000) g;
    CREATE INDEX t8_k ON t8 USING ixlearn (k);
    -- uuid, random.
    CREATE TABLE tu (id int, u uuid) WITH (autovacuum_enabled = off);
    INSERT INTO tu SELECT g, CASE WHEN g % 501 <> 0 THEN md5('u' || g)::uuid END FROM generate_series(1, 5000) g;
    CREATE INDEX tu_u ON tu USING ixlearn (u);
    -- Three key columns (DESC, ASC, DESC NULLS LAST) and two INCLUDE columns.
    CREATE TABLE tm (id int, a int4, b timestamptz, c float8, inc text) WITH (autovacuum_enabled = off);
    INSERT INTO tm SELECT g, CASE WHEN g % 97 <> 0 THEN (g * 7919) % 1000 END,
        CASE WHEN g % 89 <> 0 THEN '2026-01-01'::timestamptz + (g % 5000) * interval '1 min' END,
        CASE WHEN g % 83 = 0 THEN NULL WHEN g % 50 = 0 THEN 'NaN' WHEN g % 51 = 0 THEN -0.0 ELSE (g % 333) / 7.0 END,
        'inc' || g
      FROM generate_series(1, 15000) g;
    CREATE INDEX tm_i ON tm USING ixlearn (a DESC, b, c DESC NULLS LAST) INCLUDE (inc, id);
});

# Queries: [sql, the scan to force].  Each is deterministic: aggregates,
# or only the ORDER BY columns (rows that tie on them are equal).
my @queries = (
    # t8 (int8)
    [q{SELECT count(*), sum(id), min(id), max(id) FROM t8 WHERE k = 424242}, 'Index Scan'],
    [q{SELECT count(*), sum(id), min(id), max(id) FROM t8 WHERE k = 5000}, 'Bitmap Index Scan'],
    [q{SELECT count(*), sum(id) FROM t8 WHERE k BETWEEN 120000 AND 260000}, 'Bitmap Index Scan'],
    [q{SELECT count(*), sum(id) FROM t8 WHERE k > 399990 AND k <= 430000}, 'Index Scan'],
    [q{SELECT k FROM t8 WHERE k > 123456 ORDER BY k LIMIT 200}, 'Index Scan'],
    [q{SELECT k FROM t8 WHERE k < 424242 ORDER BY k DESC LIMIT 200}, 'Index Scan'],
    [q{SELECT k FROM t8 ORDER BY k DESC LIMIT 50}, 'Index Scan'],
    [q{SELECT k FROM t8 WHERE k IS NOT NULL ORDER BY k DESC LIMIT 50}, 'Index Scan'],
    [q{SELECT count(*), sum(id) FROM t8 WHERE k = ANY('{10, 5000, 424242, 399990, 400001, 1, -5, 77770}')}, 'Index Scan'],
    [q{SELECT k FROM t8 WHERE k = ANY('{10, 5000, 424242, 404242, 400001, 77770}') ORDER BY k DESC}, 'Index Scan'],
    [q{SELECT count(*), sum(id) FROM t8 WHERE k IS NULL}, 'Index Scan'],
    [q{SELECT k FROM t8 WHERE k BETWEEN 4000 AND 6000 ORDER BY k}, 'Index Only Scan'],
    [q{SELECT md5(string_agg(coalesce(k::text, 'N'), ',')) FROM (SELECT k FROM t8 ORDER BY k) s}, 'Index Only Scan'],
    [q{SELECT md5(string_agg(coalesce(k::text, 'N'), ',')) FROM (SELECT k FROM t8 ORDER BY k DESC) s}, 'Index Scan'],
    # tu (uuid)
    [q{SELECT count(*), sum(id) FROM tu WHERE u = md5('u17')::uuid}, 'Index Scan'],
    [q{SELECT count(*), sum(id) FROM tu WHERE u BETWEEN '40000000-0000-0000-0000-000000000000' AND '4fffffff-ffff-ffff-ffff-ffffffffffff'}, 'Bitmap Index Scan'],
    [q{SELECT u FROM tu WHERE u > 'c0000000-0000-0000-0000-000000000000' ORDER BY u LIMIT 100}, 'Index Scan'],
    [q{SELECT u FROM tu ORDER BY u DESC LIMIT 100}, 'Index Only Scan'],
    [q{SELECT count(*), sum(id) FROM tu WHERE u = ANY(ARRAY[md5('u1')::uuid, md5('u2')::uuid, md5('x3')::uuid, md5('nope')::uuid])}, 'Index Scan'],
    [q{SELECT count(*), sum(id) FROM tu WHERE u IS NULL}, 'Bitmap Index Scan'],
    [q{SELECT md5(string_agg(coalesce(u::text, 'N'), ',')) FROM (SELECT u FROM tu ORDER BY u) s}, 'Index Only Scan'],
    # tm (a DESC, b, c DESC NULLS LAST) INCLUDE (inc, id)
    [q{SELECT count(*), sum(id) FROM tm WHERE a = 500}, 'Index Scan'],
    [q{SELECT a, b, c FROM tm WHERE a BETWEEN 100 AND 120 AND b > '2026-01-02' ORDER BY a DESC, b, c DESC NULLS LAST}, 'Index Scan'],
    [q{SELECT a, b, c FROM tm ORDER BY a DESC, b, c DESC NULLS LAST LIMIT 100}, 'Index Scan'],
    [q{SELECT a, b, c FROM tm ORDER BY a, b DESC, c NULLS FIRST LIMIT 100}, 'Index Scan'],
    [q{SELECT a, b, c, inc, id FROM tm WHERE a = 7 ORDER BY a DESC, b, c DESC NULLS LAST, inc}, 'Index Only Scan'],
    [q{SELECT count(*), sum(id) FROM tm WHERE a = ANY('{1, 5, 999, 500, -3}') AND c = 'NaN'}, 'Bitmap Index Scan'],
    [q{SELECT count(*), sum(id) FROM tm WHERE a IS NULL}, 'Bitmap Index Scan'],
    [q{SELECT count(*), sum(id) FROM tm WHERE a IS NOT NULL AND b IS NULL}, 'Bitmap Index Scan'],
    [q{SELECT count(*), sum(id) FROM tm WHERE a < 20 AND c = 0}, 'Index Scan'],
    [q{SELECT a, b, c::text FROM tm WHERE a = ANY('{7, 8, 9}') ORDER BY a DESC, b, c DESC NULLS LAST}, 'Index Only Scan'],
    [q{SELECT md5(string_agg(concat_ws('/', a, b, c, inc, id), ',')) FROM (SELECT a, b, c, inc, id FROM tm ORDER BY a DESC, b, c DESC NULLS LAST, inc) s}, 'Index Only Scan'],
);

my %force = (
    'Index Scan' => 'SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off;',
    'Index Only Scan' => 'SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_indexscan = off;',
    'Bitmap Index Scan' => 'SET enable_seqscan = off; SET enable_indexscan = off; SET enable_indexonlyscan = off;',
);

# Long-lived sessions: their cached models outlive the steps.
my $p_session = $primary->background_psql('postgres', on_error_stop => 0);
my $s_session = $standby->background_psql('postgres', on_error_stop => 0);
$_->set_query_timer_restart for ($p_session, $s_session);

# All queries in one statement: per query its number and 'same <md5 of
# the index answer>', or what differs.
my $all_queries = q{SELECT string_agg(i || ': ' || ixl_matches(q, s), E'\n' ORDER BY i) FROM (VALUES }
  . join(', ', map { "($_, \$q\$$queries[$_][0]\$q\$, '$queries[$_][1]')" } 0 .. $#queries) . ') v(i, q, s)';

sub compare
{
    my ($step, @indexes) = @_;
    $primary->wait_for_catchup($standby);
    my $p = $primary->safe_psql('postgres', $all_queries);
    my $s = $standby->safe_psql('postgres', $all_queries);
    my @pl = split /\n/, $p;
    my @sl = split /\n/, $s;
    is(scalar(@pl), scalar(@queries), "$step: every query ran on the primary");
    is(join("\n", map { "[$_] $queries[$_][0]: $pl[$_]" } grep { $pl[$_] !~ /^$_: same [0-9a-f]{32}$/ } 0 .. $#pl), '',
        "$step: on the primary every index answer equals its sequential scan");
    is(join("\n", map { "[$_] $queries[$_][0]: $sl[$_]" } grep { $sl[$_] !~ /^$_: same [0-9a-f]{32}$/ } 0 .. $#sl), '',
        "$step: on the standby every index answer equals its sequential scan");
    is($s, $p, "$step: the standby answers every query through the index as the primary does");
    # The long-lived sessions keep the models they cached in earlier steps.
    for my $sess ([$p_session, 'primary'], [$s_session, 'standby']) {
        my $out = $sess->[0]->query($all_queries);
        chomp $out;
        is($out, $p, "$step: a long-lived $sess->[1] session (its cached model) answers as the primary does");
    }
    for my $idx (@indexes) {
        my ($ret, $out, $err) = $standby->psql('postgres', "SELECT ixlearn_check('$idx', false)");
        is($ret, 0, "$step: ixlearn_check('$idx', false) passes on the standby") or diag($err);
        ($ret, $out, $err) = $primary->psql('postgres', "SELECT ixlearn_check('$idx', true)");
        is($ret, 0, "$step: ixlearn_check('$idx', true) passes on the primary") or diag($err);
    }
}

sub stats
{
    my ($node, $idx) = @_;
    my @v = split /\|/, $node->safe_psql('postgres',
        "SELECT model_version, splits_since_model, leaves, model_leaves, entries FROM ixlearn_stats('$idx')");
    return { version => $v[0], splits => $v[1], leaves => $v[2], model_leaves => $v[3], entries => $v[4] };
}

my @all = qw(t8_k tu_u tm_i);
compare('after build', @all);
my %built = map { $_ => stats($primary, $_) } @all;
is($built{t8_k}{version}, 1, 'a build writes model version 1');

# Splits: random keys, keys appended past the end (rightmost splits),
# ascending keys inside the chain, and runs of one duplicate key (one inside
# the appended range, one in the middle of the built leaves).
$primary->safe_psql('postgres', q{
    INSERT INTO t8 SELECT 100000 + g, abs(hashint8(g)) % 400000 FROM generate_series(1, 6000) g;
    INSERT INTO t8 SELECT 200000 + g, 400000 + g FROM generate_series(1, 5000) g;
    INSERT INTO t8 SELECT 300000 + g, 424242 FROM generate_series(1, 7000) g;
    INSERT INTO t8 SELECT 400000 + g, 5000 FROM generate_series(1, 3000) g;
    INSERT INTO t8 SELECT 500000 + g, 77770 + g % 3 FROM generate_series(1, 1500) g;
    INSERT INTO t8 SELECT 600000 + g, NULL FROM generate_series(1, 500) g;
    INSERT INTO tu SELECT 10000 + g, md5('x' || g)::uuid FROM generate_series(1, 6000) g;
    INSERT INTO tm SELECT 20000 + g, CASE WHEN g % 13 <> 0 THEN (g * 31) % 1000 END,
        '2026-01-01'::timestamptz + (g % 700) * interval '1 h',
        CASE WHEN g % 7 = 0 THEN NULL WHEN g % 11 = 0 THEN '-Infinity' ELSE g / 3.0 END, repeat('i', g % 40)
      FROM generate_series(1, 5000) g;
});
my %split = map { $_ => stats($primary, $_) } @all;
ok($split{t8_k}{splits} >= 10 && $split{t8_k}{leaves} > $built{t8_k}{leaves} + 10,
    "t8_k split many times ($split{t8_k}{splits} splits, $built{t8_k}{leaves} -> $split{t8_k}{leaves} leaves)");
ok($split{tu_u}{splits} >= 10, "tu_u split many times ($split{tu_u}{splits})");
ok($split{tm_i}{splits} >= 10, "tm_i split many times ($split{tm_i}{splits})");
is($split{t8_k}{version}, 1, 'splits do not retrain the model');
compare('after inserts that split', @all);

$primary->safe_psql('postgres', q{
    DELETE FROM t8 WHERE id % 3 = 0 OR k BETWEEN 100000 AND 200000 OR id BETWEEN 300001 AND 303000;
    DELETE FROM tu WHERE id % 4 = 0;
    DELETE FROM tm WHERE a BETWEEN 200 AND 400 OR id % 5 = 0;
    VACUUM t8, tu, tm;
});
$primary->wait_for_catchup($standby);
for my $idx (@all) {
    my $s = stats($standby, $idx);
    is($s->{version}, $split{$idx}{version} + 1, "VACUUM retrained $idx (the standby reads the new model)");
    is($s->{splits}, 0, "$idx: no split since the new model");
    is($s->{model_leaves}, $s->{leaves}, "$idx: the new model lists every leaf");
}
compare('after DELETE and VACUUM (retrained)', @all);

# Pages of the deleted kind (flags 8, the first byte of the special space):
# the old model's pages, freed by the retrain, for later splits to reuse.
sub deleted_pages
{
    my ($node, $idx) = @_;
    return $node->safe_psql('postgres', qq{
        SELECT count(*) FROM generate_series(1, pg_relation_size('$idx') / 8192 - 1) b
         WHERE get_byte(get_raw_page('$idx', b::int), 8176) = 8});
}
ok(deleted_pages($standby, 't8_k') >= 1, 'the old model page of t8_k is free (as replayed on the standby)');

# Leaves of the unlinked kind (flags 16): the DELETE of keys 100000 ..
# 200000 emptied leaves of t8_k, which VACUUM took out of the chain (their
# key range went to the leaf on their right); they wait for a later
# VACUUM to free them.
sub unlinked_pages
{
    my ($node, $idx) = @_;
    return $node->safe_psql('postgres', qq{
        SELECT count(*) FROM generate_series(1, pg_relation_size('$idx') / 8192 - 1) b
         WHERE get_byte(get_raw_page('$idx', b::int), 8176) = 16});
}
my $unlinked = unlinked_pages($standby, 't8_k');
ok($unlinked >= 3, "VACUUM unlinked the leaves it emptied in t8_k ($unlinked, as replayed on the standby)");
is($primary->safe_psql('postgres', "SELECT unlinked_leaves FROM ixlearn_stats('t8_k')"), $unlinked,
    'the metapage counts them');

# Splits again (into pages the retrain freed), then ixlearn_retrain.
$primary->safe_psql('postgres', q{
    INSERT INTO t8 SELECT 700000 + g, abs(hashint8(g + 7)) % 500000 FROM generate_series(1, 4000) g;
    INSERT INTO tu SELECT 20000 + g, md5('y' || g)::uuid FROM generate_series(1, 3000) g;
    UPDATE tm SET c = c + 1 WHERE id % 7 = 1;
});
compare('after more splits on a retrained index', @all);
is(deleted_pages($primary, 't8_k'), 0, 'the splits reused the freed model page');
my %before_retrain = map { $_ => stats($primary, $_) } @all;
ok($before_retrain{t8_k}{splits} > 0, 'leaves split since the last model');
$primary->safe_psql('postgres', q{SELECT ixlearn_retrain('t8_k'); SELECT ixlearn_retrain('tu_u'); SELECT ixlearn_retrain('tm_i');});
$primary->wait_for_catchup($standby);
is(stats($standby, 't8_k')->{version}, $before_retrain{t8_k}{version} + 1, 'ixlearn_retrain switched the model (as the standby sees it)');
my ($rret, $rout, $rerr) = $standby->psql('postgres', "SELECT ixlearn_retrain('t8_k')");
like($rerr, qr/recovery is in progress/, 'ixlearn_retrain refuses to run on the standby');
compare('after ixlearn_retrain', @all);

# The unlinked leaves are freed by a later VACUUM, once no transaction
# older than their unlink is left, as deleted pages, and splits reuse
# them.  (A VACUUM may still find such a transaction's snapshot held
# somewhere on the primary: one CI run saw the first VACUUM after the
# unlink leave them in place; it is repeated, for at most 30 s, so the
# test asserts that they are freed, not how soon.)  The long-lived sessions' cached models are older
# than the leaves' freeing: lookups through them must notice a freed or
# reused page and take the current model.
my $vacuums = 0;
while ($vacuums < 30) {
    $primary->safe_psql('postgres', 'VACUUM t8');
    ++$vacuums;
    last if unlinked_pages($primary, 't8_k') == 0;
    sleep 1;
}
$primary->wait_for_catchup($standby);
is(unlinked_pages($standby, 't8_k'), 0,
    "a later VACUUM freed the unlinked leaves (as replayed on the standby; VACUUM ran $vacuums time(s))");
is($primary->safe_psql('postgres', "SELECT unlinked_leaves FROM ixlearn_stats('t8_k')"), '0',
    'the metapage counts none left');
ok(deleted_pages($standby, 't8_k') >= $unlinked, 'they are free pages');
compare('after the unlinked leaves were freed', @all);
my $t8_size = $primary->safe_psql('postgres', "SELECT pg_relation_size('t8_k')");
my $t8_free = deleted_pages($primary, 't8_k');
$primary->safe_psql('postgres', q{
    INSERT INTO t8 SELECT 750000 + g, 150000 + (abs(hashint8(g)) % 50000) FROM generate_series(1, 2000) g;
});
my $t8_free_after = deleted_pages($primary, 't8_k');
ok($t8_free_after < $t8_free, "splits into the emptied key range took freed pages ($t8_free -> $t8_free_after)");
is($primary->safe_psql('postgres', "SELECT pg_relation_size('t8_k')"), $t8_size,
    'and the index did not grow');
compare('after splits into freed leaves', @all);

# Hot standby readers while replay splits leaves and switches models under
# them: the primary inserts (splits) and retrains in a loop, committing
# each round; meanwhile the long-lived standby session (its cached model
# goes stale) compares index scans with sequential scans, each round in
# one REPEATABLE READ snapshot.
my $v_before_hot = stats($primary, 't8_k')->{version};
my $writer = $primary->background_psql('postgres');
$writer->set_query_timer_restart;
$writer->query_until(qr/writer started/, q{
\echo writer started
DO $$BEGIN FOR i IN 1 .. 120 LOOP
  INSERT INTO t8 SELECT 1000000 + i * 1000 + g, abs(hashint8(i * 1000 + g)) % 500000 FROM generate_series(1, 100) g;
  IF i % 2 = 0 THEN PERFORM ixlearn_retrain('t8_k'); END IF;
  COMMIT;
  PERFORM pg_sleep(0.02);
END LOOP; END$$;
});
my @hot = (
    [q{SELECT count(*), sum(id) FROM t8 WHERE k BETWEEN 120000 AND 260000}, 'Bitmap Index Scan'],
    [q{SELECT k FROM t8 WHERE k < 424242 ORDER BY k DESC LIMIT 300}, 'Index Scan'],
    [q{SELECT k FROM t8 WHERE k > 123456 ORDER BY k LIMIT 300}, 'Index Only Scan'],
    [q{SELECT count(*), sum(id) FROM t8 WHERE k = ANY('{10, 5000, 424242, 399990, 400001, 77770}')}, 'Index Scan'],
);
my $hot_sql = q{BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT count(*) || ' ' || coalesce(string_agg(r, E'\n') FILTER (WHERE r NOT LIKE 'same %'), '') FROM (SELECT ixl_matches(q, s) AS r FROM (VALUES }
  . join(', ', map { "(\$q\$$_->[0]\$q\$, '$_->[1]')" } @hot) . q{) v(q, s)) x;
COMMIT;};
my ($hot_rounds, $hot_bad) = (0, '');
for (1 .. 400) {
    my ($out, $err) = $s_session->query($hot_sql);
    $hot_rounds++;
    if ($err || $out !~ /^\d+ $/) {
        $hot_bad .= "round $hot_rounds: $out $s_session->{stderr}\n";
        $s_session->{stderr} = '';
    }
    last if $hot_rounds >= 10
      && $primary->safe_psql('postgres', q{SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%FOR i IN 1 .. 120 LOOP%' AND state = 'active' AND pid <> pg_backend_pid()}) eq '0';
}
$writer->quit;
is($hot_bad, '', "hot standby reads during replay of splits and retrains: index equals seqscan ($hot_rounds rounds)");
ok(stats($primary, 't8_k')->{version} >= $v_before_hot + 60, 'the primary retrained while the standby read');
ok($hot_rounds >= 15, "the standby read in many rounds meanwhile ($hot_rounds)");
compare('after concurrent splits and retrains', @all);

$primary->safe_psql('postgres', q{
    REINDEX INDEX t8_k;
    REINDEX TABLE tm;
    REINDEX INDEX tu_u;
});
is(stats($primary, 't8_k')->{version}, 1, 'REINDEX starts at model version 1');
compare('after REINDEX', @all);
$primary->safe_psql('postgres', q{
    INSERT INTO t8 SELECT 800000 + g, 424242 - g % 2 FROM generate_series(1, 3000) g;
    INSERT INTO t8 SELECT 900000 + g, -g FROM generate_series(1, 2000) g;
    INSERT INTO tm SELECT 30000 + g, 7, '2026-02-01', g, 'x' FROM generate_series(1, 2000) g;
});
compare('after inserts into the reindexed indexes', @all);

# An unlogged table: only its init fork (metapage, an empty leaf, its
# model) reaches the standby; promotion copies it into the main fork.
$primary->safe_psql('postgres', q{
    CREATE UNLOGGED TABLE u (id int, k int8);
    CREATE INDEX u_k ON u USING ixlearn (k);
    INSERT INTO u SELECT g, g FROM generate_series(1, 1000) g;
});
$primary->wait_for_catchup($standby);

ok(!$primary->log_contains('inconsistent page found'), 'no wal_consistency_checking failure on the primary');
ok(!$standby->log_contains('inconsistent page found'), 'no wal_consistency_checking failure on the standby');
ok(!$standby->log_contains('terminated by signal'), 'no standby process crashed');

$p_session->quit;
$s_session->quit;
$primary->stop;
$standby->promote;
is($standby->safe_psql('postgres', 'SELECT count(*) FROM u'), '0', 'after promotion the unlogged table is empty');
my ($uret, $uout, $uerr) = $standby->psql('postgres', "SELECT ixlearn_check('u_k', true)");
is($uret, 0, 'the unlogged index reset from its init fork passes ixlearn_check') or diag($uerr);
$standby->safe_psql('postgres', q{
    INSERT INTO u SELECT g, (g * 7919) % 30011 FROM generate_series(1, 30000) g;
    INSERT INTO u SELECT 100000 + g, 5 FROM generate_series(1, 3000) g;
});
ok(stats($standby, 'u_k')->{splits} >= 5, 'the reset unlogged index takes inserts and splits');
my $uq = q{SELECT k FROM u ORDER BY k DESC LIMIT 3};
like($standby->safe_psql('postgres', "$force{'Index Scan'} EXPLAIN (COSTS OFF) $uq"), qr/Index Scan Backward using u_k/,
    'the promoted node plans the unlogged index');
is($standby->safe_psql('postgres', "$force{'Index Scan'} $uq"), "30010\n30009\n30008", 'and its index answers');
like($standby->safe_psql('postgres', q{SELECT ixl_matches('SELECT count(*), sum(id) FROM u WHERE k = 5', 'Index Scan')}),
    qr/^same /, 'point lookups in the reset index equal a sequential scan');
($uret, $uout, $uerr) = $standby->psql('postgres', "SELECT ixlearn_check('u_k', true)");
is($uret, 0, 'ixlearn_check passes on the grown unlogged index') or diag($uerr);
$standby->safe_psql('postgres', 'VACUUM u');
is(stats($standby, 'u_k')->{splits}, 0, 'VACUUM retrains the unlogged index');
is($standby->safe_psql('postgres', "$force{'Index Scan'} $uq"), "30010\n30009\n30008", 'which still answers');

$standby->stop;
done_testing();
