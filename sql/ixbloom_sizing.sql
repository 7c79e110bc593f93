-- ixbloom 1.2: an index created without length, colN or false_positive_rate
-- sizes its signature from the data (docs/ixbloom.md, "Signatures sized
-- from the data"): from pg_statistic after ANALYZE, else from a sample;
-- contrib's defaults on an empty table; options keep contrib's meaning.
-- ixbloom_metapage shows where the shape came from, and queries through
-- every such index return what a seq scan returns.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ixbloom;
CREATE EXTENSION IF NOT EXISTS ixpack_test;
RESET client_min_messages;

SET jit = off;
CREATE SCHEMA ixb_size;
SET search_path = ixb_size, ixpack_test, public;

-- 20,000 rows: ANALYZE reads them all, so its statistics (and the shape)
-- are the same on every run.  Columns of 20,000, 5,000, 50 and 4 values, and
-- one with 50% NULLs.
CREATE TABLE t (a int, b int, c int, d int, e int) WITH (autovacuum_enabled = off);
INSERT INTO t SELECT g, g % 5000, g % 50, g % 4, CASE WHEN g % 2 = 0 THEN g % 300 END
  FROM generate_series(1, 20000) g;

CREATE FUNCTION shape(idx regclass) RETURNS TABLE (sized_from text, sig_bits int, col_bits int[], options text)
LANGUAGE sql AS $$ SELECT sized_from, sig_bits, col_bits, options FROM ixbloom_metapage(idx) $$;

-- The same queries through the index and through a seq scan
-- (ixpack_test.index_matches_seqscan): 'same (N rows)' when they agree.
CREATE FUNCTION check_queries() RETURNS TABLE (q text, result text) LANGUAGE sql AS $$
  SELECT p, index_matches_seqscan(format('SELECT ctid FROM t WHERE %s ORDER BY ctid', p))
    FROM unnest(ARRAY['a = 77 AND b = 77', 'b = 17 AND c = 17', 'c = 3 AND d = 3', 'a = 120 AND c = 20 AND d = 0',
                      'e = 12 AND d = 0', 'e IS NULL AND c = 5', 'b = ANY(''{1,2,3}'') AND d = 1']) p $$;

-- Never analyzed: a sample of the table.
CREATE INDEX t_s ON t USING ixbloom (a, b, c, d, e);
SELECT * FROM shape('t_s');
SELECT * FROM check_queries();
DROP INDEX t_s;

-- After ANALYZE: its statistics.  More bits where a column has many
-- values, no more than contrib's 2 where it has few.
ANALYZE t;
CREATE INDEX t_s ON t USING ixbloom (a, b, c, d, e);
SELECT * FROM shape('t_s');
SELECT col_bits[1] >= col_bits[4] AS more_bits_for_more_values, col_bits[4] <= 2 AS few_for_four_values
  FROM shape('t_s');
SELECT * FROM check_queries();

-- Within half a single-column btree per indexed column.
CREATE INDEX t_a_btree ON t (a);
SELECT pg_relation_size('t_s') <= 5 * pg_relation_size('t_a_btree') / 2 AS within_budget;
DROP INDEX t_a_btree;

-- Any option given: contrib's meaning, exactly.
CREATE INDEX t_o ON t USING ixbloom (a, b, c, d, e) WITH (col2 = 4);
SELECT * FROM shape('t_o');
CREATE INDEX t_l ON t USING ixbloom (a, b, c, d, e) WITH (length = 64);
SELECT * FROM shape('t_l');
CREATE INDEX t_f ON t USING ixbloom (a, b, c, d, e) WITH (false_positive_rate = 0.01);
SELECT * FROM shape('t_f');
DROP INDEX t_o, t_l, t_f;

-- An expression column has no statistics: a sample (computing the
-- expression), and the build after it computes it again.
CREATE INDEX t_x ON t USING ixbloom ((a % 1000), c);
SELECT * FROM shape('t_x');
SELECT count(*) FROM t WHERE a % 1000 = 7 AND c = 7;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM t WHERE a % 1000 = 7 AND c = 7;
SELECT count(*) FROM t WHERE a % 1000 = 7 AND c = 7;
RESET enable_seqscan;
DROP INDEX t_x;

-- A partial index: always a sample of its own rows (the statistics are
-- the whole table's).
CREATE INDEX t_p ON t USING ixbloom (a, b) WHERE d = 1;
SELECT sized_from FROM shape('t_p');
DROP INDEX t_p;
-- The sample computes an expression only for rows in the predicate, as the
-- build does (100 / d fails where d = 0).
CREATE INDEX t_q ON t USING ixbloom ((100 / d), c) WHERE d <> 0;
SELECT sized_from FROM shape('t_q');
SET enable_seqscan = off;
SELECT count(*) FROM t WHERE 100 / d = 50 AND c = 2 AND d <> 0;
RESET enable_seqscan;
SELECT count(*) FROM t WHERE d = 2 AND c = 2;
DROP INDEX t_q;

-- An empty table: contrib's defaults, until a REINDEX once it has data.
CREATE TABLE e (a int, b int) WITH (autovacuum_enabled = off);
CREATE INDEX e_s ON e USING ixbloom (a, b);
SELECT sized_from, sig_bits, col_bits FROM ixbloom_metapage('e_s');
INSERT INTO e SELECT g, g % 10 FROM generate_series(1, 5000) g;
ANALYZE e;
REINDEX INDEX e_s;
SELECT sized_from, sig_bits > 80 AS longer, col_bits FROM ixbloom_metapage('e_s');
SET enable_seqscan = off;
SELECT count(*) FROM e WHERE a = 77 AND b = 7;
RESET enable_seqscan;

-- The shape survives VACUUM, inserts, folds and merges.
SET ixbloom.vacuum_fold_min_pages = 1;
INSERT INTO t SELECT g, g % 5000, g % 50, g % 4, g % 300 FROM generate_series(20001, 30000) g;
DELETE FROM t WHERE a % 3 = 0;
VACUUM t;
SELECT * FROM shape('t_s');
SELECT * FROM check_queries();
RESET ixbloom.vacuum_fold_min_pages;

DROP SCHEMA ixb_size CASCADE;
