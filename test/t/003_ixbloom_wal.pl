# 003_ixbloom_wal.pl — ixbloom through WAL: a streaming standby replays
# every step (build, buffered inserts, folds, deletes, VACUUM, merges, with
# scans running on the standby while merges replay) and answers
# every query exactly as the primary does, while the primary runs with
# wal_consistency_checking = 'generic' (any mismatch between a page and its
# replayed image would stop recovery on the primary's own checks).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->append_conf('postgresql.conf', "wal_consistency_checking = 'generic'\n");
# VACUUM folds even a small insert buffer, so that every fold path is logged.
$primary->append_conf('postgresql.conf', "ixbloom.vacuum_fold_min_pages = 1\n");
$primary->start;
# A slot keeps every segment until the standby has it: checking every page
# image makes the standby's replay slower than the primary's load, and a
# checkpoint must not remove WAL it still needs.
$primary->safe_psql('postgres', "SELECT pg_create_physical_replication_slot('standby')");
$primary->backup('backup');

my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'backup', has_streaming => 1);
$standby->append_conf('postgresql.conf', "wal_consistency_checking = 'generic'\nprimary_slot_name = 'standby'\n");
$standby->start;

my @queries = (
    'SELECT count(*) FROM t WHERE a = 17',
    'SELECT count(*) FROM t WHERE b = 3 AND c = \'c7\'',
    'SELECT count(*) FROM t WHERE c IS NULL',
    'SELECT count(*) FROM t WHERE a = ANY(\'{1,2,3,40000,123456}\')',
    'SELECT string_agg(a::text, \',\' ORDER BY a) FROM t WHERE b = 11 AND a < 3000',
);

# Same answers, through the index, on both nodes.
sub compare
{
    my ($step) = @_;
    $primary->wait_for_catchup($standby);
    for my $q (@queries)
    {
        my $force = "SET enable_seqscan = off; SET enable_bitmapscan = on;";
        my $sql = "$force $q";
        my $p = $primary->safe_psql('postgres', $sql);
        my $s = $standby->safe_psql('postgres', $sql);
        is($s, $p, "$step: standby equals primary for: $q");
        like($standby->safe_psql('postgres', "$force EXPLAIN (COSTS OFF) $q"), qr/Bitmap Index Scan on t_bl/,
            "$step: the standby answered through the index: $q");
        my $seq = $primary->safe_psql('postgres', "SET enable_bitmapscan = off; SET enable_indexscan = off; $q");
        is($p, $seq, "$step: index equals seqscan for: $q");
    }
}

$primary->safe_psql('postgres', q{
    CREATE EXTENSION ixbloom;
    CREATE TABLE t (a int, b int, c text);
    INSERT INTO t SELECT i, i % 50, CASE WHEN i % 13 = 0 THEN NULL ELSE 'c' || (i % 100) END
      FROM generate_series(1, 100000) i;
    CREATE INDEX t_bl ON t USING ixbloom (a, b, c);
});
compare('after build');

$primary->safe_psql('postgres', q{
    INSERT INTO t SELECT i, i % 50, 'c' || (i % 100) FROM generate_series(100001, 110000) i;
});
compare('after buffered inserts');

# Enough inserts to fold the buffer into a new group from aminsert.
$primary->safe_psql('postgres', q{
    INSERT INTO t SELECT i, i % 50, 'c' || (i % 100) FROM generate_series(110001, 260000) i;
});
compare('after an insert-triggered fold');

$primary->safe_psql('postgres', q{
    DELETE FROM t WHERE a % 7 = 0;
    VACUUM t;
});
compare('after DELETE and VACUUM (fold of the whole buffer)');

$primary->safe_psql('postgres', q{
    UPDATE t SET c = 'updated' WHERE a % 11 = 0;
    VACUUM t;
    REINDEX INDEX t_bl;
});
compare('after UPDATE, VACUUM, REINDEX');

