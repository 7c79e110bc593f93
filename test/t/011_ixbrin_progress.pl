# 011_ixbrin_progress.pl — CREATE INDEX ... USING ixbrin reports its phase
# and tuple counts in pg_stat_progress_create_index.  The build is held
# mid-scan by a comparison function that sleeps on one value, so the test
# observes the progress row without racing the build.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('ixbrin_progress');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
    CREATE EXTENSION ixbrin;
    CREATE FUNCTION slow_cmp(int4, int4) RETURNS int4 LANGUAGE plpgsql IMMUTABLE STRICT AS $$
    BEGIN
      IF $1 = 50000 OR $2 = 50000 THEN PERFORM pg_sleep(1); END IF;
      RETURN btint4cmp($1, $2);
    END $$;
    CREATE OPERATOR CLASS slow_int4_ops FOR TYPE int4 USING ixbrin AS
        OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >, FUNCTION 1 slow_cmp(int4, int4);
    CREATE TABLE t AS SELECT g AS a FROM generate_series(1, 60000) g;
});

my $build = $node->background_psql('postgres');
$build->query_until(qr/building/, q{
    \echo building
    CREATE INDEX t_brin ON t USING ixbrin (a slow_int4_ops) WITH (pages_per_range = 16);
});

ok($node->poll_query_until('postgres', q{
    SELECT count(*) = 1 FROM pg_stat_progress_create_index
     WHERE phase = 'building index: summarizing ranges' AND tuples_done >= 40000
}), 'progress shows the ixbrin build phase and the tuples summarized so far');
is($node->safe_psql('postgres', q{SELECT command FROM pg_stat_progress_create_index}), 'CREATE INDEX',
    'the command is reported');

$build->quit;
is($node->safe_psql('postgres', q{SET enable_seqscan = off; SELECT count(*) FROM t WHERE a = 777}), '1',
    'the index built with the sleeping comparison answers queries');
$node->stop;
done_testing();
