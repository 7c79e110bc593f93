-- ixstat_contract.sql (pgTAP) — the contract with contrib pgstattuple:
-- functions, result columns, SQLSTATEs, and equal numbers on many randomly
-- shaped tables and indexes.  Runs in one transaction and rolls back.
BEGIN;
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS pgstattuple;
CREATE EXTENSION IF NOT EXISTS ixstat;
RESET client_min_messages;

SELECT plan(59);

SELECT has_schema('ixstat');
SELECT has_function('ixstat', 'pgstattuple', ARRAY['regclass']);
SELECT has_function('ixstat', 'pgstattuple', ARRAY['text']);
SELECT has_function('ixstat', 'pgstattuple_approx', ARRAY['regclass']);
SELECT has_function('ixstat', 'pgstatindex', ARRAY['regclass']);
SELECT has_function('ixstat', 'pgstatindex', ARRAY['text']);
SELECT has_function('ixstat', 'pgstatginindex', ARRAY['regclass']);
SELECT has_function('ixstat', 'pgstathashindex', ARRAY['regclass']);
SELECT has_function('ixstat', 'pg_relpages', ARRAY['regclass']);
SELECT has_function('ixstat', 'pg_relpages', ARRAY['text']);
SELECT is_strict('ixstat', 'pgstattuple', ARRAY['regclass']);
SELECT function_returns('ixstat', 'pg_relpages', ARRAY['text'], 'bigint');

-- Randomly shaped tables: widths, fillfactors, deletes and updates vary.
-- (No VACUUM: it cannot run inside the test's transaction; the regression
-- suite covers vacuumed relations.)
SELECT setseed(0.42);
CREATE FUNCTION pg_temp.make_random_tables_tx(n int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  FOR i IN 1..n LOOP
    EXECUTE format('CREATE TABLE rnd_%s (id int, w text) WITH (fillfactor = %s, autovacuum_enabled = off)',
                   i, 10 + (random() * 90)::int);
    EXECUTE format('INSERT INTO rnd_%s SELECT g, repeat(chr(65 + g %% 26), (random() * %s)::int) FROM generate_series(1, %s) g',
                   i, (1 + random() * 400)::int, (random() * 20000)::int);
    EXECUTE format('CREATE INDEX rnd_%s_id ON rnd_%s (id)', i, i);
    EXECUTE format('CREATE INDEX rnd_%s_h ON rnd_%s USING hash (w)', i, i);
    EXECUTE format('DELETE FROM rnd_%s WHERE random() < %s', i, random() * 0.7);
    EXECUTE format('UPDATE rnd_%s SET w = w || ''u'' WHERE random() < %s', i, random() * 0.3);
  END LOOP;
END $$;
SELECT pg_temp.make_random_tables_tx(10);

SELECT results_eq(format('SELECT * FROM public.pgstattuple(%L::regclass)', 'rnd_' || i),
                  format('SELECT * FROM ixstat.pgstattuple(%L::regclass)', 'rnd_' || i),
                  'pgstattuple(heap) equal on rnd_' || i)
  FROM generate_series(1, 10) i;
SELECT results_eq(format('SELECT * FROM public.pgstattuple_approx(%L::regclass)', 'rnd_' || i),
                  format('SELECT * FROM ixstat.pgstattuple_approx(%L::regclass)', 'rnd_' || i),
                  'pgstattuple_approx equal on rnd_' || i)
  FROM generate_series(1, 10) i;
SELECT results_eq(format('SELECT * FROM public.pgstatindex(%L::regclass)', 'rnd_' || i || '_id'),
                  format('SELECT * FROM ixstat.pgstatindex(%L::regclass)', 'rnd_' || i || '_id'),
                  'pgstatindex equal on rnd_' || i || '_id')
  FROM generate_series(1, 10) i;
SELECT results_eq(format('SELECT * FROM public.pgstathashindex(%L::regclass)', 'rnd_' || i || '_h'),
                  format('SELECT * FROM ixstat.pgstathashindex(%L::regclass)', 'rnd_' || i || '_h'),
                  'pgstathashindex equal on rnd_' || i || '_h')
  FROM generate_series(1, 10) i;

-- SQLSTATEs of the refusals.
CREATE VIEW v AS SELECT 1;
CREATE TABLE plain (a int);
CREATE INDEX plain_brin ON plain USING brin (a);
SELECT throws_ok($$SELECT * FROM ixstat.pgstattuple('v')$$, '0A000',
                 'cannot get tuple-level statistics for relation "v"', 'pgstattuple on a view: 0A000');
SELECT throws_ok($$SELECT * FROM ixstat.pgstattuple('plain_brin')$$, '0A000',
                 'index "plain_brin" (brin index) is not supported', 'pgstattuple on brin: 0A000');
SELECT throws_ok($$SELECT * FROM ixstat.pgstatindex('plain')$$, '42809',
                 'relation "plain" is not a btree index', 'pgstatindex on a table: 42809');
SELECT throws_ok($$SELECT * FROM ixstat.pgstathashindex('plain')$$, '42809',
                 'relation "plain" is not a hash index', 'pgstathashindex on a table: 42809');
SELECT throws_ok($$SELECT ixstat.pg_relpages('v')$$, '42809',
                 'cannot get page count of relation "v"', 'pg_relpages on a view: 42809');
SELECT throws_ok($$SELECT * FROM ixstat.pgstattuple('no_such')$$, '42P01', NULL, 'missing relation: 42P01');
SELECT lives_ok($$SELECT * FROM ixstat.pgstattuple('plain')$$, 'an empty table is fine');

SELECT * FROM finish();
ROLLBACK;
