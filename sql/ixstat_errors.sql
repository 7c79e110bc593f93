-- Every refusal: same SQLSTATE and message as contrib pgstattuple (each
-- statement is run against contrib, then against ixstat).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgstattuple;
CREATE EXTENSION IF NOT EXISTS ixstat;
RESET client_min_messages;
\set VERBOSITY default

CREATE TABLE e_tab (a int, p point);
CREATE VIEW e_view AS SELECT 1 AS one;
CREATE TABLE e_part (a int) PARTITION BY RANGE (a);
CREATE TABLE e_part_1 PARTITION OF e_part FOR VALUES FROM (0) TO (10);
CREATE INDEX e_part_idx ON e_part (a);
CREATE INDEX e_brin ON e_tab USING brin (a);
CREATE INDEX e_spgist ON e_tab USING spgist (p);
CREATE INDEX e_gin ON e_tab USING gin ((ARRAY[a]));
CREATE INDEX e_hash ON e_tab USING hash (a);
CREATE INDEX e_btree ON e_tab (a);
CREATE SEQUENCE e_seq;

-- pgstattuple: views, partitioned tables and indexes, unsupported index AMs.
SELECT * FROM public.pgstattuple('e_view');
SELECT * FROM ixstat.pgstattuple('e_view');
SELECT * FROM public.pgstattuple('e_part');
SELECT * FROM ixstat.pgstattuple('e_part');
SELECT * FROM public.pgstattuple('e_part_idx');
SELECT * FROM ixstat.pgstattuple('e_part_idx');
SELECT * FROM public.pgstattuple('e_brin');
SELECT * FROM ixstat.pgstattuple('e_brin');
SELECT * FROM public.pgstattuple('e_spgist');
SELECT * FROM ixstat.pgstattuple('e_spgist');
SELECT * FROM public.pgstattuple('e_gin');
SELECT * FROM ixstat.pgstattuple('e_gin');
SELECT * FROM public.pgstattuple('no_such_table');
SELECT * FROM ixstat.pgstattuple('no_such_table');
SELECT * FROM public.pgstattuple('a.b.c.d');
SELECT * FROM ixstat.pgstattuple('a.b.c.d');

-- pgstattuple_approx: only tables, matviews, TOAST.
SELECT * FROM public.pgstattuple_approx('e_seq');
SELECT * FROM ixstat.pgstattuple_approx('e_seq');
SELECT * FROM public.pgstattuple_approx('e_btree');
SELECT * FROM ixstat.pgstattuple_approx('e_btree');
SELECT * FROM public.pgstattuple_approx('e_view');
SELECT * FROM ixstat.pgstattuple_approx('e_view');
SELECT * FROM public.pgstattuple_approx('e_part');
SELECT * FROM ixstat.pgstattuple_approx('e_part');

-- pgstatindex: btree only.
SELECT * FROM public.pgstatindex('e_tab');
SELECT * FROM ixstat.pgstatindex('e_tab');
SELECT * FROM public.pgstatindex('e_hash');
SELECT * FROM ixstat.pgstatindex('e_hash');
SELECT * FROM public.pgstatindex('e_part_idx');
SELECT * FROM ixstat.pgstatindex('e_part_idx');

-- pgstatginindex and pgstathashindex: their own AM only.
SELECT * FROM public.pgstatginindex('e_btree');
SELECT * FROM ixstat.pgstatginindex('e_btree');
SELECT * FROM public.pgstatginindex('e_tab');
SELECT * FROM ixstat.pgstatginindex('e_tab');
SELECT * FROM public.pgstathashindex('e_btree');
SELECT * FROM ixstat.pgstathashindex('e_btree');
SELECT * FROM public.pgstathashindex('e_view');
SELECT * FROM ixstat.pgstathashindex('e_view');

-- pg_relpages: only relations with storage.
SELECT public.pg_relpages('e_view');
SELECT ixstat.pg_relpages('e_view');
SELECT public.pg_relpages('e_part');
SELECT ixstat.pg_relpages('e_part');

-- An index that is not valid (as a failed CREATE INDEX CONCURRENTLY leaves it).
UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'e_btree'::regclass;
SELECT * FROM public.pgstatindex('e_btree');
SELECT * FROM ixstat.pgstatindex('e_btree');
SELECT * FROM public.pgstattuple('e_btree');
SELECT * FROM ixstat.pgstattuple('e_btree');
UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'e_hash'::regclass;
SELECT * FROM public.pgstathashindex('e_hash');
SELECT * FROM ixstat.pgstathashindex('e_hash');
UPDATE pg_index SET indisvalid = true WHERE indexrelid IN ('e_btree'::regclass, 'e_hash'::regclass);

-- NULL arguments: the functions are strict.
SELECT * FROM ixstat.pgstattuple(NULL::regclass);
SELECT ixstat.pg_relpages(NULL::text);

-- The session survives all of the above.
SELECT tuple_count FROM ixstat.pgstattuple('e_tab');
