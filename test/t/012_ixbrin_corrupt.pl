# 012_ixbrin_corrupt.pl — ixbrin indexes whose files were damaged while the
# server was down (docs/ixbrin-format.md): every page kind (metapage,
# range-map page, summary page), hand-picked fields first, then random
# bytes.  Every statement that reads the damage (bitmap and ordered scans,
# inserts, VACUUM, the inspection functions) must stop with an ERROR
# naming the index and block (index_corrupted) or give the right rows;
# never crash the server, and never run past statement_timeout.  Damage
# that breaks no invariant (a narrower bound, a cleared entry) cannot be
# told from a real summary: data checksums catch it, and the random rounds
# on a cluster with checksums must then return only right rows or errors.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib "$FindBin::RealBin/../perl";
use IxpackRelFile;

use constant SPECIAL => 8192 - 16;    # the 12-byte special space, MAXALIGNed

my $node = PostgreSQL::Test::Cluster->new('ixbrin_corrupt');
$node->init;
$node->append_conf('postgresql.conf', "autovacuum = off\n");
$node->start;

# Each case gets its own table: 4000 rows in key order (ranges of 4
# pages), an index on (k, v) with a multi and a bloom column too, and a
# dead row so that VACUUM calls the index.
my @cases = qw(magic version ppr ncols nmap map0meta map0out map0summary insert_meta
               mapkind maplower entrymeta entryself entryout entryoff entryother
               sumkind sumcols sumrange minmax multin bloomk lplen sortednull lasttid);
for my $c (@cases) {
    $node->safe_psql('postgres', qq{
        CREATE EXTENSION IF NOT EXISTS ixbrin;
        CREATE TABLE $c (k int, v int, m int, b text) WITH (autovacuum_enabled = off);
        INSERT INTO $c SELECT g, g % 100, g % 1000, 'b' || (g % 50) FROM generate_series(1, 4000) g;
        INSERT INTO $c VALUES (NULL, 1, 1, 'null key');
        CREATE INDEX ${c}_i ON $c USING ixbrin (k, v, m int4_minmax_multi_ops(values_per_range = 8), b text_bloom_ops)
          WITH (pages_per_range = 4);
        DELETE FROM $c WHERE k = 3;
    });
}
my %expect = (
    bitmap => $node->safe_psql('postgres', 'SELECT count(*), sum(k) FROM magic WHERE k BETWEEN 100 AND 900'),
    ordered => $node->safe_psql('postgres', 'SELECT string_agg(k::text, \',\') FROM (SELECT k FROM magic ORDER BY k DESC LIMIT 5) s'),
);

my $pgdata = $node->data_dir;
my %file = map { $_ => "$pgdata/" . $node->safe_psql('postgres', "SELECT pg_relation_filepath('${_}_i')") } @cases;
$node->safe_psql('postgres', 'CHECKPOINT');
$node->stop;

# The layout, read from the files: the metapage (magic, version,
# pages_per_range, ncols, reserved, nmap, insert_page, map_blocks[]), map
# page 0's entries, and the line pointers of a summary page.
sub meta
{
    my ($f) = @_;
    my ($magic, $version, $ppr, $ncols, $reserved, $nmap, $insert, $map0) =
      unpack('V V V v v V V V', substr(read_block($f, 0), 24, 28));
    return (nmap => $nmap, insert => $insert, map0 => $map0);
}
sub entry
{
    my ($f, $map, $range) = @_;
    my ($hi, $lo, $off, $flags) = unpack('v v v v', substr(read_block($f, $map), 24 + 8 * $range, 8));
    return (block => ($hi << 16) | $lo, off => $off, flags => $flags);
}
sub item
{
    my ($f, $block, $off) = @_;
    my $lp = unpack('V', substr(read_block($f, $block), 24 + 4 * ($off - 1), 4));
    return (start => $lp & 0x7fff, len => $lp >> 17);
}
my %m = meta($file{magic});
my %e0 = entry($file{magic}, $m{map0}, 0);
my %e1 = entry($file{magic}, $m{map0}, 1);
my %i0 = item($file{magic}, $e0{block}, $e0{off});
note("map page $m{map0}; range 0 at ($e0{block},$e0{off}) [$i0{start}, +$i0{len}]; range 1 at ($e1{block},$e1{off})");

# Range 0's summary tuple: header (range 4, flags 1, ncols 1, last_tid 6),
# then k: flags, min, max (int4s); v: flags, min, max; m: flags, n (2),
# point bits, values; b: flags, mode, k, count, hashes.
my $t0 = $i0{start};
my $kmin = $t0 + 12 + 1;
my $mpart = $t0 + 12 + 9 + 9;

