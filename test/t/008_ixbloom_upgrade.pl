# 008_ixbloom_upgrade.pl — ixbloom 1.0 to 1.1 to 1.2.  ALTER EXTENSION
# ixbloom UPDATE gives the same objects as a fresh install of each version,
# and an index whose metapage ixbloom 1.0 wrote (format 2 without the fields
# 1.1 appends: the options it was built with and the totals the cost model
# reads) keeps answering, takes inserts and folds, gets its totals at its
# first VACUUM, and becomes format 3 when that VACUUM merges its groups.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib "$FindBin::RealBin/../perl";
use IxpackRelFile;

my $node = PostgreSQL::Test::Cluster->new('upgrade');
$node->init;
$node->append_conf('postgresql.conf', "autovacuum = off\n");
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE fresh; CREATE DATABASE fresh11; CREATE DATABASE updated;');

$node->safe_psql('fresh', 'CREATE EXTENSION ixbloom');
$node->safe_psql('fresh11', "CREATE EXTENSION ixbloom VERSION '1.1'");
$node->safe_psql('updated', q{
    CREATE EXTENSION ixbloom VERSION '1.0';
    CREATE TABLE t (a int, b int) WITH (autovacuum_enabled = off);
    INSERT INTO t SELECT g, g % 100 FROM generate_series(1, 100000) g;
    CREATE INDEX t_bl ON t USING ixbloom (a, b) WITH (length = 96);
});
is($node->safe_psql('updated', "SELECT extversion FROM pg_extension WHERE extname = 'ixbloom'"), '1.0',
    'version 1.0 installed');

# What the extension owns, described so that two databases compare equal:
# every member object, every function's full definition and privileges,
# the event trigger.
my $objects = q{
    SELECT pg_describe_object(classid, objid, objsubid) FROM pg_depend
     WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
       AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ixbloom')
    UNION ALL
    SELECT format('%s returns %s strict=%s volatile=%s parallel=%s src=%s acl=%s',
                  p.oid::regprocedure, pg_get_function_result(p.oid), p.proisstrict, p.provolatile,
                  p.proparallel, p.prosrc, p.proacl)
      FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
     WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ixbloom')
    UNION ALL
    SELECT format('event trigger %s on %s tags %s enabled %s', evtname, evtevent, evttags, evtenabled)
      FROM pg_event_trigger
    ORDER BY 1};

# An index written by ixbloom 1.0: format 2, and its metapage body ends
# after grouped_rows (112 bytes), where 1.1 appends its fields.
my $file = $node->data_dir . '/' . $node->safe_psql('updated', "SELECT pg_relation_filepath('t_bl')");
$node->stop;
overwrite($file, 0, 24 + 4, pack('L', 2));
overwrite($file, 0, 24 + 112, "\0" x (496 - 112));
overwrite($file, 0, 12, pack('v', 24 + 112));
$node->start;

my $q = "SELECT string_agg(a::text, ',' ORDER BY a) FROM t WHERE b = 7 AND a = ANY('{7,107,5007,99907,100007}')";
is($node->safe_psql('updated', "SET enable_seqscan = off; $q"), '7,107,5007,99907', 'the 1.0 index answers under 1.0');

$node->safe_psql('updated', "ALTER EXTENSION ixbloom UPDATE TO '1.1'");
is($node->safe_psql('updated', $objects), $node->safe_psql('fresh11', $objects),
    'the extension updated to 1.1 has the objects of a fresh 1.1 install');
is($node->safe_psql('updated', "SET enable_seqscan = off; $q"), '7,107,5007,99907', 'the 1.0 index answers under 1.1');
$node->safe_psql('updated', 'ALTER EXTENSION ixbloom UPDATE');
is($node->safe_psql('updated', "SELECT extversion FROM pg_extension WHERE extname = 'ixbloom'"), '1.2',
    'ALTER EXTENSION UPDATE reaches 1.2');
is($node->safe_psql('updated', $objects), $node->safe_psql('fresh', $objects),
    'the updated extension has the objects of a fresh 1.2 install');

is($node->safe_psql('updated', "SET enable_seqscan = off; $q"), '7,107,5007,99907', 'the 1.0 index answers under 1.2');
like($node->safe_psql('updated', "SET enable_seqscan = off; EXPLAIN (COSTS OFF) $q"), qr/Bitmap Index Scan on t_bl/,
    'through the index');
is($node->safe_psql('updated', "SELECT format_version, sig_bits, options IS NULL, total_live IS NULL, merges FROM ixbloom_metapage('t_bl')"),
    '2|96|t|t|0', 'ixbloom_metapage shows format 2, its shape, and that 1.0 recorded neither options nor totals');

# Inserts, a fold, deletes: the index keeps answering like a seq scan, and
# VACUUM records the totals.
$node->safe_psql('updated', q{
    INSERT INTO t SELECT g, g % 100 FROM generate_series(100001, 110000) g;
    DELETE FROM t WHERE a % 10 = 3;
    SET ixbloom.vacuum_fold_min_pages = 1;
    VACUUM t;
});
my $q2 = "SELECT string_agg(a::text, ',' ORDER BY a) FROM t WHERE b = 7 AND a = ANY('{7,107,5007,99907,100007,109907}')";
my $by_index = $node->safe_psql('updated', "SET enable_seqscan = off; $q2");
is($by_index, '7,107,5007,99907,100007,109907', 'after inserts, a fold and VACUUM: the right rows');
is($by_index, $node->safe_psql('updated', "SET enable_bitmapscan = off; $q2"), 'as a seq scan gives');
is($node->safe_psql('updated', q{
    SELECT m.total_live = g.live AND m.total_tid_pages = g.tid_pages AND m.total_slice_pages = g.slice_pages
           AND m.dead_groups = g.dead_groups, m.options IS NULL
      FROM ixbloom_metapage('t_bl') m,
           (SELECT sum(live) AS live, sum(tid_pages) FILTER (WHERE live > 0) AS tid_pages,
                   sum(slice_pages) FILTER (WHERE live > 0) AS slice_pages,
                   count(*) FILTER (WHERE live = 0) AS dead_groups
              FROM ixbloom_groups('t_bl')) g}), 't|t',
    'VACUUM recorded the totals (the build options stay unknown until REINDEX)');
is($node->safe_psql('updated', "SELECT format_version, merges > 0 FROM ixbloom_metapage('t_bl')"), '3|t',
    'VACUUM merged the fold\'s small group into the last one, which made the index format 3');
$node->safe_psql('updated', 'REINDEX INDEX t_bl');
is($node->safe_psql('updated', "SELECT options FROM ixbloom_metapage('t_bl')"), 'length=96',
    'REINDEX records the options');

$node->stop;
done_testing();
