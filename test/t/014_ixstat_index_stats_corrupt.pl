# 014_ixstat_index_stats_corrupt.pl — ixstat.index_stats() and
# index_stats_sample() on indexes of every supported method whose files were
# damaged while the server was down: hand-picked fields give index_corrupted
# (or, for an unknown format version, feature_not_supported with a REINDEX
# hint) naming index and block; random damage gives an ERROR or a row;
# never a crash.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib "$FindBin::RealBin/../perl";
use IxpackRelFile;

my $node = PostgreSQL::Test::Cluster->new('stats_corrupt');
$node->init;
$node->append_conf('postgresql.conf', "autovacuum = off\n");
$node->start;

my @indexes = qw(c_btree c_hash c_gin c_gist c_spgist c_brin c_bloom c_ixbloom c_ixbrin);
$node->safe_psql('postgres', q{
    CREATE EXTENSION ixstat; CREATE EXTENSION bloom; CREATE EXTENSION ixbloom; CREATE EXTENSION ixbrin;
    CREATE TABLE c (id int, k int, tags int[], pt point, word text, ts timestamptz, a int, b int)
        WITH (autovacuum_enabled = off);
    INSERT INTO c SELECT i, i % 997, ARRAY[i % 10, i % 100], point(i % 100, i / 100), md5(i::text),
           '2026-01-01'::timestamptz + i * interval '1 minute', i % 50, i % 7
      FROM generate_series(1, 30000) i;
    CREATE INDEX c_btree ON c (id);
    CREATE INDEX c_hash ON c USING hash (k);
    CREATE INDEX c_gin ON c USING gin (tags);
    CREATE INDEX c_gist ON c USING gist (pt);
    CREATE INDEX c_spgist ON c USING spgist (word);
    CREATE INDEX c_brin ON c USING brin (ts) WITH (pages_per_range = 4);
    CREATE INDEX c_bloom ON c USING bloom (a, b);
    CREATE INDEX c_ixbloom ON c USING ixbloom (a, b);
    CREATE INDEX c_ixbrin ON c USING ixbrin (ts) WITH (pages_per_range = 4);
    CHECKPOINT;
});
my $pgdata = $node->data_dir;
my %file = map { $_ => "$pgdata/" . $node->safe_psql('postgres', "SELECT pg_relation_filepath('$_')") } @indexes;
my %blocks = map { $_ => $node->safe_psql('postgres', "SELECT pg_relation_size('$_') / 8192") } @indexes;
for my $ix (@indexes) {
    is($node->safe_psql('postgres', "SELECT access_method FROM ixstat.index_stats('$ix')"), substr($ix, 2),
        "$ix reads before the damage");
}
$node->stop;

# Hand-picked damage, one field per method.
overwrite($file{c_btree}, 1, 28, pack('V', (4 & 0x7fff) | (1 << 15) | (16 << 17)));  # a line pointer into the header
overwrite($file{c_hash}, 1, 16, pack('v', 8192 - 8));          # pd_special: the wrong special size
overwrite($file{c_gist}, 0, 8190, pack('v', 0x1234));          # not GiST's page id
overwrite($file{c_bloom}, 1, 8184, pack('v', 60000));          # more tuples than the page holds
overwrite($file{c_ixbloom}, 0, 28, pack('V', 99));             # a format version this build does not know
overwrite($file{c_ixbrin}, 1, 8186, pack('v', 0x1234));        # not ixbrin's page id
$node->start;

my %expect = (
    c_btree => qr/XX002: index "c_btree" contains a corrupted page at block 1|XX002: relation "c_btree" contains a corrupted page at block 1/,
    c_hash => qr/XX002: .*"c_hash".* block 1/,
    c_gist => qr/XX002: .*"c_gist".* block 0/,
    c_bloom => qr/XX002: .*"c_bloom".* block 1/,
    c_ixbloom => qr/0A000: .*c_ixbloom.*format version 99(?s:.*)HINT:.*REINDEX/,
    c_ixbrin => qr/XX002: .*"c_ixbrin".* block 1/,
);
for my $ix (sort keys %expect) {
    my ($ret, $out, $err) = $node->psql('postgres', "\\set VERBOSITY verbose\nSELECT * FROM ixstat.index_stats('$ix')");
    isnt($ret, 0, "$ix: damaged, index_stats fails");
    like($err, $expect{$ix}, "$ix: the error names the index, the block and the kind of damage");
}

# Random damage: bytes anywhere in random blocks of every index, then both
# functions (and the health report, which reads through them).
srand(20261206);
for my $round (1 .. 6) {
    $node->stop;
    for my $ix (@indexes) {
        for (1 .. 3) {
            my $blk = int(rand($blocks{$ix}));
            overwrite($file{$ix}, $blk, int(rand(8192 - 4)), pack('V', int(rand(2**32))));
        }
    }
    $node->start;
    for my $ix (@indexes) {
        for my $q ("SELECT count(*) FROM ixstat.index_stats('$ix')",
                   "SELECT count(*) FROM ixstat.index_stats_sample('$ix', 4)") {
            my ($ret, $out, $err) = $node->psql('postgres', "SET statement_timeout = '30s'; $q");
            ok($ret == 0 ? $out eq '1' : $err =~ /ERROR/, "round $round, $ix: a row or an ERROR")
              or diag("ret=$ret out=$out err=$err");
        }
    }
    my ($ret, $out, $err) = $node->psql('postgres', "SELECT count(*) >= 0 FROM ixstat.index_report(deep => true)");
    is($ret, 0, "round $round: the health report goes on past damaged indexes") or diag($err);
}

is($node->safe_psql('postgres', 'SELECT 1'), '1', 'server still accepts queries');
ok(!$node->log_contains('terminated by signal'), 'no backend crashed');
ok(!$node->log_contains('server process .* was terminated'), 'no server restart');
$node->stop;
done_testing();
