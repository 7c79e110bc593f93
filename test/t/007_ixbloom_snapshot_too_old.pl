# 007_ixbloom_snapshot_too_old.pl — with old_snapshot_threshold set, VACUUM
# may remove rows an old snapshot still sees, and their index entries with
# them.  A scan that then reads an index page changed since its snapshot
# must fail with "snapshot too old" (as btree, hash, GiST, GIN and BRIN
# scans do), not return an answer that silently lacks those rows.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('sto');
$node->init;
# 0: a snapshot is old as soon as VACUUM could prune rows it sees.
$node->append_conf('postgresql.conf', "old_snapshot_threshold = 0\nautovacuum = off\n");
$node->start;
$node->safe_psql('postgres', q{
    CREATE EXTENSION ixbloom;
    CREATE TABLE t (a int, b int);
    INSERT INTO t SELECT g, g % 10 FROM generate_series(1, 10000) g;
    CREATE INDEX t_bl ON t USING ixbloom (a, b);
});

# The query reads only index pages: no heap page could raise the error.
my $q = 'SELECT count(*) FROM t WHERE a = 777777 AND b = 3';

my $old = $node->background_psql('postgres', on_error_stop => 0);
$old->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
$old->query_safe('SET enable_seqscan = off');
is($old->query_safe($q), '0', 'a scan with a fresh snapshot answers');

# Index pages change after the snapshot (the insert buffer and, through
# VACUUM's fold, the groups); VACUUM also moves the old-snapshot threshold,
# which with a threshold of 0 lags 5 seconds behind (snapmgr.c): the
# snapshot must be older than that.
sleep(6);
$node->safe_psql('postgres', q{
    UPDATE t SET b = b + 1 WHERE a <= 2000;
    DELETE FROM t WHERE a > 9000;
    SET ixbloom.vacuum_fold_min_pages = 1;
    VACUUM t;
});

my ($out, $failed) = $old->query($q);
ok($failed, 'the old transaction\'s scan fails');
like($old->{stderr}, qr/ERROR:\s+snapshot too old/, 'with "snapshot too old": its index pages changed since');
$old->quit;

# A new snapshot reads the same pages without complaint.
is($node->safe_psql('postgres', "SET enable_seqscan = off; $q"), '0', 'a new snapshot answers again');
$node->stop;
done_testing();
