# 018_ixlearn_upgrade.pl — ixlearn indexes written in format version 1 by
# ixlearn 1.0 as released, under this build, which writes format 2
# (docs/ixlearn-format.md, "Format versions").  The 1.0 library is built
# here from the last commit that wrote format 1, and the extension's
# functions are pointed at it (pg_proc.probin) for the sessions that must
# run it: so the index really is one the old code wrote, and the old code
# can read what this build writes into it.
#  * A format 1 index keeps answering like a sequential scan under this
#    build, takes inserts (pending entries, leaves coded again, splits),
#    a range DELETE with VACUUM (leaves unlinked, freed, a retrain) and
#    ixlearn_retrain, and ixlearn_check passes.
#  * Every page this build wrote into it stays in format 1: the 1.0
#    library then reads the index, finds the same rows and passes
#    ixlearn_check.
#  * REINDEX writes format 2 (a uuid index gets smaller), and the 1.0
#    library refuses that index with a clear error and a REINDEX hint
#    instead of misreading it.
#  * ixstat.index_stats reads the leaves of both formats.
# ixlearn's SQL objects did not change: the extension stays version 1.0.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib "$FindBin::RealBin/../perl";
use IxlearnScans;

# The last commit whose ixlearn wrote format 1 (ixlearn 1.0 as landed).
my $format1_commit = 'ffbad90dbe79b15d2cd3f3f9c30995a901ace75a';
my $repo = "$FindBin::RealBin/../..";
my $src = PostgreSQL::Test::Utils::tempdir('ixlearn_1_0');
# safe.directory: the checkout may belong to another user than the one
# running the tests (CI clones as root and tests as postgres).
system("git -c safe.directory='*' -C '$repo' archive $format1_commit | tar -x -C '$src'") == 0
  or die "could not extract $format1_commit from $repo";
system("make -C '$src' -j2 --no-print-directory with_llvm=no EXT=ixlearn IXPACK_CXXFLAGS=-O1 all"
      . " >'$src/build.log' 2>&1") == 0
  or die "could not build ixlearn 1.0: see $src/build.log";
my $old_lib = "$src/ixlearn.so";
ok(-f $old_lib, "ixlearn 1.0 built from $format1_commit");

my $node = PostgreSQL::Test::Cluster->new('ixlearn_upgrade');
$node->init;
$node->append_conf('postgresql.conf', "autovacuum = off\n");
$node->start;
$node->safe_psql('postgres', "CREATE EXTENSION ixlearn; CREATE EXTENSION ixstat; CREATE EXTENSION pageinspect; $scan_rows_sql");

# Sessions started after this run the library given ('current' or 'old').
sub use_library
{
    my ($which) = @_;
    my $to = $which eq 'old' ? $old_lib : '$libdir/ixlearn';
    $node->safe_psql('postgres',
        "UPDATE pg_proc SET probin = '$to' WHERE probin IN ('\$libdir/ixlearn', '$old_lib')");
}

sub format_of
{
    my ($index) = @_;
    # The metapage body starts after the 24-byte page header: magic, then
    # format_version (little-endian).
    return $node->safe_psql('postgres', "SELECT get_byte(get_raw_page('$index', 0), 28)");
}

# Queries of every scan kind on both indexes, each compared with a
# sequential scan (rows and their order) and required to use the index.
my @queries = (
    ["SELECT k, id FROM t WHERE k BETWEEN 100000000 AND 130000000 ORDER BY k, id", 'Index Scan'],
    ["SELECT k FROM t WHERE k >= 500000000 ORDER BY k LIMIT 50", 'Index Only Scan'],
    ["SELECT k FROM t WHERE k <= 500000000 ORDER BY k DESC LIMIT 50", 'Index Scan'],
    ["SELECT count(*), sum(id) FROM t WHERE k IS NULL", 'Bitmap Index Scan'],
    ["SELECT count(*), sum(id) FROM t WHERE k = ANY('{5, 77777777, 444444444, 999999999}')", 'Index Scan'],
    ["SELECT u, f FROM t WHERE u >= 'a0000000-0000-0000-0000-000000000000' ORDER BY u LIMIT 100", 'Index Only Scan'],
    ["SELECT u, f FROM t WHERE u < 'a0000000-0000-0000-0000-000000000000' ORDER BY u DESC LIMIT 100", 'Index Scan'],
    ["SELECT id FROM t WHERE u = md5('12345')::uuid", 'Index Scan'],
    ["SELECT count(*), sum(id) FROM t WHERE u BETWEEN '30000000-0000-0000-0000-000000000000' AND '38000000-0000-0000-0000-000000000000'",
     'Bitmap Index Scan'],
);

