# 006_ixbloom_corrupt.pl — ixbloom indexes whose files were damaged while the
# server was down (format 2, docs/ixbloom-format.md): a TID page whose runs
# no longer add up, a group descriptor with an impossible TID page count,
# slice pages that are not ixbloom pages, a looping buffer chain, a dead
# slice marking rows past its group; a metapage with the wrong column count
# or changed bits per column, a descriptor whose live count says 0, chain
# pointers that name the metapage or a page the free space map hands out.
# Scans, inserts and VACUUM must stop with an index_corrupted ERROR naming
# the index and block, or give the right rows; never crash, return a wrong
# answer, or wait forever on a lock they hold themselves.  REINDEX repairs.
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
        CREATE INDEX ${t}_bl ON $t USING ixbloom (a, b) WITH (length = 80);
    });
}
# td: rows after the build go to the insert buffer (509 per page).
$node->safe_psql('postgres', 'INSERT INTO td SELECT g, g % 100 FROM generate_series(30001, 32000) g');
# A dead row, so that VACUUM calls the index's bulk delete.
$node->safe_psql('postgres', 'DELETE FROM ta WHERE a = 1; DELETE FROM te WHERE a = 1; CHECKPOINT;');

# Damage that breaks no page check, on 3-column indexes: the metapage's
# shape, and a descriptor's live count.  tj gets a dead row, so that VACUUM
# recounts its group.
for my $t (qw(tf tg th ti tj)) {
    $node->safe_psql('postgres', qq{
        CREATE TABLE $t (a int, b int, c int) WITH (autovacuum_enabled = off);
        INSERT INTO $t SELECT g, g % 100, g % 7 FROM generate_series(1, 30000) g;
        CREATE INDEX ${t}_bl ON $t USING ixbloom (a, b, c) WITH (length = 80);
    });
}
# ts: the same, its shape chosen from the data (no options): it cannot be
# derived from options, so the metapage keeps its fingerprint.
$node->safe_psql('postgres', q{
    CREATE TABLE ts (a int, b int, c int) WITH (autovacuum_enabled = off);
    INSERT INTO ts SELECT g, g % 100, g % 7 FROM generate_series(1, 30000) g;
    CREATE INDEX ts_bl ON ts USING ixbloom (a, b, c);
});
is($node->safe_psql('postgres', "SELECT sized_from FROM ixbloom_metapage('ts_bl')"), 'sample',
    'ts: the shape was chosen from a sample');
my $ts_bits = $node->safe_psql('postgres', "SELECT col_bits[2] FROM ixbloom_metapage('ts_bl')");
$node->safe_psql('postgres', 'DELETE FROM tj WHERE a = 1');
# Chain pointers a backend would lock while holding the metapage: tk has
# rows in its insert buffer; tl had one buffer page folded into a group,
# which VACUUM freed into the free space map; tm has groups and a buffer.
$node->safe_psql('postgres', q{
    CREATE TABLE tk (a int, b int) WITH (autovacuum_enabled = off);
    CREATE INDEX tk_bl ON tk USING ixbloom (a, b);
    INSERT INTO tk SELECT g, g % 100 FROM generate_series(1, 100) g;
    CREATE TABLE tl (a int, b int) WITH (autovacuum_enabled = off);
    CREATE INDEX tl_bl ON tl USING ixbloom (a, b);
    INSERT INTO tl SELECT g, g % 100 FROM generate_series(1, 300) g;
    CREATE TABLE tm (a int, b int) WITH (autovacuum_enabled = off);
    INSERT INTO tm SELECT g, g % 100 FROM generate_series(1, 30000) g;
    CREATE INDEX tm_bl ON tm USING ixbloom (a, b);
    INSERT INTO tm SELECT g, g % 100 FROM generate_series(30001, 31000) g;
});
# tn: a buffer of 3 pages; to: a directory of 2 pages (408 groups, one fold each).
$node->safe_psql('postgres', q{
    CREATE TABLE tn (a int, b int) WITH (autovacuum_enabled = off);
    CREATE INDEX tn_bl ON tn USING ixbloom (a, b);
    INSERT INTO tn SELECT g, g % 100 FROM generate_series(1, 1500) g;
    CREATE TABLE tr (a int, b int) WITH (autovacuum_enabled = off);
    CREATE INDEX tr_bl ON tr USING ixbloom (a, b);
});
# Merges off: this index must keep its 408 one-row groups.
$node->safe_psql('postgres', "SET ixbloom.vacuum_fold_min_pages = 1; SET ixbloom.vacuum_merge = off;\n"
    . join('', map { "INSERT INTO tr VALUES ($_, $_ % 100);\nVACUUM tr;\n" } 1 .. 408));