# Merges (format 3): small batches, each folded by its VACUUM and merged into
# the growing last group, replay on the standby while scans run there.
# Each standby scan counts rows that no step changes; a scan that missed a
# merge replacing or recycling the groups it read would count fewer (the
# script then divides by zero, and pgbench reports the client aborted).
my $fixed = $primary->safe_psql('postgres', 'SELECT count(*) FROM t WHERE b = 7 AND a <= 60000');
my $scan_file = $standby->basedir . '/scan.sql';
open(my $sfh, '>', $scan_file) or die "write $scan_file: $!";
print $sfh "SET enable_seqscan = off;\n";
print $sfh "SELECT count(*) AS n FROM t WHERE b = 7 AND a <= 60000 \\gset\n";
print $sfh "\\if :n != $fixed\nSELECT 1 / 0;\n\\endif\n";
close $sfh;
# The inspection functions read the same groups and pages on the standby:
# they must not take a merge replayed under them for damage.
my $inspect_file = $standby->basedir . '/inspect.sql';
open(my $ifh, '>', $inspect_file) or die "write $inspect_file: $!";
print $ifh "SELECT sum(nrows) AS n FROM ixbloom_groups('t_bl') \\gset\n";
print $ifh "\\if :n < 200000\nSELECT 1 / 0;\n\\endif\n";
print $ifh "SELECT count(*) AS p FROM ixbloom_tid_pages('t_bl', 1) \\gset\n";
print $ifh "\\if :p < 1\nSELECT 1 / 0;\n\\endif\n";
close $ifh;
my $scan_out = '';
my $scans = IPC::Run::start(
    [ 'pgbench', '-n', '-c', '2', '-T', '20', '-f', "$scan_file\@2", '-f', "$inspect_file\@1", '-h', $standby->host,
      '-p', $standby->port, 'postgres' ],
    '>', \$scan_out, '2>', \$scan_out);
for my $batch (1 .. 30) {
    my $first = 300000 + $batch * 2000;
    $primary->safe_psql('postgres', "INSERT INTO t SELECT i, i % 50, 'c' || (i % 100) FROM generate_series($first, $first + 1999) i");
    $primary->safe_psql('postgres', 'VACUUM t');
}
$scans->finish;
unlike($scan_out, qr/aborted|error/i,
    'standby scans and inspection functions during replayed merges always counted every row');
like($scan_out, qr/number of transactions actually processed: [1-9]/, 'standby scans ran during the merges');
ok($primary->safe_psql('postgres', "SELECT merges > 0 AND format_version = 3 FROM ixbloom_metapage('t_bl')") eq 't',
    'VACUUM merged groups');
compare('after batches merged by VACUUM');

# ixbloom_merge_groups, after VACUUMs that only folded.
$primary->safe_psql('postgres', q{
    SET ixbloom.vacuum_merge = off;
    INSERT INTO t SELECT i, i % 50, 'c' || (i % 100) FROM generate_series(400000, 401999) i;
    VACUUM t;
    INSERT INTO t SELECT i, i % 50, 'c' || (i % 100) FROM generate_series(402000, 403999) i;
    VACUUM t;
    DELETE FROM t WHERE a BETWEEN 300000 AND 330000;
    VACUUM t;
    SELECT ixbloom_merge_groups('t_bl');
});
compare('after ixbloom_merge_groups');

# An unlogged index: only its init fork (an empty index, the metapage) goes
# through WAL.  A standby cannot read unlogged relations; once promoted, it
# resets the main fork from the init fork, so the index must be complete
# and usable there, and answer for rows inserted after the promotion.
$primary->safe_psql('postgres', q{
    CREATE UNLOGGED TABLE u (a int, b text);
    CREATE INDEX u_bl ON u USING ixbloom (a, b);
    INSERT INTO u SELECT i, 'x' || i FROM generate_series(1, 1000) i;
});
$primary->wait_for_catchup($standby);

ok(!$primary->log_contains('inconsistent page found'), 'no wal_consistency_checking failure on the primary');
ok(!$standby->log_contains('inconsistent page found'), 'no wal_consistency_checking failure on the standby');

$primary->stop;
$standby->promote;
is($standby->safe_psql('postgres', 'SELECT count(*) FROM u'), '0', 'after promotion the unlogged table is empty');
$standby->safe_psql('postgres', q{INSERT INTO u SELECT i, 'y' || i FROM generate_series(1, 2000) i});
my $uq = q{SELECT string_agg(a::text, ',' ORDER BY a) FROM u WHERE a = ANY('{5,77,1999}') AND b LIKE 'y%'};
like($standby->safe_psql('postgres', "SET enable_seqscan = off; EXPLAIN (COSTS OFF) $uq"), qr/Bitmap Index Scan on u_bl/,
    'the promoted node plans the unlogged index');
is($standby->safe_psql('postgres', "SET enable_seqscan = off; $uq"), '5,77,1999',
    'and its index, rebuilt from the init fork, answers');
is($standby->safe_psql('postgres', 'SELECT ngroups, buf_pages > 0 FROM ixbloom_metapage(\'u_bl\')'), '0|t',
    'its rows went to the insert buffer of the empty index');

$standby->stop;
done_testing();
