-- ixlearn's build sort: entries are sorted in memory while they fit in
-- maintenance_work_mem and by a tuplesort (which spills to disk) beyond
-- it, or when an entry is too wide for an in-memory record.  Both ways
-- must write the same index, byte for byte (the pages are compared past
-- their LSN and checksum), and answer like a sequential scan.  The shapes
-- cover what the sort key packs: ranks of NULLs first and last, DESC
-- complements, a uuid's two words, -0, INCLUDE bytes, duplicates.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ixlearn;
CREATE EXTENSION IF NOT EXISTS ixpack_test;
CREATE EXTENSION IF NOT EXISTS pageinspect;
RESET client_min_messages;

SET jit = off;
CREATE SCHEMA ixl_build;
SET search_path = ixl_build, ixpack_test, public;
SET extra_float_digits = 0;
SELECT setseed(0.42);

-- 60,000 rows: int8 keys with duplicates and NULLs; a uuid, a float8 with
-- -0, +-Infinity, NaN and NULLs, and a text to INCLUDE; seven int8
-- columns (an entry wider than an in-memory record).
CREATE TABLE b (k int8, u uuid, f float8, t text, c1 int8, c2 int8, c3 int8, c4 int8, c5 int8, c6 int8, c7 int8)
  WITH (autovacuum_enabled = off);
INSERT INTO b
SELECT CASE WHEN g % 97 = 0 THEN NULL ELSE (random() * 20000)::int8 - 10000 END,
       md5((g % 30000)::text)::uuid,
       CASE g % 11 WHEN 0 THEN '-0'::float8 WHEN 1 THEN 'Infinity' WHEN 2 THEN '-Infinity' WHEN 3 THEN 'NaN'
                   WHEN 4 THEN NULL ELSE random() * 100 - 50 END,
       'row ' || g,
       g % 3, g % 5, g % 7, g % 11, g % 13, -g, g
  FROM generate_series(1, 60000) g;

-- The pages of two indexes that differ past the page's LSN and checksum.
CREATE FUNCTION pages_differ(a regclass, b regclass) RETURNS bigint LANGUAGE sql AS $$
  SELECT CASE WHEN pg_relation_size(a) <> pg_relation_size(b) THEN -1 ELSE
    (SELECT count(*) FROM generate_series(0, pg_relation_size(a) / 8192 - 1) blk
      WHERE substr(get_raw_page(a::text, blk::int), 11) <> substr(get_raw_page(b::text, blk::int), 11)) END
$$;

-- The temporary files this database has written (a sort that spills
-- writes some), as the statistics show them once this backend has
-- reported its own.
CREATE FUNCTION temp_files() RETURNS bigint LANGUAGE sql AS $$
  SELECT temp_files FROM pg_stat_database WHERE datname = current_database()
$$;
SELECT pg_stat_force_next_flush();
SELECT temp_files() AS files_before \gset

-- Each index twice: with the default maintenance_work_mem (in memory:
-- no temporary file), and with 1MB (too little: the tuplesort spills).
CREATE INDEX b_k_mem ON b USING ixlearn (k);
CREATE INDEX b_ufx_mem ON b USING ixlearn (u, f DESC NULLS LAST) INCLUDE (t);
CREATE INDEX b_kdesc_mem ON b USING ixlearn (k DESC NULLS FIRST, u);
CREATE INDEX b_wide_mem ON b USING ixlearn (c1, c2, c3, c4, c5, c6, c7);
SELECT pg_stat_force_next_flush();
SELECT temp_files() = :files_before AS in_memory_no_temp_files;
SET maintenance_work_mem = '1MB';
CREATE INDEX b_k_spill ON b USING ixlearn (k);
CREATE INDEX b_ufx_spill ON b USING ixlearn (u, f DESC NULLS LAST) INCLUDE (t);
CREATE INDEX b_kdesc_spill ON b USING ixlearn (k DESC NULLS FIRST, u);
CREATE INDEX b_wide_spill ON b USING ixlearn (c1, c2, c3, c4, c5, c6, c7);
RESET maintenance_work_mem;
SELECT pg_stat_force_next_flush();
SELECT temp_files() >= :files_before + 4 AS every_spilled_build_wrote_temp_files;

SELECT m AS index, pages_differ((m || '_mem')::regclass, (m || '_spill')::regclass) AS pages_differ,
       (SELECT leaves FROM ixlearn_stats((m || '_mem')::regclass)) > 1 AS several_leaves
  FROM unnest(ARRAY['b_k', 'b_ufx', 'b_kdesc', 'b_wide']) m;
SELECT ixlearn_check(i, true) FROM unnest(ARRAY['b_k_spill', 'b_ufx_spill', 'b_kdesc_spill', 'b_wide_spill']::regclass[]) i;

-- The spilled indexes answer like a sequential scan (the in-memory ones
-- have the same pages).
DROP INDEX b_k_mem, b_ufx_mem, b_kdesc_mem, b_wide_mem;
SELECT q, index_matches_seqscan(q, s) FROM (VALUES
  ('SELECT k FROM b WHERE k BETWEEN -50 AND 50 ORDER BY k', 'Index Scan'),
  ('SELECT k FROM b WHERE k IS NULL', 'Bitmap Index Scan'),
  ('SELECT k FROM b ORDER BY k DESC NULLS FIRST, u LIMIT 200', 'Index Scan'),
  ('SELECT u, f, t FROM b WHERE u = ''' || md5('17')::uuid || ''' ORDER BY u, f DESC NULLS LAST', 'Index Only Scan'),
  ('SELECT u, f FROM b WHERE u < ''10000000-0000-0000-0000-000000000000'' ORDER BY u, f DESC NULLS LAST', 'Index Scan'),
  ('SELECT c7 FROM b WHERE c1 = 2 AND c2 = 4 AND c3 = 6 ORDER BY c1, c2, c3, c4, c5, c6, c7', 'Index Scan')
) v(q, s);

SET client_min_messages = warning;
DROP SCHEMA ixl_build CASCADE;