overwrite($file{magic}, 0, 24, pack('V', 0xdeadbeef));
overwrite($file{version}, 0, 28, pack('V', 2));
overwrite($file{ppr}, 0, 32, pack('V', 0));
overwrite($file{ncols}, 0, 36, pack('v', 2));
overwrite($file{nmap}, 0, 40, pack('V', 5000));
overwrite($file{map0meta}, 0, 48, pack('V', 0));
overwrite($file{map0out}, 0, 48, pack('V', 9999));
overwrite($file{map0summary}, 0, 48, pack('V', $e0{block}));
overwrite($file{insert_meta}, 0, 44, pack('V', 0));
overwrite($file{mapkind}, $m{map0}, SPECIAL, pack('v', 4));                  # a "summary" page
overwrite($file{maplower}, $m{map0}, 12, pack('v', 24 + 8 * 3 + 3));        # pd_lower: 3 entries and 3 bytes
overwrite($file{entrymeta}, $m{map0}, 24, pack('v v', 0, 0));
overwrite($file{entryself}, $m{map0}, 24, pack('v v', 0, $m{map0}));
overwrite($file{entryout}, $m{map0}, 24, pack('v v', 0, 9999));
overwrite($file{entryoff}, $m{map0}, 24 + 4, pack('v', 250));
overwrite($file{entryother}, $m{map0}, 24, substr(read_block($file{entryother}, $m{map0}), 24 + 8, 6));  # range 1's tuple
overwrite($file{sumkind}, $e0{block}, SPECIAL, pack('v', 2));               # a "map" page
overwrite($file{sumcols}, $e0{block}, $t0 + 5, pack('C', 3));
overwrite($file{sumrange}, $e0{block}, $t0, pack('V', 7));
overwrite($file{minmax}, $e0{block}, $kmin, pack('V V', 900, 1));           # min 900 > max 1
overwrite($file{multin}, $e0{block}, $mpart + 1, pack('v', 9));             # 9 intervals, values_per_range 8
overwrite($file{lplen}, $e0{block}, 24 + 4 * ($e0{off} - 1), pack('V', ($i0{start}) | (1 << 15) | (8000 << 17)));
overwrite($file{sortednull}, $e0{block}, $t0 + 4, pack('C', 1));            # in order, though range 0 has... see below
overwrite($file{lasttid}, $e0{block}, $t0 + 6, pack('v v v', 0, 999, 1));  # last row on block 999

# bloomk: the bloom part's k, after the multi part (length read from n).
{
    my $page = read_block($file{bloomk}, $e0{block});
    my $n = unpack('v', substr($page, $mpart + 1, 2));
    my $bits = substr($page, $mpart + 3, int(($n + 7) / 8));
    my $at = $mpart + 3 + int(($n + 7) / 8);
    for my $i (0 .. $n - 1) {
        $at += vec($bits, $i, 1) ? 4 : 8;
    }
    overwrite($file{bloomk}, $e0{block}, $at + 2, pack('C', 99));
}
# sortednull: range 0 of this table has no NULL key; give it one first.
# (Its tuple: k's flags byte gets HASNULLS while the range says "in order".)
overwrite($file{sortednull}, $e0{block}, $t0 + 12, pack('C', 3));

$node->start;

my $timeout = $PostgreSQL::Test::Utils::timeout_default;
sub run
{
    my ($sql) = @_;
    my ($ret, $out, $err) = $node->psql('postgres',
        "SET statement_timeout = '60s'; SET enable_seqscan = off; \\set VERBOSITY verbose\n$sql", timeout => $timeout);
    return ($ret, $out, $err);
}

# What each statement must do on each damaged index: fail with
# index_corrupted (XX002) naming the index (and a block), or succeed with
# the right rows.
my %statement = (
    bitmap  => ['SET enable_indexscan = off; SELECT count(*), sum(k) FROM %s WHERE k BETWEEN 100 AND 900', $expect{bitmap}],
    ordered => ['SET enable_bitmapscan = off; SELECT string_agg(k::text, \',\') FROM (SELECT k FROM %s ORDER BY k DESC LIMIT 5) s',
                $expect{ordered}],
    insert  => ['INSERT INTO %s VALUES (2, 2, 2, \'x\'), (-5, 1, 1, \'y\')', ''],
    vacuum  => ['VACUUM (INDEX_CLEANUP ON) %s', ''],
    ranges  => ['SELECT count(*) >= 0 FROM ixbrin_ranges(\'%s_i\')', 't'],
);
my %must_fail = map { $_ => 1 } qw(magic version ppr ncols nmap map0meta map0out map0summary mapkind maplower
                                   entrymeta entryself entryout entryoff entryother sumkind sumcols sumrange minmax
                                   multin bloomk lplen sortednull lasttid);
for my $c (@cases) {
    my $failed = 0;
    for my $s (sort keys %statement) {
        my ($sql, $right) = @{ $statement{$s} };
        my ($ret, $out, $err) = run(sprintf($sql, $c));
        if ($ret == 0) {
            is($out, $right, "$c: $s succeeds with the right answer");
        } else {
            $failed++;
            # (a format version this build does not read is "not supported", 0A000)
            like($err, qr/ERROR:\s+(XX002: (index|relation) "${c}_i" (has a corrupted|contains an unexpected or corrupted page|contains a corrupted page|is not an ixbrin index)|0A000: index "${c}_i" has ixbrin format version 2)/,
                "$c: $s fails with index_corrupted naming the index");
            like($err, qr/HINT:\s+REINDEX the index/, "$c: $s says to REINDEX");
        }
    }
    ok($failed > 0, "$c: the damage is found") if $must_fail{$c};
}
ok(!$node->log_contains('terminated by signal'), 'no backend crashed');

