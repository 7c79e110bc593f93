-- pgstattuple() and pgstattuple_approx() on heap-like relations: ixstat
-- must print exactly what contrib pgstattuple prints.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgstattuple;
CREATE EXTENSION IF NOT EXISTS ixstat;
RESET client_min_messages;

-- 'same' or both rows, for every variant of the function.
CREATE FUNCTION cmp_tuple(rel regclass) RETURNS text LANGUAGE sql AS $$
  SELECT CASE WHEN c = i AND ct = it THEN 'same'
              ELSE format('DIFF contrib=%s ixstat=%s (text: %s / %s)', c, i, ct, it) END
    FROM (SELECT row(p.*)::text AS c FROM public.pgstattuple(rel) p) a,
         (SELECT row(p.*)::text AS i FROM ixstat.pgstattuple(rel) p) b,
         (SELECT row(p.*)::text AS ct FROM public.pgstattuple(rel::text) p) d,
         (SELECT row(p.*)::text AS it FROM ixstat.pgstattuple(rel::text) p) e $$;
CREATE FUNCTION cmp_approx(rel regclass) RETURNS text LANGUAGE sql AS $$
  SELECT CASE WHEN c = i THEN 'same' ELSE format('DIFF contrib=%s ixstat=%s', c, i) END
    FROM (SELECT row(p.*)::text AS c FROM public.pgstattuple_approx(rel) p) a,
         (SELECT row(p.*)::text AS i FROM ixstat.pgstattuple_approx(rel) p) b $$;
CREATE FUNCTION cmp_relpages(rel regclass) RETURNS text LANGUAGE sql AS $$
  SELECT CASE WHEN public.pg_relpages(rel) = ixstat.pg_relpages(rel)
               AND public.pg_relpages(rel::text) = ixstat.pg_relpages(rel::text)
              THEN 'same' ELSE 'DIFF' END $$;

-- Empty table: zero length, zero percentages (no division by zero).
CREATE TABLE h (id int, pad text) WITH (autovacuum_enabled = off);
SELECT * FROM ixstat.pgstattuple('h');
SELECT cmp_tuple('h'), cmp_approx('h'), cmp_relpages('h');

-- Small table.
INSERT INTO h SELECT i, repeat('x', i % 50) FROM generate_series(1, 100) i;
SELECT table_len, tuple_count, dead_tuple_count FROM ixstat.pgstattuple('h');
SELECT cmp_tuple('h'), cmp_approx('h'), cmp_relpages('h');

-- Larger table, then DELETE without VACUUM: dead tuples are counted.
INSERT INTO h SELECT i, repeat('y', i % 120) FROM generate_series(101, 60000) i;
DELETE FROM h WHERE id % 4 = 0;
SELECT tuple_count, dead_tuple_count FROM ixstat.pgstattuple('h');
SELECT cmp_tuple('h'), cmp_approx('h'), cmp_relpages('h');

-- An UPDATE leaves dead versions too.
UPDATE h SET pad = pad || 'z' WHERE id % 10 = 1;
SELECT cmp_tuple('h'), cmp_approx('h');

-- After VACUUM: dead space becomes free space; the visibility map lets
-- pgstattuple_approx skip pages.
VACUUM h;
SELECT dead_tuple_count, free_space > 0 AS has_free FROM ixstat.pgstattuple('h');
SELECT scanned_percent < 100 AS skipped_pages FROM ixstat.pgstattuple_approx('h');
SELECT cmp_tuple('h'), cmp_approx('h'), cmp_relpages('h');

-- An aborted insert leaves dead tuples behind.
BEGIN;
INSERT INTO h SELECT i, 'aborted' FROM generate_series(1, 500) i;
ROLLBACK;
SELECT cmp_tuple('h'), cmp_approx('h');

-- COPY FREEZE into a table created in the same transaction: every page is
-- all-visible, none is scanned, and the estimate is the table's reltuples,
-- -1 as long as it was never vacuumed or analyzed (contrib says -1 too).
BEGIN;
CREATE TABLE frozen (a int) WITH (autovacuum_enabled = off);
COPY frozen FROM STDIN WITH (FREEZE);
1
2
3
\.
COMMIT;
SELECT approx_tuple_count, scanned_percent FROM ixstat.pgstattuple_approx('frozen');
SELECT cmp_approx('frozen');

-- Qualified and quoted names through the text variants.
CREATE SCHEMA "Odd Schema";
CREATE TABLE "Odd Schema"."Mixed Case" (a int) WITH (autovacuum_enabled = off);
INSERT INTO "Odd Schema"."Mixed Case" SELECT generate_series(1, 1000);
SELECT tuple_count FROM ixstat.pgstattuple('"Odd Schema"."Mixed Case"');
SELECT cmp_tuple('"Odd Schema"."Mixed Case"');

-- TOAST table of a table with wide values.
CREATE TABLE wide (id int, doc text) WITH (autovacuum_enabled = off, toast.autovacuum_enabled = off);
INSERT INTO wide SELECT i, (SELECT string_agg(md5((i * 1000 + j)::text), '') FROM generate_series(1, 200) j)
  FROM generate_series(1, 200) i;
DELETE FROM wide WHERE id % 3 = 0;
SELECT (SELECT tuple_count > 0 FROM ixstat.pgstattuple(reltoastrelid)) AS toast_has_chunks,
       cmp_tuple(reltoastrelid), cmp_approx(reltoastrelid), cmp_relpages(reltoastrelid)
  FROM pg_class WHERE oid = 'wide'::regclass;

-- Materialized view.
CREATE MATERIALIZED VIEW mv AS SELECT id, pad FROM h WHERE id % 7 = 0;
SELECT cmp_tuple('mv'), cmp_approx('mv'), cmp_relpages('mv');

-- Sequence: pgstattuple reads it, pgstattuple_approx refuses it.
CREATE SEQUENCE seq;
SELECT nextval('seq'), nextval('seq');
SELECT tuple_count FROM ixstat.pgstattuple('seq');
SELECT cmp_tuple('seq'), cmp_relpages('seq');

-- Unlogged table.
CREATE UNLOGGED TABLE u (a int, b text) WITH (autovacuum_enabled = off);
INSERT INTO u SELECT i, md5(i::text) FROM generate_series(1, 5000) i;
DELETE FROM u WHERE a < 1000;
SELECT cmp_tuple('u'), cmp_approx('u'), cmp_relpages('u');

-- Temporary table of our own session.
CREATE TEMP TABLE tmp (a int);
INSERT INTO tmp SELECT generate_series(1, 3000);
DELETE FROM tmp WHERE a % 2 = 0;
SELECT tuple_count, dead_tuple_count FROM ixstat.pgstattuple('tmp');
SELECT cmp_tuple('tmp'), cmp_approx('tmp'), cmp_relpages('tmp');

-- A system catalog.
SELECT cmp_relpages('pg_class');
