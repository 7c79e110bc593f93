# 001_corrupt_page.pl — ixstat on relations whose files were damaged while
# the server was down: a clear ERROR naming relation and block, never a
# crash, and the server and session keep working.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib "$FindBin::RealBin/../perl";
use IxpackRelFile;

my $node = PostgreSQL::Test::Cluster->new('corrupt');
$node->init;
$node->start;

$node->safe_psql('postgres', q{
    CREATE EXTENSION ixstat;
    CREATE TABLE heapc (a int, b text) WITH (autovacuum_enabled = off);
    INSERT INTO heapc SELECT i, repeat('x', 50) FROM generate_series(1, 5000) i;
    CREATE INDEX heapc_a ON heapc (a);
    CREATE TABLE headerc (a int) WITH (autovacuum_enabled = off);
    INSERT INTO headerc SELECT generate_series(1, 2000);
    CHECKPOINT;
});

my $pgdata = $node->data_dir;
my %file = map {
    $_ => "$pgdata/" . $node->safe_psql('postgres', "SELECT pg_relation_filepath('$_')")
} qw(heapc heapc_a headerc);

$node->stop;

# Heap block 2: the first line pointer now claims 32767 bytes at offset 32767
# (lp_flags dead, with storage). The page header stays plausible, so the
# server's own read-time check lets the page in.
overwrite($file{heapc}, 2, 24, "\xff\xff\xff\xff");
# Btree leaf block 1: the first data item's line pointer points into the
# page header.
overwrite($file{heapc_a}, 1, 28, pack('V', (4 & 0x7fff) | (1 << 15) | (16 << 17)));
# Heap block 1 of another table: pd_lower beyond pd_upper, which the server
# itself rejects when the block is read.
overwrite($file{headerc}, 1, 12, pack('v', 8000));

$node->start;

my ($ret, $out, $err) = $node->psql('postgres', q{
    \set VERBOSITY verbose
    SELECT * FROM ixstat.pgstattuple('heapc');
});
isnt($ret, 0, 'pgstattuple on a corrupted heap page fails');
like($err, qr/ERROR:\s+XX001: relation "heapc" contains a corrupted page at block 2/,
    'the error names relation, block and data_corrupted');
like($err, qr/DETAIL:\s+A line pointer points outside/, 'the detail says what is wrong');

($ret, $out, $err) = $node->psql('postgres', q{
    \set VERBOSITY verbose
    SELECT * FROM ixstat.pgstattuple('heapc_a');
});
isnt($ret, 0, 'pgstattuple on a corrupted btree page fails');
like($err, qr/ERROR:\s+XX002: relation "heapc_a" contains a corrupted page at block 1/,
    'the error names index, block and index_corrupted');

($ret, $out, $err) = $node->psql('postgres', 'SELECT * FROM ixstat.pgstattuple_approx(\'heapc\')');
like($err, qr/relation "heapc" contains a corrupted page at block 2/, 'pgstattuple_approx refuses it too');

($ret, $out, $err) = $node->psql('postgres', 'SELECT * FROM ixstat.pgstattuple(\'headerc\')');
like($err, qr/invalid page in block 1 of relation/, 'a broken header is refused when read');

# Same session: an error, then normal work.
($ret, $out, $err) = $node->psql('postgres', q{
    SELECT * FROM ixstat.pgstattuple('heapc');
    SELECT ixstat.pg_relpages('heapc');
}, on_error_stop => 0);
like($out, qr/^\d+$/m, 'the session goes on after the error');

is($node->safe_psql('postgres', 'SELECT 1'), '1', 'server still accepts queries');
ok(!$node->log_contains('terminated by signal'), 'no backend crashed');
ok(!$node->log_contains('server process .* was terminated'), 'no server restart');

$node->stop;
done_testing();