$node->safe_psql('postgres', 'INSERT INTO tr VALUES (409, 9)');
my ($tn_head, $tn_pages) = split /\|/, $node->safe_psql('postgres', "SELECT buf_head, buf_pages FROM ixbloom_metapage('tn_bl')");
my ($tr_head, $tr_tail, $tr_groups) = split /\|/,
    $node->safe_psql('postgres', "SELECT dir_head, dir_tail, ngroups FROM ixbloom_metapage('tr_bl')");
is($tn_pages, 3, 'tn: three insert-buffer pages');
ok($tr_groups == 408 && $tr_head != $tr_tail, 'tr: 408 groups on two directory pages');
my $tl_freed = $node->safe_psql('postgres', "SELECT buf_head FROM ixbloom_metapage('tl_bl')");
$node->safe_psql('postgres', 'SET ixbloom.vacuum_fold_min_pages = 1; VACUUM tl; CHECKPOINT;');
is($node->safe_psql('postgres', "SELECT ngroups, buf_head <> $tl_freed FROM ixbloom_metapage('tl_bl')"), '1|t',
    "tl: the buffer page $tl_freed was folded and freed");

# Where the single group lives, from ixbloom_metapage() and ixbloom_groups().
sub group_layout
{
    my ($idx) = @_;
    my ($dir, $first, $slice_pages, $tid0, $tid_pages, $nrows) = split /\|/, $node->safe_psql('postgres', qq{
        SELECT m.dir_head, g.first_block, g.slice_pages, g.first_tid_block, g.tid_pages, g.nrows
          FROM ixbloom_metapage('$idx') m, ixbloom_groups('$idx') g});
    return (dir => $dir, first => $first, slice_pages => $slice_pages, tid0 => $tid0, tid_pages => $tid_pages,
            nrows => $nrows);
}
my %la = group_layout('ta_bl');
my %lb = group_layout('tb_bl');
my %lc = group_layout('tc_bl');
my %le = group_layout('te_bl');
my $td_buf_head = $node->safe_psql('postgres', "SELECT buf_head FROM ixbloom_metapage('td_bl')");

my $pgdata = $node->data_dir;
my %file = map {
    $_ => "$pgdata/" . $node->safe_psql('postgres', "SELECT pg_relation_filepath('$_')")
} qw(ta_bl tb_bl tc_bl td_bl te_bl tf_bl tg_bl th_bl ti_bl tj_bl tk_bl tl_bl tm_bl tn_bl tr_bl ts_bl);
my %lj = group_layout('tj_bl');
$node->stop;

# Metapage fields (docs/ixbloom-format.md), from the page start: ncols at
# 34, col_bits[] at 36, dir_tail at 108, buf_head at 112, buf_tail at 116.
overwrite($file{tf_bl}, 0, 34, pack('v', 1));        # tf: 1 column for a 3-column index
overwrite($file{tg_bl}, 0, 34, pack('v', 5));        # tg: 5 columns
overwrite($file{th_bl}, 0, 36 + 2, pack('v', 3));    # th: column 2 sets 3 bits, not 2
overwrite($file{ts_bl}, 0, 36 + 2, pack('v', $ts_bits + 1));  # ts: column 2 sets one bit more
overwrite($file{ti_bl}, 0, 36, pack('v', 65535));    # ti: 65535 bits of an 80-bit signature
overwrite($file{tj_bl}, $lj{dir}, 24 + 12, pack('V', 0));  # tj: the group's live count says 0
overwrite($file{tk_bl}, 0, 116, pack('V', 0));       # tk: the buffer's tail is the metapage
overwrite($file{tl_bl}, 0, 112, pack('V2', $tl_freed, $tl_freed));  # tl: head and tail a free page
overwrite($file{tm_bl}, 0, 108, pack('V', 0));       # tm: the directory's tail is the metapage
overwrite($file{tn_bl}, 0, 116, pack('V', $tn_head));  # tn: the buffer's tail is its first page
overwrite($file{tr_bl}, 0, 108, pack('V', $tr_head));  # tr: the directory's tail is its first page

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
my $buf_head = $td_buf_head;
overwrite($file{td_bl}, $buf_head, 8176 + 4, pack('V', $buf_head));
# te: the dead slice marks row 30008 of a group of 30000 rows (slice 80 of
# capacity 30016: two 3752-byte slices per page, so it starts page 40).
overwrite($file{te_bl}, $le{first} + 40, 24 + 30008 / 8, "\x01");

