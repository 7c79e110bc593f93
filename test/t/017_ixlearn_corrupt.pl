# 017_ixlearn_corrupt.pl — ixlearn indexes whose files were damaged while the
# server was down (src/ixlearn/format.hpp, src/core/learn/leaf.hpp, lane.hpp,
# directory.hpp).
#
# What it covers, and why: every byte of an ixlearn index is read back by
# code that must trust nothing (a leaf's header, bounds and lanes, a lane's
# mode, width and count, the model pages and the coded directory, the
# links of the leaf chain).  A damaged field must never crash the server,
# loop forever, or (where an invariant is broken) give wrong rows.
#
# Hand-picked damage, one index per case (5000 rows, built, a key range
# deleted and VACUUMed, then 2500 more rows so that leaves split and the
# model is older than the chain), for every page kind:
#   metapage: magic, format version (one this build does not read, and
#     format 1 for format 2 pages), nkeys, model_head (the metapage, past
#     the end, a leaf), model_pages, model_bytes (0, huge, more and fewer
#     than the model pages hold), leftmost (the metapage, past the end, a
#     model page, a leaf in the middle of the chain), kind, page id,
#     special size;
#   leaf (in the middle of the chain): kind, page id, special size,
#     pd_lower, the header's nentries, nkeys, has_include, npending,
#     body_bytes, include_bytes, the bounds' kinds and ranks, a high bound
#     raised over the right neighbour's keys, a lane's mode, bits, bitmap
#     length (Monotone), reserved bytes and base, the rank lane, the heap
#     TIDs, the left and
#     right links (to the metapage, past the end, to itself, back into the
#     chain, to a model page, to nothing; the leftmost leaf skipping one);
#   unlinked leaf: its links, kind and pd_lower;
#   model page: kind, page id, version, page index, pd_lower, next link,
#     the coded directory's nleaves, nsegments, epsilon, nblocks, wide, a
#     segment's slope and first position, the leaf blocks it lists.
# Random damage: 24 more indexes, 1 to 12 random bytes in one page each
# (metapage, a leaf, the model page by turns; half of the bytes in the
# headers and the special space), one seed per cluster.
# Each damaged index then serves, in one session: scans (point, range,
# ORDER BY ASC and DESC with LIMIT, = ANY, IS NULL, a whole index-only
# scan), each compared with a sequential scan; an INSERT of 300 rows,
# ixlearn_stats, ixlearn_check(false); VACUUM; ixlearn_retrain, the scans
# again, ixlearn_check(true).  Every statement must stop with an ERROR or
# give exactly the rows a sequential scan gives.  For the hand-picked
# cases the ERROR must be index_corrupted (XX002) naming the index and the
# block (or PostgreSQL's own page check, XX001 "invalid page in block N",
# for a page header it rejects first), and some statement must find the
# damage.  No statement may run into statement_timeout (30s): a hang; one
# that ignores it (an uninterruptible loop) is killed after 40s, which
# restarts the server and fails the test.  The server must never restart
# (pg_postmaster_start_time, no "terminated by signal" or "reinitializing"
# in the log).  One cluster runs without data checksums, where random
# damage may give other rows only if it changed nothing but a leaf's coded
# values (a key or TID turned into another valid one); one runs with data
# checksums, where every damage must be reported (a checksum failure or
# index_corrupted) and no statement may give a wrong row.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib "$FindBin::RealBin/../perl";
use IxpackRelFile;
use IxlearnScans;
use IPC::Run;

use constant SPECIAL => 8192 - 16;    # the 16-byte special space
use constant FLAGS => SPECIAL;        # uint16 flags (page kind)
use constant LEFT => SPECIAL + 4;     # BlockNumber left
use constant NEXT => SPECIAL + 8;     # BlockNumber next
use constant PAGE_ID => SPECIAL + 14; # uint16 page_id
use constant BODY => 24;              # the page body (after the page header)
use constant BOUND => 1 + 8 * 5;      # a serialized bound of a 1-column index (kind + 5 words)
use constant LANES => BODY + 16 + 2 * BOUND;  # the first lane of a 1-column leaf


# ---- the hand-picked cases ------------------------------------------------------------
#
# [name, damage(file, layout), must_fail].  must_fail: the damage breaks an
# invariant some statement checks, so some statement must refuse it.

sub u32 { return pack('V', $_[0]) }
sub u16 { return pack('v', $_[0]) }

# A format 2 lane's header (docs/ixlearn-format.md, "Lanes"): mode, bits,
# shift, reserved, then by mode: Offset rmin; Linear first, last, rmin, span;
# Monotone base, upper_bits.  Its size, and where its base (rmin) is.
sub lane_size
{
    my ($page, $p, $n) = @_;
    my ($mode, $bits) = unpack('C C', substr($page, $p, 2));
    my $words = int(($n * $bits + 63) / 64);
    return 12 + 8 * $words if $mode == 0;
    return 32 + 8 * $words if $mode == 1;
    my $upper_bits = unpack('V', substr($page, $p + 12, 4));
    return 16 + 8 * ($words + int(($upper_bits + 63) / 64));
}
sub lane_base_at
{
    my ($page, $p) = @_;
    return $p + (unpack('C', substr($page, $p, 1)) == 1 ? 20 : 4);
}

