# 006_ixbloom_corrupt.pl — ixbloom indexes whose files were damaged while the
# server was down (format 2, docs/ixbloom-format.md): a TID page whose runs
# no longer add up, a group descriptor with an impossible TID page count,
# and slice pages that are not ixbloom pages.  Scans and VACUUM must stop
# with an index_corrupted ERROR naming the index and block, never crash or
# return a wrong answer; REINDEX repairs the index.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib "$FindBin::RealBin/../perl";
use IxpackRelFile;

my $node = PostgreSQL::Test::Cluster->new('ixb_corrupt');
$node->init;
$node->start;

# Three tables of 30000 rows in heap order: one group each (capacity 30016,
# two slices per page), its TIDs as runs on one TID page.
for my $t (qw(ta tb tc td te)) {
    $node->safe_psql('postgres', qq{
        CREATE EXTENSION IF NOT EXISTS ixbloom;
        CREATE TABLE $t (a int, b int) WITH (autovacuum_enabled = off);
        INSERT INTO $t SELECT g, g % 100 FROM generate_series(1, 30000) g;
        CREATE INDEX ${t}_bl ON $t USING ixbloom (a, b);
    });
}
# td: rows after the build go to the insert buffer (509 per page).
$node->safe_psql('postgres', 'INSERT INTO td SELECT g, g % 100 FROM generate_series(30001, 32000) g');
# A dead row, so that VACUUM calls the index's bulk delete.
$node->safe_psql('postgres', 'DELETE FROM ta WHERE a = 1; DELETE FROM te WHERE a = 1; CHECKPOINT;');

my $pgdata = $node->data_dir;
my %file = map {
    $_ => "$pgdata/" . $node->safe_psql('postgres', "SELECT pg_relation_filepath('$_')")
} qw(ta_bl tb_bl tc_bl td_bl te_bl);
$node->stop;

# Where the single group lives, from the metapage and the directory (the
# page body starts at byte 24).
sub group_layout
{
    my ($path) = @_;
    my $meta = read_block($path, 0);
    my $sig_bits = unpack('v', substr($meta, 24 + 8, 2));
    my $dir_head = unpack('V', substr($meta, 24 + 80, 4));
    my $dir = read_block($path, $dir_head);
    my ($first, $nrows, $capacity, $live, $tid_pages) = unpack('V5', substr($dir, 24, 20));
    my $spp = int(8152 / ($capacity / 8));
    my $slice_pages = int(($sig_bits + 1 + $spp - 1) / $spp);
    return (dir => $dir_head, first => $first, slice_pages => $slice_pages,
            tid0 => $first + $slice_pages, tid_pages => $tid_pages, nrows => $nrows);
}

my %la = group_layout($file{ta_bl});
my %lb = group_layout($file{tb_bl});
my %lc = group_layout($file{tc_bl});
is($la{tid_pages}, 1, 'a heap-ordered group keeps its TIDs on one page');

# ta: the first run of TID page 0 is now one row shorter (its header, the
# 256-byte page map, then runs of 8 bytes: block, offset, length).
my $run0 = 24 + 12 + 256;
my $len = unpack('v', substr(read_block($file{ta_bl}, $la{tid0}), $run0 + 6, 2));
overwrite($file{ta_bl}, $la{tid0}, $run0 + 6, pack('v', $len - 1));
# tb: the descriptor claims 65 TID pages (at most 64 exist).
overwrite($file{tb_bl}, $lb{dir}, 24 + 16, pack('V', 65));
# tc: every slice page loses its ixbloom page id (last 2 bytes of the
# 12-byte special space, which starts at 8192 - 16).
overwrite($file{tc_bl}, $_, 8176 + 10, "\0\0") for $lc{first} .. $lc{first} + $lc{slice_pages} - 1;