$node->start;

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
like($err, qr/ERROR:\s+XX002: index "tb_bl" has a corrupted group descriptor at block $lb{dir}/,
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

# The metapage's shape is checked against the index's columns and against
# the options it was built with, before a hash function is called.
# (5 columns: the two past the real three have no bits, an impossible shape.)
for my $case (['tf', qr/It describes 1 columns; the index has 3/], ['tg', qr/\(80 bits, 5 columns\) is impossible/],
              ['th', qr/not the one its recorded options give/], ['ti', qr/\(80 bits, 3 columns\) is impossible/],
              ['ts', qr/not the one chosen from the data at CREATE INDEX/]) {
    my ($t, $detail) = @$case;
    ($ret, $out, $err) = index_query("SELECT count(*) FROM $t WHERE a = 5 AND c = 5");
    like($err, qr/ERROR:\s+XX002: index "${t}_bl" has a corrupted metapage at block 0/, "$t: the metapage is refused");
    like($err, qr/DETAIL:.*$detail/, "$t: the detail says why");
}

# A live count of 0 decides nothing: the dead slice says every row lives.
my $jq = "SELECT string_agg(a::text, ',' ORDER BY a) FROM tj WHERE a = ANY('{5,105,2005,29905}') AND c = ANY('{0,1,2,3,4,5,6}')";
($ret, $out, $err) = index_query($jq);
is($out, '5,105,2005,29905', 'tj: a group whose live count says 0 still returns its rows');
$node->safe_psql('postgres', 'VACUUM (INDEX_CLEANUP ON) tj');
is($node->safe_psql('postgres', "SELECT live, dead FROM ixbloom_groups('tj_bl')"), '29999|1',
    'tj: VACUUM recounts it from the dead slice');

# A backend that holds the metapage never waits on a page it holds itself:
# each of these ends at once with an error (a timeout here means a hang).
my $short = 60;
($ret, $out, $err) = $node->psql('postgres', 'INSERT INTO tk VALUES (1, 1)', timeout => $short);
like($err, qr/index "tk_bl" has a corrupted metapage at block 0.*\n.*insert-buffer tail is block 0, which is the metapage itself/,
    'tk: an insert refuses a buffer tail that names the metapage');
($ret, $out, $err) = $node->psql('postgres', 'SET ixbloom.vacuum_fold_min_pages = 1; VACUUM tk', timeout => $short);
like($err, qr/index "tk_bl" has a corrupted metapage/, 'tk: so does VACUUM (sealing the buffer)');
($ret, $out, $err) = $node->psql('postgres', 'INSERT INTO tl VALUES (1, 1)', timeout => $short);
like($err, qr/index "tl_bl" has a corrupted metapage at block 0.*\n.*a page this operation already holds/,
    'tl: an insert refuses a buffer tail that the free space map has just handed it');
($ret, $out, $err) = $node->psql('postgres', 'SET ixbloom.vacuum_fold_min_pages = 1; VACUUM tm', timeout => $short);
like($err, qr/index "tm_bl" has a corrupted metapage at block 0.*\n.*directory tail is block 0/,
    'tm: a fold refuses a directory tail that names the metapage');

# A tail that is not the end of its chain: linking a page after it would
# cut off the pages that follow it (and their rows).
($ret, $out, $err) = $node->psql('postgres', 'INSERT INTO tn SELECT g, 1 FROM generate_series(1, 600) g', timeout => $short);
like($err, qr/index "tn_bl" has a corrupted metapage at block 0.*\n.*insert-buffer tail is block $tn_head, which links to block/,
    'tn: an insert refuses a buffer tail that has a successor');
($ret, $out, $err) = $node->psql('postgres', 'SET ixbloom.vacuum_fold_min_pages = 1; VACUUM tr', timeout => $short);
like($err, qr/index "tr_bl" has a corrupted metapage at block 0.*\n.*directory tail is block $tr_head, which links to block/,
    'tr: a fold refuses a directory tail that has a successor');

# (A crashed backend makes the postmaster log it and restart every backend.)
ok(!$node->log_contains('terminated by signal|server process .* was terminated'), 'no backend crashed');

# REINDEX rebuilds from the heap; the index answers like a seq scan again.
$node->safe_psql('postgres', join(' ', map { "REINDEX INDEX ${_}_bl;" } qw(ta tb tc td te tf tg th ti tj tk tl tm tn tr ts)));
$node->safe_psql('postgres', 'VACUUM ta; VACUUM te;');
my %small = (tk => '5', tl => '5,105', tn => '5,105', tr => '5,105');  # (100 to 1500 rows)
for my $t (qw(ta tb tc td te tf tg th ti tj tk tl tm tn tr ts)) {
    my $q = "SELECT string_agg(a::text, ',' ORDER BY a) FROM $t WHERE b = 5 AND a = ANY('{5,105,2005,29905}')";
    my $by_index = $node->safe_psql('postgres', "SET enable_seqscan = off; $q");
    my $by_seq = $node->safe_psql('postgres', "SET enable_bitmapscan = off; SET enable_indexscan = off; $q");
    is($by_index, $small{$t} // '5,105,2005,29905', "$t: REINDEX repaired the index");
    is($by_index, $by_seq, "$t: index and seq scan agree");
}

$node->stop;
done_testing();
