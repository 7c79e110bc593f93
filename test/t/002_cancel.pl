# 002_cancel.pl — a query cancel and a statement_timeout during long ixstat
# scans and C++ loops end the query with the usual error, the backend stays
# healthy, and nothing leaks (no buffer pin, resource or memory context
# warnings in the server log).  Also: another session's temp table.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('cancel');
$node->init;
$node->append_conf('postgresql.conf', "log_min_messages = warning\nshared_buffers = 64MB\n");
$node->start;

$node->safe_psql('postgres', q{
    CREATE EXTENSION ixstat;
    CREATE EXTENSION ixpack_test;
    CREATE TABLE big (id int, pad text) WITH (autovacuum_enabled = off);
    INSERT INTO big SELECT i, md5(i::text) FROM generate_series(1, 1000000) i;
    CREATE INDEX big_id ON big (id);
});

my $session = $node->background_psql('postgres', on_error_stop => 0);
my $pid = $session->query_safe('SELECT pg_backend_pid()');

# Cancel from another session while a long statement runs many ixstat scans.
$session->query_until(qr/started/, q{
    \echo started
    SELECT count((ixstat.pgstattuple('big')).table_len) FROM generate_series(1, 100000);
});
$node->poll_query_until('postgres',
    "SELECT count(*) = 1 FROM pg_stat_activity WHERE pid = $pid AND state = 'active' AND query LIKE '%ixstat.pgstattuple%'")
  or die 'the scan never started';
sleep 1;
$node->safe_psql('postgres', "SELECT pg_cancel_backend($pid)");
my $res = $session->query('SELECT 1 AS after_cancel');
like($session->{stderr}, qr/canceling statement due to user request/, 'cancel ends the ixstat scan');
is($res, '1', 'the same session works after the cancel');
$session->{stderr} = '';

# The same for each index-reading function, through statement_timeout.
for my $call ("ixstat.pgstattuple('big_id')", "ixstat.pgstatindex('big_id')",
              "ixstat.pgstattuple_approx('big')", "ixstat.pgstattuple('big')")
{
    $session->query("SET statement_timeout = '50ms'");
    # In the target list the function runs once per row: a long statement.
    $session->query("SELECT count($call) FROM generate_series(1, 100000)");
    like($session->{stderr}, qr/canceling statement due to statement timeout/, "statement_timeout ends $call");
    $session->{stderr} = '';
    $session->query('RESET statement_timeout');
    is($session->query("SELECT count(*) FROM $call"), '1', "$call works afterwards");
}

# Cancel a C++ loop that holds C++ objects.
my $before = $session->query_safe('SELECT ixpack_test.destructors_run()');
$session->query_until(qr/spinning/, q{
    \echo spinning
    SELECT ixpack_test.spin_cxx(600);
});
$node->poll_query_until('postgres',
    "SELECT count(*) = 1 FROM pg_stat_activity WHERE pid = $pid AND query LIKE '%spin_cxx%' AND state = 'active'")
  or die 'spin never started';
$node->safe_psql('postgres', "SELECT pg_cancel_backend($pid)");
my $after = $session->query('SELECT ixpack_test.destructors_run()');
like($session->{stderr}, qr/canceling statement due to user request/, 'cancel ends a C++ loop');
is($after - $before, 1, 'the C++ scope was unwound on cancel');
$session->{stderr} = '';

# Another session's temporary table is refused with contrib's messages.
$session->query_safe('CREATE TEMP TABLE mytemp AS SELECT generate_series(1, 100) AS a');
$session->query_safe('CREATE INDEX mytemp_a ON mytemp (a)');
my $schema = $session->query_safe("SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()");
my ($ret, $out, $err) = $node->psql('postgres', "SELECT * FROM ixstat.pgstattuple('$schema.mytemp')");
like($err, qr/cannot access temporary tables of other sessions/, 'pgstattuple refuses another session\'s temp table');
($ret, $out, $err) = $node->psql('postgres', "SELECT * FROM ixstat.pgstatindex('$schema.mytemp_a')");
like($err, qr/cannot access temporary tables of other sessions/, 'pgstatindex refuses another session\'s temp index');
($ret, $out, $err) = $node->psql('postgres', "SELECT * FROM ixstat.pgstattuple_approx('$schema.mytemp'::regclass)");
like($err, qr/cannot access temporary tables of other sessions/, 'pgstattuple_approx refuses it too');
is($node->safe_psql('postgres', "SELECT ixstat.pg_relpages('$schema.mytemp')"), '1',
    'pg_relpages reads the file size of another session\'s temp table, as contrib does');

$session->quit;

# Nothing leaked: resource owner and memory context warnings would be here.
my $log = slurp_file($node->logfile);
unlike($log, qr/WARNING:.*(leak|not closed|refcount|resource)/i, 'no leak warnings in the server log');
unlike($log, qr/terminated by signal|PANIC/, 'no crash');

$node->stop;
done_testing();
