-- pgstattuple(), pgstatindex(), pgstathashindex() and pgstatginindex() on
-- indexes: ixstat must print exactly what contrib pgstattuple prints.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgstattuple;
CREATE EXTENSION IF NOT EXISTS ixstat;
RESET client_min_messages;

CREATE FUNCTION cmp_index_tuple(rel regclass) RETURNS text LANGUAGE sql AS $$
  SELECT CASE WHEN c = i THEN 'same' ELSE format('DIFF contrib=%s ixstat=%s', c, i) END
    FROM (SELECT row(p.*)::text AS c FROM public.pgstattuple(rel) p) a,
         (SELECT row(p.*)::text AS i FROM ixstat.pgstattuple(rel) p) b $$;
CREATE FUNCTION cmp_btree(rel regclass) RETURNS text LANGUAGE sql AS $$
  SELECT CASE WHEN c = i AND ct = it THEN 'same' ELSE format('DIFF contrib=%s ixstat=%s', c, i) END
    FROM (SELECT row(p.*)::text AS c FROM public.pgstatindex(rel) p) a,
         (SELECT row(p.*)::text AS i FROM ixstat.pgstatindex(rel) p) b,
         (SELECT row(p.*)::text AS ct FROM public.pgstatindex(rel::text) p) d,
         (SELECT row(p.*)::text AS it FROM ixstat.pgstatindex(rel::text) p) e $$;
CREATE FUNCTION cmp_hash(rel regclass) RETURNS text LANGUAGE sql AS $$
  SELECT CASE WHEN c = i THEN 'same' ELSE format('DIFF contrib=%s ixstat=%s', c, i) END
    FROM (SELECT row(p.*)::text AS c FROM public.pgstathashindex(rel) p) a,
         (SELECT row(p.*)::text AS i FROM ixstat.pgstathashindex(rel) p) b $$;
CREATE FUNCTION cmp_gin(rel regclass) RETURNS text LANGUAGE sql AS $$
  SELECT CASE WHEN c = i THEN 'same' ELSE format('DIFF contrib=%s ixstat=%s', c, i) END
    FROM (SELECT row(p.*)::text AS c FROM public.pgstatginindex(rel) p) a,
         (SELECT row(p.*)::text AS i FROM ixstat.pgstatginindex(rel) p) b $$;

CREATE TABLE t (id int, k int, word text, tags int[], pt point)
  WITH (autovacuum_enabled = off);

-- Empty indexes.
CREATE INDEX t_btree ON t (id);
CREATE INDEX t_hash ON t USING hash (k);
CREATE INDEX t_gin ON t USING gin (tags) WITH (fastupdate = on);
CREATE INDEX t_gist ON t USING gist (pt);
SELECT * FROM ixstat.pgstatindex('t_btree');
SELECT cmp_btree('t_btree'), cmp_index_tuple('t_btree'), cmp_index_tuple('t_hash'),
       cmp_index_tuple('t_gist'), cmp_hash('t_hash'), cmp_gin('t_gin');

-- Populated.
INSERT INTO t SELECT i, i % 997, md5(i::text), ARRAY[i % 10, i % 100],
                     point(i % 300, i / 300)
  FROM generate_series(1, 50000) i;
SELECT tree_level, leaf_pages > 100 AS many_leaves FROM ixstat.pgstatindex('t_btree');
SELECT pending_pages > 0 AS has_pending FROM ixstat.pgstatginindex('t_gin');
SELECT cmp_btree('t_btree'), cmp_index_tuple('t_btree'), cmp_index_tuple('t_hash'),
       cmp_index_tuple('t_gist'), cmp_hash('t_hash'), cmp_gin('t_gin');

-- Deletes, then index scans that mark items LP_DEAD (killed tuples).
DELETE FROM t WHERE id % 5 = 0 OR id BETWEEN 20000 AND 30000;
SET enable_seqscan = off; SET enable_bitmapscan = off;
SELECT count(*) FROM t WHERE id > 0;
SELECT count(*) FROM t WHERE k = 7;
RESET enable_seqscan; RESET enable_bitmapscan;
SELECT (SELECT dead_tuple_count > 0 FROM ixstat.pgstattuple('t_btree')) AS btree_killed,
       (SELECT dead_items > 0 FROM ixstat.pgstathashindex('t_hash')) AS hash_killed;
SELECT cmp_btree('t_btree'), cmp_index_tuple('t_btree'), cmp_index_tuple('t_hash'),
       cmp_index_tuple('t_gist'), cmp_hash('t_hash'), cmp_gin('t_gin');

-- VACUUM empties and deletes btree pages and cleans the GIN pending list.
VACUUM t;
SELECT deleted_pages + empty_pages > 0 AS has_deleted FROM ixstat.pgstatindex('t_btree');
SELECT pending_pages FROM ixstat.pgstatginindex('t_gin');
SELECT cmp_btree('t_btree'), cmp_index_tuple('t_btree'), cmp_index_tuple('t_hash'),
       cmp_index_tuple('t_gist'), cmp_hash('t_hash'), cmp_gin('t_gin');

-- Out-of-order leaf chain: random insertion order fragments the leaves.
CREATE TABLE r (v int) WITH (autovacuum_enabled = off);
CREATE INDEX r_v ON r (v);
INSERT INTO r SELECT (i * 7919) % 100003 FROM generate_series(1, 40000) i;
SELECT leaf_fragmentation > 0 AS fragmented FROM ixstat.pgstatindex('r_v');
SELECT cmp_btree('r_v'), cmp_index_tuple('r_v');

-- Hash index with overflow pages (many duplicates of one key).
CREATE TABLE hd (k int) WITH (autovacuum_enabled = off);
CREATE INDEX hd_k ON hd USING hash (k);
INSERT INTO hd SELECT 1 FROM generate_series(1, 3000);
SELECT overflow_pages > 0 AS has_overflow FROM ixstat.pgstathashindex('hd_k');
SELECT cmp_hash('hd_k'), cmp_index_tuple('hd_k');

-- Unlogged table's indexes, and a multi-level btree on text.
CREATE UNLOGGED TABLE ul (s text);
CREATE INDEX ul_s ON ul (s);
INSERT INTO ul SELECT repeat(md5(i::text), 8) FROM generate_series(1, 20000) i;
SELECT tree_level >= 2 AS multi_level FROM ixstat.pgstatindex('ul_s');
SELECT cmp_btree('ul_s'), cmp_index_tuple('ul_s');

-- Index on an expression and a partial index, by text name.
CREATE INDEX t_expr ON t (lower(word)) WHERE id < 10000;
SELECT cmp_btree('t_expr');

-- System catalog index.
SELECT cmp_btree('pg_class_oid_index');
