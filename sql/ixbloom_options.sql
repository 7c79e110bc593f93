-- ixbloom reloptions: length, col1..col32, false_positive_rate; every error
-- they can raise; what the index's metapage freezes; 32 index columns.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ixbloom;
CREATE EXTENSION IF NOT EXISTS ixpack_test;
RESET client_min_messages;

-- disable_cost would push plans over jit_above_cost: no JIT (only time).
SET jit = off;
CREATE SCHEMA ixb_opt;
SET search_path = ixb_opt, ixpack_test, public;

-- The signature shape frozen in the metapage (docs/ixbloom-format.md):
-- length L in bits, number of columns, bits per column.
CREATE FUNCTION ixb_shape(idx regclass, OUT sig_bits int, OUT ncols int, OUT col_bits int[]) LANGUAGE sql AS $$
  SELECT sig_bits, ncols, col_bits FROM ixbloom_metapage(idx) $$;

CREATE TABLE t (a int, b text, c int) WITH (autovacuum_enabled = off);
INSERT INTO t SELECT i % 100, 'b' || (i % 37), CASE WHEN i % 10 <> 0 THEN i % 7 END FROM generate_series(1, 3000) i;

-- Build an ixbloom index on t with the given columns and options, read its
-- shape, compare three queries between index and seqscan, drop it.
CREATE FUNCTION try_index(cols text, opts text, OUT sig_bits int, OUT col_bits int[], OUT results text)
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE INDEX i_try ON t USING ixbloom (%s)%s', cols,
                 CASE WHEN opts <> '' THEN ' WITH (' || opts || ')' ELSE '' END);
  SELECT s.sig_bits, s.col_bits INTO sig_bits, col_bits FROM ixb_shape('i_try') s;
  results := concat_ws(', ',
    index_matches_seqscan('SELECT * FROM t WHERE a = 42 ORDER BY a, b, c'),
    index_matches_seqscan('SELECT * FROM t WHERE a = ANY(''{1,2,3}'') AND b IS NOT NULL ORDER BY a, b, c'),
    index_matches_seqscan('SELECT * FROM t WHERE a = 42 AND b = ''b5'' AND c IS NULL ORDER BY a, b, c'));
  EXECUTE 'DROP INDEX i_try';
END $$;

-- Defaults: 80 bits, 2 bits per column.  length is rounded up to a
-- multiple of 16 (at least 16); colN is the bits a value of column N sets,
-- at most the signature length.  false_positive_rate p gives every column
-- k = ceil(log2(1/p)) bits and L = ceil(ncols * k / ln 2), rounded up.
SELECT cols, opts, r.*
  FROM (VALUES ('a, b, c', ''),
               ('a, b', 'length = 1'),
               ('a, b', 'length = 16'),
               ('a, b', 'length = 17'),
               ('a, b', 'length = 81'),
               ('a, b', 'length = 96'),
               ('a, b', 'length = 4081'),
               ('a, b', 'length = 4096, col1 = 4095, col2 = 1'),
               ('a, b, c', 'col1 = 1, col3 = 16, length = 48'),
               ('a, b, c', 'col2 = 7'),
               ('a, b', 'length = 20, col2 = 32'),
               ('a', 'col1 = 80'),
               ('a, b', 'false_positive_rate = 0.01'),
               ('a', 'false_positive_rate = 0.5'),
               ('a, b, c', 'false_positive_rate = 0.25'),
               ('a, b, c', 'false_positive_rate = 0.125'),
               ('a, b, c', 'false_positive_rate = 0.000001')) v(cols, opts),
       try_index(cols, opts) r;

-- The options are kept in pg_class.reloptions as given.
CREATE INDEX i_opts ON t USING ixbloom (a, b) WITH (length = 81, col2 = 3);
CREATE INDEX i_fpr ON t USING ixbloom (a, b) WITH (false_positive_rate = 0.001);
SELECT relname, reloptions FROM pg_class WHERE relname IN ('i_opts', 'i_fpr') ORDER BY 1;
-- Without options, the shape comes from the data (ixbloom_sizing tests
-- how); SET options then take over at the next rebuild.
CREATE INDEX i_default ON t USING ixbloom (a, b, c);
SELECT * FROM ixb_shape('i_default');

