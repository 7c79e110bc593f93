# 013_ixstat_upgrade.pl — ixstat 1.0 to 1.1.  ALTER EXTENSION ixstat UPDATE
# gives the same objects (definitions and privileges) as a fresh install of
# 1.1; what 1.0 had answers as before, and what 1.1 adds works after the
# update.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('ixstat_upgrade');
$node->init;
$node->append_conf('postgresql.conf', "autovacuum = off\n");
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE fresh; CREATE DATABASE updated;');

my $setup = q{
    CREATE TABLE t (a int, b int) WITH (autovacuum_enabled = off);
    INSERT INTO t SELECT g, g % 100 FROM generate_series(1, 20000) g;
    CREATE INDEX t_a ON t (a);
    CREATE INDEX t_a_dup ON t (a);
};
$node->safe_psql('fresh', "CREATE EXTENSION ixstat; $setup");
$node->safe_psql('updated', "CREATE EXTENSION ixstat VERSION '1.0'; $setup");
is($node->safe_psql('updated', "SELECT extversion FROM pg_extension WHERE extname = 'ixstat'"), '1.0',
    'version 1.0 installed');
my $stats = "SELECT row(p.*)::text FROM ixstat.pgstatindex('t_a') p";
my $before = $node->safe_psql('updated', $stats);

# Every member object, every function's full definition and privileges,
# and the schema's privileges.
my $objects = q{
    SELECT pg_describe_object(classid, objid, objsubid) FROM pg_depend
     WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
       AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ixstat')
    UNION ALL
    SELECT format('%s returns %s strict=%s volatile=%s parallel=%s src=%s config=%s acl=%s',
                  p.oid::regprocedure, pg_get_function_result(p.oid), p.proisstrict, p.provolatile,
                  p.proparallel, md5(p.prosrc), p.proconfig, p.proacl)
      FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
     WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ixstat')
    UNION ALL
    SELECT format('schema %s acl %s', nspname, nspacl) FROM pg_namespace WHERE nspname = 'ixstat'
    ORDER BY 1};

$node->safe_psql('updated', 'ALTER EXTENSION ixstat UPDATE');
is($node->safe_psql('updated', "SELECT extversion FROM pg_extension WHERE extname = 'ixstat'"), '1.1',
    'updated to 1.1');
is($node->safe_psql('updated', $objects), $node->safe_psql('fresh', $objects),
    'ALTER EXTENSION UPDATE gives the objects of a fresh install');
is($node->safe_psql('updated', $stats), $before, 'pgstatindex answers as under 1.0');

my $report = q{SELECT kind || ' ' || index_name::text FROM ixstat.index_report('public') WHERE kind = 'duplicate'};
is($node->safe_psql('updated', $report), 'duplicate t_a_dup', 'index_report works after the update');
is($node->safe_psql('updated', "SELECT leaf_pages FROM ixstat.index_stats('t_a')"),
    $node->safe_psql('updated', "SELECT leaf_pages FROM ixstat.pgstatindex('t_a')"),
    'index_stats works after the update');

$node->stop;
done_testing();