# REINDEX repairs (a sample).
for my $c (qw(magic entryother minmax lasttid)) {
    $node->safe_psql('postgres', "REINDEX INDEX ${c}_i");
    my ($ret, $out) = run(sprintf($statement{ordered}[0], $c));
    is($out, $expect{ordered}, "$c: REINDEX repairs it");
}
# insert_meta: an insert page that is the metapage is passed over.
my ($insert_ret) = run('INSERT INTO insert_meta SELECT g, 1, 1, \'z\' FROM generate_series(5000, 6000) g');
is($insert_ret, 0, 'insert_meta: inserts pass over an insert page that is the metapage');
my (undef, $meta_ok) = run('SELECT count(*) FROM insert_meta WHERE k > 5000');
is($meta_ok, '1000', 'insert_meta: and are found');
$node->stop;

# Random damage.  Each round restores the index file of a pristine table,
# writes 1 to 16 random bytes at random places of one random block, starts
# the server and runs the statements.  Without checksums: no crash, no
# statement past its timeout.  With checksums: also no wrong row.
sub fuzz
{
    my ($name, $checksums, $rounds) = @_;
    my $fnode = PostgreSQL::Test::Cluster->new($name);
    $fnode->init(extra => $checksums ? ['--data-checksums'] : []);
    $fnode->append_conf('postgresql.conf', "autovacuum = off\n");
    $fnode->start;
    $fnode->safe_psql('postgres', q{
        CREATE EXTENSION ixbrin;
        CREATE TABLE f (k int, v int, m int, b text) WITH (autovacuum_enabled = off);
        INSERT INTO f SELECT g, g % 100, g % 1000, 'b' || (g % 50) FROM generate_series(1, 20000) g;
        CREATE INDEX f_i ON f USING ixbrin (k, v, m int4_minmax_multi_ops(values_per_range = 8), b text_bloom_ops)
          WITH (pages_per_range = 4);
        CREATE TABLE g AS SELECT * FROM f;
        CHECKPOINT;
    });
    my @queries = (
        'SET enable_indexscan = off; SELECT count(*), sum(k) FROM f WHERE k BETWEEN 1000 AND 1900',
        'SET enable_indexscan = off; SELECT count(*), sum(k) FROM f WHERE b = \'b7\' AND v = 7',
        'SET enable_bitmapscan = off; SELECT string_agg(k::text, \',\') FROM (SELECT k FROM f ORDER BY k DESC LIMIT 5) s',
        'SET enable_bitmapscan = off; SELECT string_agg(k::text, \',\') FROM (SELECT k FROM f WHERE m = 5 ORDER BY k LIMIT 5) s',
    );
    my @right = map { my $q = $_; $q =~ s/\bFROM f\b/FROM g/g; $fnode->safe_psql('postgres', $q) } @queries;
    my $path = $fnode->data_dir . '/' . $fnode->safe_psql('postgres', "SELECT pg_relation_filepath('f_i')");
    my $nblocks = $fnode->safe_psql('postgres', "SELECT pg_relation_size('f_i') / 8192");
    $fnode->stop;
    open(my $in, '<', $path) or die "read $path: $!";
    binmode $in;
    local $/;
    my $pristine = <$in>;
    close $in;

    my ($wrong, $crashes, $timeouts, $errors) = (0, 0, 0, 0);
    srand(20261206 + $checksums);
    for my $round (1 .. $rounds) {
        open(my $out, '>', $path) or die "write $path: $!";
        binmode $out;
        print $out $pristine;
        close $out;
        my $block = int(rand($nblocks));
        for (1 .. 1 + int(rand(16))) {
            overwrite($path, $block, int(rand(8192)), pack('C', int(rand(256))));
        }
        $fnode->start;
        for my $i (0 .. $#queries) {
            my ($ret, $out, $err) = $fnode->psql('postgres', "SET statement_timeout = '20s'; $queries[$i]",
                timeout => $timeout);
            if ($ret == 0) {
                $wrong++ if $checksums && $out ne $right[$i];
            } elsif ($err =~ /statement timeout/) {
                $timeouts++;
            } elsif ($err =~ /server closed the connection|terminated/) {
                $crashes++;
            } else {
                $errors++;
            }
        }
        $fnode->stop;
    }
    ok(!$fnode->log_contains('terminated by signal'), "$name: no backend crashed in $rounds rounds");
    is($crashes, 0, "$name: no connection lost");
    is($timeouts, 0, "$name: no statement ran into its timeout");
    is($wrong, 0, "$name: no wrong answer") if $checksums;
    note("$name: $errors statements refused the damage");
}
fuzz('ixbrin_fuzz', 0, 25);
fuzz('ixbrin_fuzz_checksums', 1, 25);

done_testing();
