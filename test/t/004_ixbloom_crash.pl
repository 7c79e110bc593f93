# 004_ixbloom_crash.pl — kill -9 during a concurrent insert load on an
# ixbloom index, with VACUUM folding and merging groups in a loop: a
# backend in the middle of inserting (or of a VACUUM) is killed, so the
# postmaster throws away shared memory and runs crash recovery from WAL.
# Afterwards every committed row is found through the index, and the index
# keeps working.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;

my $node = PostgreSQL::Test::Cluster->new('crash');
$node->init;
# full_page_writes = off: redo then relies on each record alone, so a new
# page logged as a delta instead of a full image would make recovery fail.
$node->append_conf('postgresql.conf', "restart_after_crash = on\nfull_page_writes = off\n");
# VACUUM folds even a small insert buffer: the check below reads groups.
$node->append_conf('postgresql.conf', "ixbloom.vacuum_fold_min_pages = 1\n");
$node->start;

$node->safe_psql('postgres', q{
    CREATE EXTENSION ixbloom;
    CREATE TABLE t (id bigint, k int, v text);
    -- Wide signature, many bits for id: each probe by id has ~no false positives.
    CREATE INDEX t_bl ON t USING ixbloom (id, k, v) WITH (length = 160, col1 = 6);
    -- Every committed insert is also recorded here, in the same transaction.
    CREATE TABLE committed (id bigint PRIMARY KEY);
});

# Two clients insert rows in small transactions; each transaction records
# the ids it committed.  Enough rows that folds happen during the load.
my $script = <<'PGB';
\set n random(1, 1000000000)
BEGIN;
INSERT INTO t SELECT :n::bigint * 1000 + g, (:n + g) % 97, 'v' || ((:n + g) % 1000) FROM generate_series(1, 200) g;
INSERT INTO committed SELECT :n::bigint * 1000 + g FROM generate_series(1, 200) g ON CONFLICT DO NOTHING;
COMMIT;
PGB

my $script_file = $node->basedir . '/insert.sql';
open(my $fh, '>', $script_file) or die "write $script_file: $!";
print $fh $script;
close $fh;
my $pgbench_out = '';
my $h = IPC::Run::start(
    [ 'pgbench', '-n', '-c', '2', '-T', '60', '-f', $script_file, '-h', $node->host, '-p', $node->port, 'postgres' ],
    '>', \$pgbench_out, '2>', \$pgbench_out);
# A third client VACUUMs in a loop: each VACUUM folds the buffer into a
# small group and merges it into the last one, so the crash may also stop
# a fold or a merge midway.
my $vacuum_file = $node->basedir . '/vacuum.sql';
open(my $vfh, '>', $vacuum_file) or die "write $vacuum_file: $!";
print $vfh "VACUUM t;\n";
close $vfh;
my $vacuum_out = '';
my $v = IPC::Run::start(
    [ 'pgbench', '-n', '-c', '1', '-T', '60', '-f', $vacuum_file, '-h', $node->host, '-p', $node->port, 'postgres' ],
    '>', \$vacuum_out, '2>', \$vacuum_out);

# Let it run until some folds have happened, then kill -9 an inserting
# backend: every other backend is terminated and the server recovers.
$node->poll_query_until('postgres', q{SELECT count(*) > 100000 FROM committed})
  or die "insert load did not progress: $pgbench_out";
my $victim = $node->safe_psql('postgres',
    q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() LIMIT 1});
ok($victim =~ /^\d+$/, 'found an inserting backend');
kill 'KILL', $victim;
$h->finish;    # pgbench fails once its connections are gone; that is expected
$v->finish;
$node->poll_query_until('postgres', 'SELECT true') or die 'server did not come back';
ok($node->log_contains('all server processes terminated; reinitializing'), 'the server went through crash recovery');

my $committed = $node->safe_psql('postgres', 'SELECT count(*) FROM committed');
ok($committed > 100000, "rows were committed before the crash ($committed)");

# Probe through the index: first a sample of the recovered index as it is
# (each probe also reads the whole insert buffer, so not every row), then
# every committed row after VACUUM has folded the buffer into groups.
my $probe = q{
    SET enable_seqscan = off; SET enable_indexscan = off; SET enable_bitmapscan = on;
    SELECT count(*) FROM %s c
     WHERE NOT EXISTS (SELECT 1 FROM t WHERE t.id = c.id AND t.k = (t.id %% 1000 + t.id / 1000) %% 97);
};
is($node->safe_psql('postgres', sprintf($probe, '(SELECT id FROM committed ORDER BY id DESC LIMIT 3000)')),
    '0', 'a sample of committed rows is found through the recovered index');
$node->safe_psql('postgres', 'VACUUM t');
is($node->safe_psql('postgres', sprintf($probe, 'committed')),
    '0', 'every committed row is found through the index after recovery and VACUUM');
ok($node->safe_psql('postgres', "SELECT merges > 0 FROM ixbloom_metapage('t_bl')") eq 't',
    'VACUUM merged groups during the load or after recovery');

my ($seq, $idx) = map {
    $node->safe_psql('postgres', "$_ SELECT count(*) FROM t WHERE k = 5 AND v = 'v5'")
} ('SET enable_bitmapscan = off;', 'SET enable_seqscan = off;');
is($idx, $seq, 'index and seqscan agree after recovery');

$node->safe_psql('postgres', q{INSERT INTO t VALUES (-1, 1, 'after crash'); VACUUM t;});
is($node->safe_psql('postgres', q{SET enable_seqscan = off; SELECT count(*) FROM t WHERE v = 'after crash'}),
    '1', 'inserts and VACUUM work after recovery');

$node->stop;
done_testing();