sub answers_like_seqscan
{
    my ($label) = @_;
    for my $q (@queries) {
        my ($sql, $scan) = @$q;
        (my $quoted = $sql) =~ s/'/''/g;
        my $r = $node->safe_psql('postgres', qq{
            SELECT i.plan LIKE ixl_scan_pattern('$scan'), i.rows IS NOT DISTINCT FROM s.rows, coalesce(cardinality(s.rows), 0) > 0
              FROM ixl_scan_rows('$quoted', '$scan') i, ixl_scan_rows('$quoted', NULL) s});
        is($r, 't|t|t', "$label: $scan like a sequential scan: $sql");
    }
    is($node->safe_psql('postgres', "SELECT ixlearn_check('t_k', true), ixlearn_check('t_u', true)"), '|',
        "$label: ixlearn_check passes on both indexes");
    # (this build's ixstat, whichever ixlearn library the session runs)
    is($node->safe_psql('postgres', q{
        SELECT (SELECT live_entries FROM ixstat.index_stats('t_k')) = (SELECT count(*) FROM t),
               (SELECT live_entries FROM ixstat.index_stats('t_u')) = (SELECT count(*) FROM t)}), 't|t',
        "$label: ixstat.index_stats reads both indexes, an entry per row");
}

# ---- ixlearn 1.0 builds the indexes ---------------------------------------------------

use_library('old');
$node->safe_psql('postgres', q{
    CREATE TABLE t (id int, k int8, u uuid, f float8) WITH (autovacuum_enabled = off);
    INSERT INTO t SELECT g, CASE WHEN g % 97 <> 0 THEN abs(hashint8(g)) % 1000000000 END,
                         md5(g::text)::uuid, g / 7.0
      FROM generate_series(1, 30000) g;
    INSERT INTO t VALUES (30001, 5, NULL, 0), (30002, 999999999, NULL, 1);
    CREATE INDEX t_k ON t USING ixlearn (k);
    CREATE INDEX t_u ON t USING ixlearn (u) INCLUDE (f);
    -- pending entries in some leaves
    INSERT INTO t SELECT g, abs(hashint8(g)) % 1000000000, md5(g::text)::uuid, g / 7.0
      FROM generate_series(30003, 30040) g;
    VACUUM t;
});
is(format_of('t_k') . format_of('t_u'), '11', 'ixlearn 1.0 wrote format 1');
answers_like_seqscan('1.0 on its own index');

# ---- this build maintains them, in format 1 ---------------------------------------------

use_library('current');
answers_like_seqscan('this build on a format 1 index');
my $leaves_before = $node->safe_psql('postgres', "SELECT leaves FROM ixlearn_stats('t_u')");
$node->safe_psql('postgres', q{
    INSERT INTO t SELECT g, abs(hashint8(g)) % 1000000000, md5(g::text)::uuid, g / 7.0
      FROM generate_series(30041, 60000) g;
    DELETE FROM t WHERE k BETWEEN 200000000 AND 400000000 OR u BETWEEN 'c0000000-0000-0000-0000-000000000000'
                                                                   AND 'd0000000-0000-0000-0000-000000000000';
    VACUUM t;
    INSERT INTO t SELECT g, abs(hashint8(g)) % 1000000000, md5(g::text)::uuid, g / 7.0
      FROM generate_series(60001, 61000) g;
    VACUUM t;
    SELECT ixlearn_retrain('t_k');
});
cmp_ok($node->safe_psql('postgres', "SELECT leaves FROM ixlearn_stats('t_u')"), '>', $leaves_before,
    'the format 1 index split under this build');
is(format_of('t_k') . format_of('t_u'), '11', 'still format 1 after inserts, VACUUM and retrains');
answers_like_seqscan('this build after writing into a format 1 index');

# ---- ixlearn 1.0 reads what this build wrote ------------------------------------------

use_library('old');
answers_like_seqscan('1.0 on the index this build maintained');

# ---- REINDEX: format 2 ------------------------------------------------------------------

$node->safe_psql('postgres', 'REINDEX INDEX t_u; REINDEX INDEX t_k');
my $size1 = $node->safe_psql('postgres', "SELECT pg_relation_size('t_u')");
use_library('current');
$node->safe_psql('postgres', 'REINDEX INDEX t_u; REINDEX INDEX t_k');
is(format_of('t_k') . format_of('t_u'), '22', 'REINDEX under this build writes format 2');
my $size2 = $node->safe_psql('postgres', "SELECT pg_relation_size('t_u')");
cmp_ok($size2, '<', $size1, "the uuid index is smaller in format 2 ($size2 bytes, format 1: $size1)");
answers_like_seqscan('this build on its format 2 index');

use_library('old');
my ($stdout, $stderr) = ('', '');
$node->psql('postgres', "SET enable_seqscan = off; SELECT count(*) FROM t WHERE u = md5('12345')::uuid",
    stdout => \$stdout, stderr => \$stderr);
like($stderr, qr/index "t_u" has ixlearn format version 2, this build reads version 1/,
    'ixlearn 1.0 refuses a format 2 index');
like($stderr, qr/HINT:\s+REINDEX the index/, 'with a REINDEX hint');
use_library('current');

$node->stop;
done_testing();