# td: the first insert-buffer page links to itself.
my $buf_head = unpack('V', substr(read_block($file{td_bl}, 0), 24 + 88, 4));
overwrite($file{td_bl}, $buf_head, 8176 + 4, pack('V', $buf_head));
# te: the dead slice marks row 30008 of a group of 30000 rows (slice 80 of
# capacity 30016: two 3752-byte slices per page, so it starts page 40).
my %le = group_layout($file{te_bl});
overwrite($file{te_bl}, $le{first} + 40, 24 + 30008 / 8, "\x01");

$node->start;
my $started = $node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()');

# A timeout, so that a walk that loops fails the test instead of hanging it.
sub index_query
{
    my ($sql) = @_;
    return $node->psql('postgres', "SET enable_seqscan = off; \\set VERBOSITY verbose\n$sql",
        timeout => $PostgreSQL::Test::Utils::timeout_default);
}

my ($ret, $out, $err) = index_query('SELECT count(*) FROM ta WHERE a = 5 AND b = 5');
isnt($ret, 0, 'a scan that needs the damaged TID page fails');
like($err, qr/ERROR:\s+XX002: index "ta_bl" has a corrupted TID page at block $la{tid0}/,
    'the error names index and block, as index_corrupted');
like($err, qr/DETAIL:\s+TID page 0 of the group at block $la{first}/, 'the detail names the group');
like($err, qr/HINT:\s+REINDEX the index/, 'and the hint says what to do');

# INDEX_CLEANUP ON: one dead row would otherwise let VACUUM bypass the indexes.
($ret, $out, $err) = $node->psql('postgres', 'VACUUM (INDEX_CLEANUP ON) ta');
like($err, qr/index "ta_bl" has a corrupted TID page at block $la{tid0}/, 'VACUUM refuses it too');

($ret, $out, $err) = index_query('SELECT count(*) FROM tb WHERE a = 5');
like($err, qr/ERROR:\s+XX002: index "tb_bl" has a corrupted group descriptor in directory block $lb{dir}/,
    'an impossible TID page count is refused before any page is read');

($ret, $out, $err) = index_query('SELECT count(*) FROM tc WHERE a = 5');
like($err, qr/ERROR:\s+XX002: index "tc_bl" contains an unexpected or corrupted page at block \d+/,
    'a slice page without the ixbloom page id is refused');

($ret, $out, $err) = index_query('SELECT count(*) FROM td WHERE a = 31000');
like($err, qr/ERROR:\s+XX002: index "td_bl" has a broken page chain at block $buf_head/,
    'a scan stops at an insert-buffer chain that loops');
($ret, $out, $err) = $node->psql('postgres', 'VACUUM td', timeout => $PostgreSQL::Test::Utils::timeout_default);
like($err, qr/index "td_bl" has a broken page chain/, 'so does VACUUM');

($ret, $out, $err) = $node->psql('postgres', 'VACUUM (INDEX_CLEANUP ON) te');
like($err, qr/index "te_bl" has a corrupted dead slice at block @{[$le{first} + 40]}/,
    'VACUUM refuses a dead slice that marks rows past the group (they would hide live rows)');

is($node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()'), $started, 'no backend crashed');

# REINDEX rebuilds from the heap; the index answers like a seq scan again.
$node->safe_psql('postgres', 'REINDEX INDEX ta_bl; REINDEX INDEX tb_bl; REINDEX INDEX tc_bl; REINDEX INDEX td_bl;
    REINDEX INDEX te_bl; VACUUM ta; VACUUM te;');
for my $t (qw(ta tb tc td te)) {
    my $q = "SELECT string_agg(a::text, ',' ORDER BY a) FROM $t WHERE b = 5 AND a = ANY('{5,105,2005,29905}')";
    my $by_index = $node->safe_psql('postgres', "SET enable_seqscan = off; $q");
    my $by_seq = $node->safe_psql('postgres', "SET enable_bitmapscan = off; SET enable_indexscan = off; $q");
    is($by_index, '5,105,2005,29905', "$t: REINDEX repaired the index");
    is($by_index, $by_seq, "$t: index and seq scan agree");
}

$node->stop;
done_testing();