# The lanes of a leaf: offset of each lane header, in order (rank, hi, lo,
# block, offset, negzero, include_len for a 1-column index).
sub lanes_of
{
    my ($page) = @_;
    my $n = unpack('v', substr($page, BODY, 2));
    my @at;
    my $p = LANES;
    for (1 .. 7) {
        push @at, $p;
        $p += lane_size($page, $p, $n);
    }
    return @at;
}

my @cases = (
    # metapage (block 0): magic 24, version 28, nkeys 32, natts 34,
    # model_version 36, model_head 40, model_pages 44, model_bytes 48,
    # leftmost 52
    ['meta_magic', sub { overwrite($_[0], 0, 24, u32(0xdeadbeef)) }, 1],
    ['meta_version', sub { overwrite($_[0], 0, 28, u32(3)) }, 1],
    # Format 1 claimed for format 2 pages: every lane is read in the wrong layout.
    ['meta_version_older', sub { overwrite($_[0], 0, 28, u32(1)) }, 1],
    ['meta_nkeys', sub { overwrite($_[0], 0, 32, u16(2)) }, 1],
    ['meta_head_meta', sub { overwrite($_[0], 0, 40, u32(0)) }, 1],
    ['meta_head_past', sub { overwrite($_[0], 0, 40, u32(99999)) }, 1],
    ['meta_head_leaf', sub { overwrite($_[0], 0, 40, u32($_[1]{leaves}[1])) }, 1],
    ['meta_pages', sub { overwrite($_[0], 0, 44, u32(70000)) }, 0],
    ['meta_bytes_zero', sub { overwrite($_[0], 0, 48, u32(0)) }, 1],
    ['meta_bytes_huge', sub { overwrite($_[0], 0, 48, u32(0xfffffff0)) }, 1],
    ['meta_bytes_more', sub { overwrite($_[0], 0, 48, u32($_[1]{model_bytes} + 64)) }, 1],
    ['meta_bytes_less', sub { overwrite($_[0], 0, 48, u32($_[1]{model_bytes} - 8)) }, 1],
    ['meta_leftmost_meta', sub { overwrite($_[0], 0, 52, u32(0)) }, 1],
    ['meta_leftmost_past', sub { overwrite($_[0], 0, 52, u32(99999)) }, 1],
    ['meta_leftmost_model', sub { overwrite($_[0], 0, 52, u32($_[1]{model_head})) }, 1],
    ['meta_leftmost_mid', sub { overwrite($_[0], 0, 52, u32($_[1]{leaves}[2])) }, 1],
    ['meta_kind', sub { overwrite($_[0], 0, FLAGS, u16(2)) }, 1],
    ['meta_page_id', sub { overwrite($_[0], 0, PAGE_ID, u16(0x1234)) }, 1],
    ['meta_special', sub { overwrite($_[0], 0, 16, u16(8192 - 24)) }, 1],

    # a leaf in the middle of the chain (leaves[2]); header at 24: nentries,
    # nkeys, has_include, npending (uint16s), body_bytes, include_bytes
    ['leaf_kind', sub { overwrite($_[0], $_[1]{leaves}[2], FLAGS, u16(4)) }, 1],
    ['leaf_page_id', sub { overwrite($_[0], $_[1]{leaves}[2], PAGE_ID, u16(0)) }, 1],
    ['leaf_special', sub { overwrite($_[0], $_[1]{leaves}[2], 16, u16(8192 - 32)) }, 1],
    ['leaf_lower', sub { overwrite($_[0], $_[1]{leaves}[2], 12, u16(8190)) }, 1],
    ['leaf_nentries_big', sub { overwrite($_[0], $_[1]{leaves}[2], BODY, u16(9000)) }, 1],
    ['leaf_nentries_plus', sub { overwrite($_[0], $_[1]{leaves}[2], BODY, u16($_[1]{mid_nentries} + 1)) }, 1],
    ['leaf_nentries_zero', sub { overwrite($_[0], $_[1]{leaves}[2], BODY, u16(0)) }, 1],
    ['leaf_nkeys', sub { overwrite($_[0], $_[1]{leaves}[2], BODY + 2, u16(3)) }, 1],
    ['leaf_has_include', sub { overwrite($_[0], $_[1]{leaves}[2], BODY + 4, u16(1)) }, 1],
    ['leaf_npending_big', sub { overwrite($_[0], $_[1]{leaves}[2], BODY + 6, u16(65)) }, 1],
    ['leaf_npending_plus', sub { overwrite($_[0], $_[1]{leaves}[2], BODY + 6, u16($_[1]{mid_npending} + 1)) }, 1],
    ['leaf_body_big', sub { overwrite($_[0], $_[1]{leaves}[2], BODY + 8, u32(8200)) }, 1],
    ['leaf_body_less', sub { overwrite($_[0], $_[1]{leaves}[2], BODY + 8, u32($_[1]{mid_body} - 8)) }, 1],
    ['leaf_include_bytes', sub { overwrite($_[0], $_[1]{leaves}[2], BODY + 12, u32(16)) }, 1],
    ['leaf_low_kind', sub { overwrite($_[0], $_[1]{leaves}[2], BODY + 16, pack('C', 9)) }, 1],
    ['leaf_low_plusinf', sub { overwrite($_[0], $_[1]{leaves}[2], BODY + 16, pack('C', 1)) }, 1],
    ['leaf_high_minusinf', sub { overwrite($_[0], $_[1]{leaves}[2], BODY + 16 + BOUND, pack('C', 0)) }, 1],
    ['leaf_high_rank', sub { overwrite($_[0], $_[1]{leaves}[2], BODY + 16 + BOUND + 1, pack('Q<', 7)) }, 1],
    # The high bound raised to the right neighbour's high bound: the
    # neighbour's keys are then "inside" this leaf.  Nothing on the page
    # says so (the bound is only checkable against the next leaf, which a
    # scan that ends here does not read): without checksums it may give
    # wrong rows; walks that step right, ixlearn_check, VACUUM and retrain
    # find it (the 4th field: a damage checksums must catch).
    ['leaf_high_raised', sub {
         my ($f, $l) = @_;
         my $right_high = substr(read_block($f, $l->{leaves}[3]), BODY + 16 + BOUND, BOUND);
         overwrite($f, $l->{leaves}[2], BODY + 16 + BOUND, $right_high);
     }, 1, 1],
    ['lane_mode', sub { overwrite($_[0], $_[1]{leaves}[2], $_[1]{mid_lanes}[2], pack('C', 5)) }, 1],
    ['lane_bits', sub { overwrite($_[0], $_[1]{leaves}[2], $_[1]{mid_lanes}[2] + 1, pack('C', 65)) }, 1],
    ['lane_bits_plus', sub {
         my ($f, $l) = @_;
         my $at = $l->{mid_lanes}[2] + 1;
         overwrite($f, $l->{leaves}[2], $at, pack('C', unpack('C', substr(read_block($f, $l->{leaves}[2]), $at, 1)) + 1));
     }, 1],
    # The key lane (random keys: Monotone) with a bitmap one bit longer,
    # or shorter, than its last set bit.
    ['lane_upper_bits_more', sub { overwrite($_[0], $_[1]{leaves}[2], $_[1]{mid_lanes}[2] + 12, u32($_[1]{mid_upper_bits} + 1)) }, 1],
    ['lane_upper_bits_less', sub { overwrite($_[0], $_[1]{leaves}[2], $_[1]{mid_lanes}[2] + 12, u32($_[1]{mid_upper_bits} - 1)) }, 1],
    ['lane_reserved', sub { overwrite($_[0], $_[1]{leaves}[2], $_[1]{mid_lanes}[2] + 2, u16(1)) }, 1],
    # The key lane's base moved by 2^40: every key of the leaf leaves its bounds.
    ['lane_base', sub {
         my ($f, $l) = @_;
         my $at = $l->{mid_key_base};
         my $rmin = unpack('Q<', substr(read_block($f, $l->{leaves}[2]), $at, 8));
         overwrite($f, $l->{leaves}[2], $at, pack('Q<', ($rmin + 2**40) % 2**64));
     }, 1],
    # The rank lane says every key is NULLS LAST (rank 2) or beyond (3).
    ['lane_rank', sub { overwrite($_[0], $_[1]{leaves}[2], $_[1]{mid_lanes}[0] + 4, pack('Q<', 3)) }, 1],
    # The heap block lane's base set to 2^32 - 2: TIDs past any heap.
    ['lane_tid', sub { overwrite($_[0], $_[1]{leaves}[2], $_[1]{mid_block_base}, pack('Q<', 0xfffffffe)) }, 1],
    ['left_meta', sub { overwrite($_[0], $_[1]{leaves}[2], LEFT, u32(0)) }, 1],
    ['left_past', sub { overwrite($_[0], $_[1]{leaves}[2], LEFT, u32(99999)) }, 1],
    ['left_self', sub { overwrite($_[0], $_[1]{leaves}[2], LEFT, u32($_[1]{leaves}[2])) }, 1],
    ['left_model', sub { overwrite($_[0], $_[1]{leaves}[2], LEFT, u32($_[1]{model_head})) }, 1],
    ['right_meta', sub { overwrite($_[0], $_[1]{leaves}[2], NEXT, u32(0)) }, 1],
    ['right_past', sub { overwrite($_[0], $_[1]{leaves}[2], NEXT, u32(99999)) }, 1],
    ['right_self', sub { overwrite($_[0], $_[1]{leaves}[2], NEXT, u32($_[1]{leaves}[2])) }, 1],
    ['right_back', sub { overwrite($_[0], $_[1]{leaves}[2], NEXT, u32($_[1]{leaves}[0])) }, 1],
    ['right_model', sub { overwrite($_[0], $_[1]{leaves}[2], NEXT, u32($_[1]{model_head})) }, 1],
    ['right_none', sub { overwrite($_[0], $_[1]{leaves}[2], NEXT, u32(0xffffffff)) }, 1],
    # The leftmost leaf's right link skips a leaf.
    ['right_skip', sub { overwrite($_[0], $_[1]{leaves}[0], NEXT, u32($_[1]{leaves}[2])) }, 1],

    # an unlinked leaf (out of the chain, waiting to be freed: no reader
    # reaches it, so only a damage VACUUM's freeing pass reads is found)
    ['unlinked_next_past', sub { overwrite($_[0], $_[1]{unlinked}[0], NEXT, u32(99999)) }, 0],
    ['unlinked_next_self', sub { overwrite($_[0], $_[1]{unlinked}[0], NEXT, u32($_[1]{unlinked}[0])) }, 0],
    ['unlinked_kind_leaf', sub { overwrite($_[0], $_[1]{unlinked}[0], FLAGS, u16(2)) }, 0],
    ['unlinked_body', sub { overwrite($_[0], $_[1]{unlinked}[0], 12, u16(BODY + 8)) }, 1],

    # the model page: ModelPageHeader (version, page_index) at 24, then the
    # directory: nleaves 32, nsegments 36, epsilon 40, nblocks 44, wide 48,
    # reserved 52, segments (first_key, first_pos, slope) from 56
    ['model_kind', sub { overwrite($_[0], $_[1]{model_head}, FLAGS, u16(2)) }, 1],
    ['model_page_id', sub { overwrite($_[0], $_[1]{model_head}, PAGE_ID, u16(7)) }, 1],
    ['model_version', sub { overwrite($_[0], $_[1]{model_head}, BODY, u32(99)) }, 1],
    ['model_page_index', sub { overwrite($_[0], $_[1]{model_head}, BODY + 4, u32(3)) }, 1],
    ['model_lower', sub { overwrite($_[0], $_[1]{model_head}, 12, u16(24 + 8 + 40)) }, 1],
    ['model_next_self', sub { overwrite($_[0], $_[1]{model_head}, NEXT, u32($_[1]{model_head})) }, 0],
    ['model_nleaves_zero', sub { overwrite($_[0], $_[1]{model_head}, BODY + 8, u32(0)) }, 1],
    ['model_nleaves_big', sub { overwrite($_[0], $_[1]{model_head}, BODY + 8, u32(1000000)) }, 1],
    ['model_nsegments', sub { overwrite($_[0], $_[1]{model_head}, BODY + 12, u32(0)) }, 1],
    ['model_nsegments_big', sub { overwrite($_[0], $_[1]{model_head}, BODY + 12, u32(0x7fffffff)) }, 1],
    ['model_epsilon', sub { overwrite($_[0], $_[1]{model_head}, BODY + 16, u32(0)) }, 1],
    ['model_nblocks', sub { overwrite($_[0], $_[1]{model_head}, BODY + 20, u32(9)) }, 1],
    ['model_wide', sub { overwrite($_[0], $_[1]{model_head}, BODY + 24, u32(2)) }, 1],
    ['model_slope', sub { overwrite($_[0], $_[1]{model_head}, BODY + 32 + 16, pack('q<', -1)) }, 1],
    ['model_first_pos', sub { overwrite($_[0], $_[1]{model_head}, BODY + 32 + 8, pack('Q<', 1000000)) }, 1],
    # The directory's block lane: every leaf it lists becomes block 0 (the
    # metapage), then block 1 (a leaf, but not the one listed).
    ['model_blocks_meta', sub {
         my ($f, $l) = @_;
         overwrite($f, $l->{model_head}, $l->{dir_block_lane}, pack('C C v Q<', 0, 0, 0, 0));
     }, 1],
    ['model_blocks_one', sub {
         my ($f, $l) = @_;
         overwrite($f, $l->{model_head}, $l->{dir_block_lane}, pack('C C v Q<', 0, 0, 0, $l->{leaves}[0]));
     }, 1],
);