-- The errors, with the default verbosity --------------------------------------
-- Out of range.
CREATE INDEX i_err ON t USING ixbloom (a) WITH (length = 0);
CREATE INDEX i_err ON t USING ixbloom (a) WITH (length = -16);
CREATE INDEX i_err ON t USING ixbloom (a) WITH (length = 4097);
CREATE INDEX i_err ON t USING ixbloom (a) WITH (col1 = 0);
CREATE INDEX i_err ON t USING ixbloom (a) WITH (col1 = 4096);
CREATE INDEX i_err ON t USING ixbloom (a) WITH (false_positive_rate = 0);
CREATE INDEX i_err ON t USING ixbloom (a) WITH (false_positive_rate = 0.0000009);
CREATE INDEX i_err ON t USING ixbloom (a) WITH (false_positive_rate = 0.51);
CREATE INDEX i_err ON t USING ixbloom (a) WITH (false_positive_rate = 1);
-- Not a number.
CREATE INDEX i_err ON t USING ixbloom (a) WITH (length = 'long');
CREATE INDEX i_err ON t USING ixbloom (a) WITH (length = '');
CREATE INDEX i_err ON t USING ixbloom (a) WITH (col1 = '2x');
CREATE INDEX i_err ON t USING ixbloom (a) WITH (false_positive_rate = 'low');
CREATE INDEX i_err ON t USING ixbloom (a) WITH (length);
-- Unknown options (there is no col0 and no col33).
CREATE INDEX i_err ON t USING ixbloom (a) WITH (lenght = 80);
CREATE INDEX i_err ON t USING ixbloom (a) WITH (col0 = 1);
CREATE INDEX i_err ON t USING ixbloom (a) WITH (col33 = 1);
CREATE INDEX i_err ON t USING ixbloom (a) WITH (fillfactor = 50);
-- The same option twice.
CREATE INDEX i_err ON t USING ixbloom (a) WITH (length = 80, length = 96);
-- false_positive_rate with length or colN.
CREATE INDEX i_err ON t USING ixbloom (a, b) WITH (false_positive_rate = 0.01, length = 80);
CREATE INDEX i_err ON t USING ixbloom (a, b) WITH (false_positive_rate = 0.01, col2 = 3);
CREATE INDEX i_err ON t USING ixbloom (a, b) WITH (col1 = 3, false_positive_rate = 0.1, length = 64);
-- colN beyond the index's columns.
CREATE INDEX i_err ON t USING ixbloom (a) WITH (col2 = 1);
CREATE INDEX i_err ON t USING ixbloom (a, b, c) WITH (col4 = 2);
CREATE INDEX i_err ON t USING ixbloom (a, b) WITH (col32 = 2);
-- colN above the signature length (after rounding).
CREATE INDEX i_err ON t USING ixbloom (a, b) WITH (col1 = 81);
CREATE INDEX i_err ON t USING ixbloom (a, b) WITH (length = 17, col2 = 33);
CREATE INDEX i_err ON t USING ixbloom (a) WITH (col1 = 4095);
-- None of them left anything behind.
SELECT count(*) FROM pg_class WHERE relname = 'i_err';

-- The same checks apply to an empty table and to an unlogged one, whose
-- empty init fork is written through another path.
CREATE TABLE t_empty (a int, b int);
CREATE INDEX i_err ON t_empty USING ixbloom (a) WITH (col2 = 1);
CREATE INDEX i_err ON t_empty USING ixbloom (a, b) WITH (false_positive_rate = 0.01, col1 = 2);
CREATE UNLOGGED TABLE t_unlogged (a int, b int);
CREATE INDEX i_err ON t_unlogged USING ixbloom (a) WITH (col2 = 1);
CREATE INDEX i_err ON t_unlogged USING ixbloom (a, b) WITH (col1 = 33, length = 32);
CREATE INDEX i_unlogged ON t_unlogged USING ixbloom (a, b) WITH (false_positive_rate = 0.1);
SELECT * FROM ixb_shape('i_unlogged');

-- ALTER INDEX SET checks values at once, but the shape is frozen until the
-- index is rebuilt.
ALTER INDEX i_default SET (length = 5000);
ALTER INDEX i_default SET (length = 200, col2 = 5);
SELECT * FROM ixb_shape('i_default');
INSERT INTO t SELECT i % 100, 'b' || (i % 37), i % 7 FROM generate_series(1, 500) i;
SELECT index_matches_seqscan('SELECT * FROM t WHERE a = 42 AND c = 0 ORDER BY a, b, c');
REINDEX INDEX i_default;
SELECT * FROM ixb_shape('i_default');
SELECT index_matches_seqscan('SELECT * FROM t WHERE a = 42 AND c = 0 ORDER BY a, b, c');
-- What CREATE INDEX refuses, ALTER INDEX refuses too: a colN beyond the
-- index's columns (found by ixbloom's event trigger, after the ALTER, which
-- it rolls back: accepted, it would make every later rebuild fail), and a
-- colN above the length (found by amoptions), also through ALTER TABLE.
ALTER INDEX i_default SET (col9 = 2);
ALTER TABLE i_default SET (col4 = 1);
ALTER INDEX i_default SET (length = 16, col2 = 17);
ALTER INDEX i_default SET (col3 = 201);
-- The check holds under session_replication_role = replica too (event
-- triggers are otherwise off there).
SET session_replication_role = replica;
ALTER INDEX i_default SET (col9 = 2);
RESET session_replication_role;
SELECT reloptions FROM pg_class WHERE relname = 'i_default';
-- A partitioned table's index builds nothing, so no build checks its
-- options: the trigger does, at CREATE INDEX (every later partition's
-- index would fail otherwise).
CREATE TABLE t_parted (a int, b int) PARTITION BY RANGE (a);
CREATE INDEX i_err ON t_parted USING ixbloom (a, b) WITH (col5 = 1);
CREATE INDEX i_parted ON t_parted USING ixbloom (a, b) WITH (col2 = 3);
CREATE TABLE t_parted_1 PARTITION OF t_parted FOR VALUES FROM (0) TO (100);
SELECT c.relname, s.* FROM pg_class c, ixb_shape(c.oid) s
 WHERE c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 't_parted_1'::regclass);
