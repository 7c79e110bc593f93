-- ixstat_health_contract.sql (pgTAP) — the contract of index_stats,
-- index_stats_sample and index_report: names, argument and result columns
-- and types, defaults, privileges, and the values a finding may take.
-- Runs in one transaction and rolls back.
BEGIN;
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS ixstat;
RESET client_min_messages;

SELECT plan(16);

SELECT has_function('ixstat', 'index_stats', ARRAY['regclass']);
SELECT has_function('ixstat', 'index_stats_sample', ARRAY['regclass', 'integer']);
SELECT has_function('ixstat', 'index_report', ARRAY['text', 'bigint', 'boolean']);
SELECT is(pg_get_function_arguments('ixstat.index_stats(regclass)'::regprocedure),
          'index regclass, OUT access_method name, OUT total_pages bigint, OUT meta_pages bigint, OUT internal_pages bigint, OUT leaf_pages bigint, OUT free_pages bigint, OUT other_pages bigint, OUT live_entries bigint, OUT dead_entries bigint, OUT free_bytes bigint, OUT avg_fill double precision, OUT detail jsonb',
          'index_stats: its argument, columns and types');
SELECT is(pg_get_function_arguments('ixstat.index_stats_sample(regclass, integer)'::regprocedure),
          replace(pg_get_function_arguments('ixstat.index_stats(regclass)'::regprocedure),
                  'index regclass,', 'index regclass, sample_pages integer,'),
          'index_stats_sample: the same columns');
SELECT is(pg_get_function_result('ixstat.index_report(text, bigint, boolean)'::regprocedure),
          'TABLE(kind text, severity text, table_name regclass, index_name regclass, detail text, suggestion text)',
          'index_report: its columns and types');
SELECT is(pg_get_function_arguments('ixstat.index_report(text, bigint, boolean)'::regprocedure),
          'schema_pattern text DEFAULT NULL::text, min_table_bytes bigint DEFAULT 0, deep boolean DEFAULT false',
          'index_report: argument names and defaults');
SELECT is_strict('ixstat', 'index_stats', ARRAY['regclass']);
SELECT isnt_strict('ixstat', 'index_report', ARRAY['text', 'bigint', 'boolean']);
SELECT function_privs_are('ixstat', 'index_stats', ARRAY['regclass'], 'pg_stat_scan_tables', ARRAY['EXECUTE']);
SELECT function_privs_are('ixstat', 'index_stats', ARRAY['regclass'], 'public', ARRAY[]::text[]);
SELECT function_privs_are('ixstat', 'index_report', ARRAY['text', 'bigint', 'boolean'], 'pg_monitor', ARRAY['EXECUTE']);
SELECT function_privs_are('ixstat', 'index_report', ARRAY['text', 'bigint', 'boolean'], 'public', ARRAY[]::text[]);

-- A finding of each catalog-only kind, and the values its columns take.
CREATE TABLE contract_t (a int, b int);
CREATE INDEX contract_t_a ON contract_t (a);
CREATE INDEX contract_t_a2 ON contract_t (a);
CREATE TABLE contract_p (id int PRIMARY KEY);
CREATE TABLE contract_c (p int REFERENCES contract_p);
SELECT bag_eq($$SELECT kind, severity, table_name, index_name IS NULL FROM ixstat.index_report('public')
                WHERE table_name::text LIKE 'contract_%' AND kind IN ('duplicate', 'unindexed_fk')$$,
              $$VALUES ('duplicate', 'warning', 'contract_t'::regclass, false),
                       ('unindexed_fk', 'warning', 'contract_c'::regclass, true)$$,
              'a duplicate and an unindexed foreign key, with their severity');
SELECT is_empty($$SELECT 1 FROM ixstat.index_report() WHERE kind NOT IN
                  ('unused', 'duplicate', 'redundant', 'invalid', 'bloated', 'unindexed_fk', 'random_order')
                  OR severity NOT IN ('info', 'warning', 'critical') OR suggestion IS NULL$$,
                'every finding has a known kind and severity, and a suggestion');
SELECT throws_ok($$SELECT * FROM ixstat.index_stats('contract_t')$$, '42809', NULL,
                 'index_stats on a table: wrong_object_type');

SELECT * FROM finish();
ROLLBACK;
