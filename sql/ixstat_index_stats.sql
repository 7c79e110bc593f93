-- ixstat.index_stats(): the same columns for every access method, checked
-- against contrib pgstattuple where they overlap, against each method's
-- own counts (reltuples after VACUUM, the inspection functions of ours),
-- and for what a census must always satisfy.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgstattuple;
CREATE EXTENSION IF NOT EXISTS bloom;
CREATE EXTENSION IF NOT EXISTS ixstat;
CREATE EXTENSION IF NOT EXISTS ixbloom;
CREATE EXTENSION IF NOT EXISTS ixbrin;
RESET client_min_messages;

-- The classes cover every block, once; fill is a percentage.
CREATE FUNCTION stats_census_ok(rel regclass) RETURNS text LANGUAGE sql AS $$
  SELECT CASE WHEN s.total_pages = s.meta_pages + s.internal_pages + s.leaf_pages + s.free_pages + s.other_pages
               AND s.total_pages = pg_relation_size(rel) / current_setting('block_size')::int
               AND s.free_bytes >= s.free_pages * current_setting('block_size')::int
               AND (s.avg_fill = 'NaN' OR s.avg_fill BETWEEN 0 AND 100)
              THEN 'ok' ELSE format('BAD %s', row(s.*)) END
    FROM ixstat.index_stats(rel) s $$;

-- btree: pgstatindex's figures, where the two overlap.
CREATE FUNCTION stats_cmp_btree(rel regclass) RETURNS text LANGUAGE sql AS $$
  SELECT CASE WHEN s.total_pages * current_setting('block_size')::int = p.index_size
               AND s.internal_pages = p.internal_pages AND s.leaf_pages = p.leaf_pages
               AND s.free_pages = p.deleted_pages AND s.other_pages = p.empty_pages
               AND s.avg_fill IS NOT DISTINCT FROM p.avg_leaf_density
               AND (s.detail ->> 'level')::int = p.tree_level AND (s.detail ->> 'version')::int = p.version
              THEN 'same' ELSE format('DIFF pgstatindex=%s index_stats=%s', row(p.*), row(s.*)) END
    FROM public.pgstatindex(rel) p, ixstat.index_stats(rel) s $$;
CREATE FUNCTION stats_cmp_hash(rel regclass) RETURNS text LANGUAGE sql AS $$
  SELECT CASE WHEN s.leaf_pages = p.bucket_pages + p.overflow_pages AND s.other_pages = p.bitmap_pages
               AND s.free_pages = p.unused_pages AND s.live_entries = p.live_items AND s.dead_entries = p.dead_items
               AND s.meta_pages = 1 AND s.access_method = 'hash'
              THEN 'same' ELSE format('DIFF pgstathashindex=%s index_stats=%s', row(p.*), row(s.*)) END
    FROM public.pgstathashindex(rel) p, ixstat.index_stats(rel) s $$;
CREATE FUNCTION stats_cmp_gin(rel regclass) RETURNS text LANGUAGE sql AS $$
  SELECT CASE WHEN (s.detail ->> 'pending_pages')::int = p.pending_pages
               AND (s.detail ->> 'pending_tuples')::bigint = p.pending_tuples
               AND (s.detail ->> 'version')::int = p.version
              THEN 'same' ELSE format('DIFF pgstatginindex=%s index_stats=%s', row(p.*), row(s.*)) END
    FROM public.pgstatginindex(rel) p, ixstat.index_stats(rel) s $$;

CREATE TABLE st (id int, k int, word text, tags int[], pt point, r int4range, a int, b int, ts timestamptz)
  WITH (autovacuum_enabled = off);

-- Empty indexes of every method.
CREATE INDEX st_btree ON st (id);
CREATE INDEX st_hash ON st USING hash (k);
CREATE INDEX st_gin ON st USING gin (tags) WITH (fastupdate = on);
CREATE INDEX st_gist ON st USING gist (pt);
CREATE INDEX st_spgist ON st USING spgist (word);
CREATE INDEX st_brin ON st USING brin (ts);
CREATE INDEX st_bloom ON st USING bloom (a, b);
CREATE INDEX st_ixbloom ON st USING ixbloom (a, b);
CREATE INDEX st_ixbrin ON st USING ixbrin (ts);
SELECT c.relname, s.access_method, s.total_pages, s.meta_pages, s.internal_pages, s.leaf_pages,
       s.free_pages, s.other_pages, s.live_entries, s.dead_entries, stats_census_ok(c.oid)
  FROM pg_class c, ixstat.index_stats(c.oid) s
 WHERE c.relname LIKE 'st\_%' AND c.relkind = 'i' ORDER BY 1;
SELECT stats_cmp_btree('st_btree'), stats_cmp_hash('st_hash'), stats_cmp_gin('st_gin');