# The layout of an index file: the metapage, the leaf chain in order, the
# middle leaf's header and lanes, the model page's directory.
sub layout
{
    my ($f) = @_;
    my %l;
    my $meta = read_block($f, 0);
    my @m = unpack('V V v v V V V V V', substr($meta, BODY, 32));
    @l{qw(magic version nkeys natts model_version model_head model_pages model_bytes leftmost)} = @m;
    my @leaves;
    my $b = $l{leftmost};
    while ($b != 0xffffffff && @leaves < 10000) {
        push @leaves, $b;
        $b = unpack('V', substr(read_block($f, $b), NEXT, 4));
    }
    $l{leaves} = \@leaves;
    # the leaves VACUUM unlinked (flags 16), found by reading every block
    my @unlinked = grep { unpack('v', substr(read_block($f, $_), FLAGS, 2)) == 16 } 1 .. (-s $f) / 8192 - 1;
    $l{unlinked} = \@unlinked;
    my $mid = read_block($f, $leaves[2]);
    @l{qw(mid_nentries mid_nkeys mid_has_include mid_npending mid_body)} = unpack('v v v v V', substr($mid, BODY, 12));
    $l{mid_lanes} = [ lanes_of($mid) ];
    die 'the middle leaf\'s rank lane is not Offset' unless unpack('C', substr($mid, $l{mid_lanes}[0], 1)) == 0;
    die 'the middle leaf\'s key lane is not Monotone' unless unpack('C', substr($mid, $l{mid_lanes}[2], 1)) == 2;
    $l{mid_upper_bits} = unpack('V', substr($mid, $l{mid_lanes}[2] + 12, 4));
    $l{mid_key_base} = lane_base_at($mid, $l{mid_lanes}[2]);
    $l{mid_block_base} = lane_base_at($mid, $l{mid_lanes}[3]);
    my $model = read_block($f, $l{model_head});
    my ($nleaves, $nseg, $eps, $nblocks) = unpack('V V V V', substr($model, BODY + 8, 16));
    $l{nleaves} = $nleaves;
    # directory offsets are relative to the directory's start (BODY + 8)
    my $dir = BODY + 8;
    my $off0 = unpack('V', substr($model, $dir + 24 + 24 * $nseg, 4));
    my $p = $dir + $off0;
    my $count = $nleaves < 256 ? $nleaves : 256;    # block 0's entries
    $p += lane_size($model, $p, $count) for 1 .. 3;    # tag, hi, lo, then the block lane
    $l{dir_block_lane} = $p;
    return \%l;
}

