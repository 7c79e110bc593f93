# 005_ixbloom_progress.pl — CREATE INDEX ... USING ixbloom reports its
# phase and tuple counts in pg_stat_progress_create_index.  The build is
# held mid-scan by a hash function that sleeps on one value, so the test
# observes the progress row without racing the build.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('progress');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
    CREATE EXTENSION ixbloom;
    CREATE FUNCTION slow_hash(int4) RETURNS int4 LANGUAGE plpgsql IMMUTABLE STRICT AS $$
    BEGIN
      IF $1 = 50000 THEN PERFORM pg_sleep(3); END IF;
      RETURN hashint4($1);
    END $$;
    CREATE OPERATOR CLASS slow_int4_ops FOR TYPE int4 USING ixbloom AS
        OPERATOR 1 =(int4, int4), FUNCTION 1 slow_hash(int4);
    CREATE TABLE t AS SELECT g AS a FROM generate_series(1, 60000) g;
});

my $build = $node->background_psql('postgres');
$build->query_until(qr/building/, q{
    \echo building
    CREATE INDEX t_bl ON t USING ixbloom (a slow_int4_ops);
});

ok($node->poll_query_until('postgres', q{
    SELECT count(*) = 1 FROM pg_stat_progress_create_index
     WHERE phase = 'building index: loading tuples into groups' AND tuples_done >= 40000
}), 'progress shows the ixbloom build phase and tuples done');
is($node->safe_psql('postgres', q{SELECT command FROM pg_stat_progress_create_index}), 'CREATE INDEX',
    'the command is reported');

$build->quit;
is($node->safe_psql('postgres', q{SET enable_seqscan = off; SELECT count(*) FROM t WHERE a = 777}), '1',
    'the index built with the sleeping hash answers queries');
$node->stop;
done_testing();