-- so every rebuild still works.
VACUUM FULL t;
REINDEX TABLE t;
SELECT * FROM ixb_shape('i_default');
-- From length/colN to false_positive_rate.
ALTER INDEX i_default RESET (length, col2);
ALTER INDEX i_default SET (false_positive_rate = 0.05);
REINDEX INDEX i_default;
SELECT c.reloptions, s.* FROM pg_class c, ixb_shape(c.oid) s WHERE c.relname = 'i_default';
SELECT index_matches_seqscan('SELECT * FROM t WHERE a = 42 AND c = 0 ORDER BY a, b, c');

-- A combination that is contradictory whatever the index is must be
-- rejected by ALTER INDEX at once, with the error CREATE INDEX gives.
CREATE TABLE t_alter (a int, b int);
INSERT INTO t_alter VALUES (1, 2);
CREATE INDEX i_alter ON t_alter USING ixbloom (a, b);
ALTER INDEX i_alter SET (false_positive_rate = 0.1, length = 64);
ALTER INDEX i_alter SET (length = 64);
ALTER INDEX i_alter SET (false_positive_rate = 0.1);
SELECT reloptions FROM pg_class WHERE relname = 'i_alter';
TRUNCATE t_alter;
SELECT * FROM ixb_shape('i_alter');

-- Things ixbloom does not do.
CREATE UNIQUE INDEX i_err ON t USING ixbloom (a);
CREATE INDEX i_err ON t USING ixbloom (a) INCLUDE (b);
CREATE INDEX i_err ON t USING ixbloom (a DESC);
CREATE INDEX i_err ON t USING ixbloom (a NULLS FIRST);
CREATE INDEX i_err ON t USING ixbloom (point(a, c));
ALTER TABLE t ADD CONSTRAINT t_excl EXCLUDE USING ixbloom (a WITH =);
CLUSTER t USING i_opts;

-- 32 columns (INDEX_MAX_KEYS) work, 33 do not --------------------------------
SELECT format('CREATE TABLE wide (%s)', string_agg(format('c%s int', n), ', ' ORDER BY n))
  FROM generate_series(1, 33) n \gexec
INSERT INTO wide SELECT i, i % 2, i % 3, i % 4, i % 5, i % 6, i % 7, i % 8, i % 9, i % 10, i % 11, i % 12, i % 13,
  i % 14, i % 15, i % 16, i % 17, i % 18, i % 19, i % 20, i % 21, i % 22, i % 23, i % 24, i % 25, i % 26, i % 27,
  i % 28, i % 29, i % 30, i % 31, NULLIF(i % 32, 0), i % 33 FROM generate_series(1, 5000) i;
SELECT format('CREATE INDEX wide_32 ON wide USING ixbloom (%s) WITH (length = 256, col32 = 5, col17 = 1)',
              string_agg(format('c%s', n), ', ' ORDER BY n))
  FROM generate_series(1, 32) n \gexec
SELECT * FROM ixb_shape('wide_32');
SELECT format('CREATE INDEX wide_32_fpr ON wide USING ixbloom (%s) WITH (false_positive_rate = 0.000001)',
              string_agg(format('c%s', n), ', ' ORDER BY n))
  FROM generate_series(1, 32) n \gexec
SELECT * FROM ixb_shape('wide_32_fpr');
SELECT index_matches_seqscan('SELECT c1 FROM wide WHERE c32 = 7 ORDER BY c1');
SELECT index_matches_seqscan('SELECT c1 FROM wide WHERE c32 IS NULL AND c2 = 0 AND c17 = 3 ORDER BY c1');
SELECT index_matches_seqscan('SELECT c1 FROM wide WHERE c1 = 4321 AND c31 = 12 ORDER BY c1');
SELECT format('CREATE INDEX wide_33 ON wide USING ixbloom (%s)', string_agg(format('c%s', n), ', ' ORDER BY n))
  FROM generate_series(1, 33) n \gexec
-- The smallest signature with 32 columns of 2 bits each.
SELECT format('CREATE INDEX wide_16 ON wide USING ixbloom (%s) WITH (length = 16)',
              string_agg(format('c%s', n), ', ' ORDER BY n))
  FROM generate_series(1, 32) n \gexec
SELECT * FROM ixb_shape('wide_16');
DROP INDEX wide_32, wide_32_fpr;
SELECT index_matches_seqscan('SELECT c1 FROM wide WHERE c32 = 7 AND c5 = 2 ORDER BY c1');

SET client_min_messages = warning;
DROP SCHEMA ixb_opt CASCADE;
RESET client_min_messages;