# ---- the clusters ------------------------------------------------------------------------

# One table per case, all alike: 5000 rows (random keys, a few NULLs),
# the index built, the rows of a key range deleted and VACUUMed (the
# leaves they leave empty are unlinked, waiting to be freed), then 2500
# more rows (the leaves split: the model is older than the chain, so
# lookups walk right from it), and dead rows for VACUUM.
sub table_sql
{
    my ($t) = @_;
    return qq{
        CREATE TABLE $t (id int, k int8, pad int) WITH (autovacuum_enabled = off);
        INSERT INTO $t SELECT g, CASE WHEN g % 500 <> 0 THEN abs(hashint8(g)) % 1000000000 END, g
          FROM generate_series(1, 5000) g;
        CREATE INDEX ${t}_i ON $t USING ixlearn (k);
        DELETE FROM $t WHERE k BETWEEN 200000000 AND 700000000;
        VACUUM $t;
        INSERT INTO $t SELECT g, abs(hashint8(g)) % 1000000000, g FROM generate_series(5001, 7500) g;
        DELETE FROM $t WHERE id % 700 = 1;
    };
}

my $helper = $scan_rows_sql . q{
CREATE FUNCTION ixl_try(query text, scan text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  idx record; seq record; st text; msg text;
BEGIN
  BEGIN
    IF scan IS NULL THEN
      EXECUTE query;
      RETURN 'ok';
    END IF;
    SELECT * INTO idx FROM ixl_scan_rows(query, scan);
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    RETURN 'ERR ' || st || ' ' || msg;
  END;
  SELECT * INTO seq FROM ixl_scan_rows(query, NULL);
  IF idx.plan NOT LIKE ixl_scan_pattern(scan) THEN
    RETURN 'NOPLAN ' || idx.plan;
  END IF;
  IF idx.rows IS DISTINCT FROM seq.rows THEN
    RETURN format('DIFF index=%s seq=%s', left(coalesce(idx.rows, '{}')::text, 200),
                  left(coalesce(seq.rows, '{}')::text, 200));
  END IF;
  RETURN 'same';
END $$;
};

sub new_cluster
{
    my ($name, $checksums) = @_;
    my $node = PostgreSQL::Test::Cluster->new($name);
    $node->init($checksums ? (extra => ['--data-checksums']) : ());
    $node->append_conf('postgresql.conf', "autovacuum = off\nrestart_after_crash = on\n");
    $node->start;
    $node->safe_psql('postgres', "CREATE EXTENSION ixlearn; $helper");
    return $node;
}

# The statements every damaged index serves: [label, sql, scan] (scan
# undef: a statement whose only right outcome is success).  %s is the
# table; the keys come from the layout.
sub statements
{
    my ($q) = @_;
    my @scans = (
        ['point', "SELECT count(*), sum(id) FROM %s WHERE k = $q->{point}", 'Index Scan'],
        ['range', "SELECT count(*), sum(id) FROM %s WHERE k BETWEEN $q->{lo} AND $q->{hi}", 'Bitmap Index Scan'],
        ['asc', "SELECT k FROM %s WHERE k >= $q->{lo} ORDER BY k LIMIT 60", 'Index Scan'],
        ['desc', "SELECT k FROM %s WHERE k <= $q->{hi} ORDER BY k DESC LIMIT 60", 'Index Scan'],
        ['desc_end', "SELECT k FROM %s WHERE k IS NOT NULL ORDER BY k DESC LIMIT 30", 'Index Scan'],
        ['any', "SELECT count(*), sum(id) FROM %s WHERE k = ANY('{$q->{any}}')", 'Index Scan'],
        ['isnull', "SELECT count(*), sum(id) FROM %s WHERE k IS NULL", 'Bitmap Index Scan'],
        ['ios', "SELECT md5(string_agg(k::text, ',')) FROM (SELECT k FROM %s WHERE k IS NOT NULL ORDER BY k) s",
         'Index Only Scan'],
    );
    my @writes = (
        ['insert', "INSERT INTO %s SELECT 90000 + g, abs(hashint8(g + 77)) % 1000000000, 0 FROM generate_series(1, 300) g", undef],
        ['stats', "SELECT count(*) FROM ixlearn_stats('%s_i')", undef],
        ['check', "SELECT ixlearn_check('%s_i', false)", undef]);
    my @after = (['retrain', "SELECT ixlearn_retrain('%s_i')", undef],
        (map { [$_->[0] . '2', $_->[1], $_->[2]] } @scans),
        ['check_heap', "SELECT ixlearn_check('%s_i', true)", undef]);
    return (\@scans, \@writes, \@after);
}

# The psql script of one damaged index: the scans, then inserts and the
# inspection functions, VACUUM, then a retrain and the scans again (each
# statement inside ixl_try); every outcome is a line "table|label|outcome"
# ('ok', 'same', 'ERR <sqlstate> <message>', 'DIFF ...', or 'TIMEOUT' for
# a batch cancelled by statement_timeout).  The writes run even after the
# scans timed out; after the writes time out the rest is skipped.
sub script_of
{
    my ($t, $q) = @_;
    my ($scans, $writes, $after) = statements($q);
    my $batch = sub {
        my ($stmts, $name) = @_;
        my $values = join(",\n  ", map {
            my $sql = sprintf($_->[1], $t);
            "('$_->[0]', \$q\$$sql\$q\$, " . (defined $_->[2] ? "'$_->[2]'" : 'NULL') . ')'
        } @$stmts);
        return "SELECT '$t|' || l || '|' || ixl_try(q, s) FROM (VALUES\n  $values) v(l, q, s);\n"
          . "SELECT :'SQLSTATE' = '57014' AS hung \\gset\n"
          . "\\if :hung\nSELECT '$t|$name|TIMEOUT';\n\\endif\n";
    };
    return $batch->($scans, 'scans')
      . $batch->($writes, 'writes')
      . "\\if :hung\n\\else\n"
      . "VACUUM (INDEX_CLEANUP ON) $t;\n"
      . "SELECT '$t|vacuum|' || CASE WHEN :'SQLSTATE' = '00000' THEN 'ok' WHEN :'SQLSTATE' = '57014' THEN 'TIMEOUT' "
      . "ELSE 'ERR ' || :'SQLSTATE' || ' ' || :'LAST_ERROR_MESSAGE' END;\n"
      . $batch->($after, 'after')
      . "\\endif\nSELECT '$t|END|';\n";
}

# Run the scripts of many damaged indexes in one psql session, watching
# for a statement that runs on past statement_timeout (an uninterruptible
# loop: it is killed, which restarts the server, and the rest is run
# again in a new session).  Returns {table => [[label, outcome], ...]}.
sub run_scripts
{
    my ($node, $q, @tables) = @_;
    my %res;
    my @todo = @tables;
    while (@todo) {
        my $in = "SET statement_timeout = '30s';\n\\set VERBOSITY default\n" . join('', map { script_of($_, $q) } @todo);
        my $file = $node->basedir . '/corrupt_script.sql';
        open(my $fh, '>', $file) or die "write $file: $!";
        print $fh $in;
        close $fh;
        my ($out, $err) = ('', '');
        my $h = IPC::Run::start([ $node->installed_command('psql'), '-XAtq', '-d', $node->connstr('postgres'), '-f', $file ],
            '<', '/dev/null', '>', \$out, '2>', \$err);
        my $next_check = time + 5;
        my $killed = 0;
        while ($h->pumpable) {
            $h->pump_nb;
            select(undef, undef, undef, 0.05);
            next if time < $next_check;
            $next_check = time + 5;
            my $stuck = $node->safe_psql('postgres', q{
                SELECT string_agg(pid::text, ' ') FROM pg_stat_activity
                 WHERE backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid()
                   AND now() - query_start > interval '40 s'});
            for my $pid (split / /, $stuck) {
                diag("backend $pid ran 40s, ignoring statement_timeout (30s): killed with SIGKILL");
                kill 'KILL', $pid;
                $killed = 1;
            }
        }
        $h->finish;
        my %done;
        my $last;
        for my $line (split /\n/, $out) {
            my ($t, $label, $r) = split /\|/, $line, 3;
            next unless defined $r;
            $last = $t;
            if ($label eq 'END') { $done{$t} = 1; next; }
            push @{ $res{$t} }, [ $label, $r ];
        }
        my @rest = grep { !$done{$_} } @todo;
        last unless @rest;
        # The first unfinished index is the one the session died on.
        my $dead = $rest[0];
        push @{ $res{$dead} }, [ 'session', $killed ? 'HANG (killed past statement_timeout)' : "LOST $err" ];
        $node->poll_query_until('postgres', 'SELECT true') or die 'the server did not come back';
        @todo = @rest[ 1 .. $#rest ];
    }
    return \%res;
}

my $block_named = qr/index "%s" (has a corrupted .* at block \d+|contains an unexpected or corrupted page at block \d+|has a broken page chain at block \d+|is not an ixlearn index)/;
my $core_page_check = qr/invalid page in block \d+ of relation/;    # PageIsVerified (header sanity, checksum)

sub run_cluster
{
    my ($name, $checksums) = @_;
    my $node = new_cluster($name, $checksums);
    my @names = map { $_->[0] } @cases;
    my @fuzz = map { "fuzz$_" } 1 .. 24;
    $node->safe_psql('postgres', join('', map { table_sql($_) } (@names, @fuzz)));
    my %file = map { split /\|/ } split /\n/, $node->safe_psql('postgres',
        'SELECT t, current_setting(\'data_directory\') || \'/\' || pg_relation_filepath(t || \'_i\') FROM unnest(ARRAY['
        . join(',', map { "'$_'" } (@names, @fuzz)) . ']) t');
    # The layout is read from the files; ixlearn_stats says what it must be.
    my ($s_leaves, $s_model_bytes) = split /\|/,
      $node->safe_psql('postgres', "SELECT leaves, model_bytes FROM ixlearn_stats('$names[0]_i')");
    $node->safe_psql('postgres', 'CHECKPOINT');
    $node->stop;

    my $l = layout($file{ $names[0] });
    is(scalar(@{ $l->{leaves} }) . '/' . $l->{model_bytes}, "$s_leaves/$s_model_bytes",
        "$name: the leaf chain and the model read from the file are those ixlearn_stats reports");
    note(sprintf('%s: %d leaves, model page %d (%d bytes), middle leaf %d: %d entries, %d pending',
        $name, scalar @{ $l->{leaves} }, $l->{model_head}, $l->{model_bytes}, $l->{leaves}[2],
        $l->{mid_nentries}, $l->{mid_npending}));
    ok(@{ $l->{leaves} } >= 5 && $l->{mid_nentries} > 10, "$name: the indexes have a chain of leaves to damage");
    ok(@{ $l->{unlinked} } >= 1, "$name: and unlinked leaves (" . scalar(@{ $l->{unlinked} }) . ')');

    # Keys for the queries: the middle leaf's low bound (a key it holds),
    # a range across it and its neighbours.
    # (A low bound of rank 2 starts the NULLs: the range then ends at the
    # largest key.)
    my $rank_of = sub {
        my ($b) = @_;
        return unpack('Q<', substr(read_block($file{ $names[0] }, $b), BODY + 17, 8));
    };
    my $key_of = sub {
        my ($b) = @_;
        my ($kind, $rank, $hi, $lo) = unpack('C Q< Q< Q<', substr(read_block($file{ $names[0] }, $b), BODY + 16, 25));
        return unpack('q<', pack('Q<', $lo ^ (1 << 63)));
    };
    my %q = (point => $key_of->($l->{leaves}[2]), lo => $key_of->($l->{leaves}[1]) + 1,
             hi => $rank_of->($l->{leaves}[4]) == 1 ? $key_of->($l->{leaves}[4]) - 1 : 999999999);
    $q{any} = join(',', $q{point}, $q{lo} - 1, $q{hi} + 1, $key_of->($l->{leaves}[3]), 12345, -7);

    for my $c (@cases) {
        my $f = $file{ $c->[0] };
        my @blocks = (0, @{ $l->{leaves} }[0 .. 3], $l->{model_head}, $l->{unlinked}[0]);
        my $before = join('', map { read_block($f, $_) } @blocks);
        $c->[1]->($f, layout($f));
        die "case $c->[0] changed nothing" if $before eq join('', map { read_block($f, $_) } @blocks);
    }

    # Random bytes: 1 to 12 bytes of one page, of each kind by turns, half
    # of them in the structured parts (page header and the first bytes of
    # the body: headers, bounds, lane headers; the special space).
    srand(20261207 + $checksums);
    my (%fuzzed, %values);
    for my $i (0 .. $#fuzz) {
        my $f = $file{ $fuzz[$i] };
        my $fl = layout($f);
        my $kind = (qw(meta leaf model))[ $i % 3 ];
        my $block = $kind eq 'meta' ? 0 : $kind eq 'model' ? $fl->{model_head}
          : $fl->{leaves}[ int(rand(scalar @{ $fl->{leaves} })) ];
        # A leaf's coded values (lane words past their headers, INCLUDE
        # bytes, pending entries): damage there can change a key or a TID
        # into another valid one, which only a checksum can tell.
        my $page = read_block($f, $block);
        my $lower = unpack('v', substr($page, 12, 2));
        my @headers = $kind eq 'leaf' ? lanes_of($page) : ();
        my $value_byte = sub {
            my ($at) = @_;
            return 0 unless $kind eq 'leaf' && $at >= LANES && $at < $lower;
            return !grep { $at >= $_ && $at < $_ + 32 } @headers;
        };
        my @bytes;
        my $values_only = 1;
        for (1 .. 1 + int(rand(12))) {
            my $at = rand() < 0.5 ? int(rand(8192)) : (rand() < 0.6 ? 12 + int(rand(200)) : SPECIAL + int(rand(16)));
            my $v = int(rand(256));
            next if unpack('C', substr($page, $at, 1)) == $v;
            overwrite($f, $block, $at, pack('C', $v));
            push @bytes, "$at=$v";
            $values_only &&= $value_byte->($at);
        }
        $fuzzed{ $fuzz[$i] } = "$kind page $block: @bytes" . ($values_only ? ' (coded values only)' : '');
        $values{ $fuzz[$i] } = $values_only;
    }

    $node->start;
    my $started = $node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()');
    my $res = run_scripts($node, \%q, @names, @fuzz);

    for my $c (@cases) {
        my ($case, undef, $must_fail, $checksums_only) = @$c;
        my @out = @{ $res->{$case} // [] };
        my ($errors, $bad) = (0, '');
        for my $o (@out) {
            my ($label, $r) = @$o;
            if ($r =~ /^(TIMEOUT|HANG|LOST|NOPLAN)/ || ($r =~ /^DIFF/ && ($checksums || !$checksums_only))) {
                $bad .= "  $label: $r\n";
            } elsif ($r =~ /^ERR (\S+) (.*)/s) {
                my ($state, $msg) = ($1, $2);
                $errors++;
                my $named = sprintf($block_named, "${case}_i");
                my $okerr = ($state eq 'XX002' && $msg =~ /$named/)
                  || ($state eq 'XX001' && $msg =~ $core_page_check)
                  || (!$checksums && $case eq 'meta_version' && $state eq '0A000' && $msg =~ /has ixlearn format version 3/);
                $bad .= "  $label: $r\n" unless $okerr;
            }
        }
        ok(@out >= 22, "$name/$case: every statement ran") or diag(explain \@out);
        is($bad, '', "$name/$case: each statement failed with "
            . ($checksums ? 'a checksum failure or ' : '') . 'index_corrupted naming index and block, or gave the right rows');
        ok($errors > 0, "$name/$case: the damage is found") if $must_fail || $checksums;
        note("$name/$case: " . join(', ', map { "$_->[0]=" . substr($_->[1], 0, 160) } @out));
    }

    my ($fwrong, $ferrors, $fbad) = (0, 0, '');
    for my $t (@fuzz) {
        for my $o (@{ $res->{$t} // [] }) {
            my ($label, $r) = @$o;
            if ($r =~ /^(TIMEOUT|HANG|LOST)/) {
                $fbad .= "  $t ($fuzzed{$t}) $label: $r\n";
            } elsif ($r =~ /^(DIFF|NOPLAN)/) {
                $fwrong++;
                diag("$name/$t ($fuzzed{$t}) $label: $r");
                $fbad .= "  $t ($fuzzed{$t}) $label: $r\n" if $checksums || !$values{$t};
            } elsif ($r =~ /^ERR (\S+) (.*)/s) {
                $ferrors++;
                $fbad .= "  $t ($fuzzed{$t}) $label: $r\n"
                  if $checksums && !(($1 eq 'XX001' && $2 =~ $core_page_check) || ($1 eq 'XX002' && $2 =~ /index "${t}_i"/));
            }
        }
    }
    is($fbad, '', "$name: random damage of every page kind (" . scalar(@fuzz) . ' indexes) never crashed or hung'
        . ($checksums ? ', never gave a wrong row, and failed only by checksum or index_corrupted'
                      : ', and gave a wrong row only when it changed nothing but coded values'));
    note("$name: $ferrors statements refused random damage, $fwrong gave other rows than a sequential scan");

    is($node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()'), $started, "$name: the postmaster never restarted");
    ok(!$node->log_contains('terminated by signal|was terminated by exception|reinitializing'), "$name: no backend crashed");

    # REINDEX repairs (a sample).
    my @sample = qw(meta_magic leaf_nentries_plus right_self model_nleaves_big lane_base);
    $node->safe_psql('postgres', join('', map { "REINDEX INDEX ${_}_i;" } @sample));
    my $after = run_scripts($node, \%q, @sample);
    for my $case (@sample) {
        my @bad = grep { $_->[1] !~ /^(ok|same)$/ } @{ $after->{$case} };
        is(scalar(@bad), 0, "$name/$case: REINDEX repairs it") or diag(explain \@bad);
    }
    $node->stop;
}

run_cluster('ixl_corrupt', 0);
run_cluster('ixl_corrupt_checksums', 1);

done_testing();