-- Populated, then a third deleted and vacuumed, then more inserted (the
-- GIN pending list, ixbloom's insert buffer).
INSERT INTO st SELECT i, i % 997, md5(i::text), ARRAY[i % 10, i % 100], point(i % 100, i / 100),
       int4range(i, i + 10), i % 50, i % 7, '2026-01-01'::timestamptz + i * interval '1 minute'
  FROM generate_series(1, 20000) i;
DELETE FROM st WHERE id % 3 = 0;
VACUUM st;
INSERT INTO st SELECT i, i % 997, md5(i::text), ARRAY[i % 10], point(0, 0), NULL, i % 50, i % 7,
       '2026-03-01'::timestamptz + i * interval '1 minute'
  FROM generate_series(20001, 20500) i;
SELECT c.relname, s.access_method, stats_census_ok(c.oid), s.leaf_pages > 0 AS has_leaves, s.avg_fill > 0 AS filled
  FROM pg_class c, ixstat.index_stats(c.oid) s
 WHERE c.relname LIKE 'st\_%' AND c.relkind = 'i' ORDER BY 1;
SELECT stats_cmp_btree('st_btree'), stats_cmp_hash('st_hash'), stats_cmp_gin('st_gin');

-- Entries: after VACUUM, one per live row for the methods that index every
-- row (btree, hash, spgist, gist, contrib bloom), none dead (but SP-GiST's
-- redirects, which wait for a later VACUUM).
VACUUM st;
SELECT c.relname, s.live_entries = (SELECT count(*) FROM st) AS one_per_row,
       s.dead_entries = 0 OR s.access_method = 'spgist' AS none_dead
  FROM pg_class c, ixstat.index_stats(c.oid) s
 WHERE c.relname IN ('st_btree', 'st_hash', 'st_gist', 'st_spgist', 'st_bloom') ORDER BY 1;
-- ixbloom after VACUUM too (dead rows leave its groups' counts); its
-- metapage facts as its own inspection function reads them.  ixbrin and
-- BRIN: one summary per summarized range.
SELECT s.live_entries = (SELECT count(*) FROM st) AS ixbloom_one_per_row,
       (s.detail ->> 'signature_bits')::int = m.sig_bits AS sig_bits,
       (s.detail ->> 'groups')::int = m.ngroups AS groups
  FROM ixstat.index_stats('st_ixbloom') s, ixbloom_metapage('st_ixbloom') m;
SELECT s.live_entries = (SELECT count(*) FROM ixbrin_ranges('st_ixbrin') r WHERE r.state = 'summarized') AS ixbrin_entries,
       (s.detail ->> 'pages_per_range')::int AS pages_per_range
  FROM ixstat.index_stats('st_ixbrin') s;
SELECT brin_summarize_new_values('st_brin') >= 0 AS summarized;
SELECT s.live_entries = ceil(pg_relation_size('st') / current_setting('block_size')::numeric / 128) AS brin_entries,
       (s.detail ->> 'pages_per_range')::int AS pages_per_range, s.internal_pages AS revmap_pages
  FROM ixstat.index_stats('st_brin') s;

-- Dead entries: LP_DEAD marks left by index scans over deleted rows.
CREATE TABLE kill (id int PRIMARY KEY, pad text) WITH (autovacuum_enabled = off);
INSERT INTO kill SELECT i, repeat('x', 50) FROM generate_series(1, 5000) i;
DELETE FROM kill WHERE id <= 2500;
SET enable_seqscan = off; SET enable_bitmapscan = off;
SELECT count(*) FROM kill WHERE id <= 2500;
SELECT count(*) FROM kill WHERE id <= 2500;
RESET enable_seqscan; RESET enable_bitmapscan;
SELECT s.dead_entries > 0 AS marked_dead, s.live_entries + s.dead_entries = 5000 AS all_counted,
       (s.detail ->> 'dead_bytes')::bigint > 0 AS dead_bytes
  FROM ixstat.index_stats('kill_pkey') s;

-- A sample is scaled to the whole index, and says how many pages it read.
CREATE TABLE big (id int) WITH (autovacuum_enabled = off);
INSERT INTO big SELECT generate_series(1, 200000);
CREATE INDEX big_id ON big (id);
SELECT s.total_pages = f.total_pages AS same_total,
       abs(s.leaf_pages - f.leaf_pages) < f.leaf_pages / 10 AS leaves_close,
       abs(s.live_entries - f.live_entries) < f.live_entries / 10 AS entries_close,
       abs(s.avg_fill - f.avg_fill) < 5 AS fill_close,
       s.detail ->> 'sampled_pages' AS sampled, f.detail ? 'sampled_pages' AS full_says_sampled
  FROM ixstat.index_stats_sample('big_id', 16) s, ixstat.index_stats('big_id') f;
SELECT (ixstat.index_stats_sample('big_id', 100000)).leaf_pages = (ixstat.index_stats('big_id')).leaf_pages AS whole;

-- Errors, as pgstatindex words them where it has the same case.
SELECT * FROM ixstat.index_stats('st');
SELECT * FROM ixstat.index_stats_sample('big_id', 0);
CREATE TABLE part (k int) PARTITION BY RANGE (k);
CREATE INDEX part_k ON part (k);
SELECT * FROM ixstat.index_stats('part_k');

-- Privileges: like pgstatindex (pg_stat_scan_tables), not PUBLIC.
CREATE ROLE ixstat_plain;
CREATE ROLE ixstat_scanner IN ROLE pg_stat_scan_tables;
SET ROLE ixstat_plain;
SELECT access_method FROM ixstat.index_stats('st_btree');
RESET ROLE;
SET ROLE ixstat_scanner;
SELECT access_method FROM ixstat.index_stats('st_btree');
SELECT access_method FROM ixstat.index_stats_sample('st_btree', 4);
RESET ROLE;
DROP ROLE ixstat_plain;
DROP ROLE ixstat_scanner;

DROP TABLE st, kill, big, part;
