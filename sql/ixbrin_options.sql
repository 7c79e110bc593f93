-- ixbrin options and errors: pages_per_range (BRIN's range and default),
-- the operator class parameters (values_per_range; n_distinct_per_range
-- and false_positive_rate), what the metapage freezes, and every bad input
-- with its ERROR: unsupported types, unsupported index features, other
-- table access methods, malformed operator classes, oversized summaries.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ixbrin;
CREATE EXTENSION IF NOT EXISTS ixpack_test;
RESET client_min_messages;

SET jit = off;
CREATE SCHEMA ixr_opt;
SET search_path = ixr_opt, ixpack_test, public;

CREATE TABLE t (a int, b text, c float8, d timestamptz) WITH (autovacuum_enabled = off);
INSERT INTO t SELECT i, 'b' || (i % 37), i / 7.0, '2026-01-01'::timestamptz + i * interval '1 minute'
  FROM generate_series(1, 5000) i;

-- pages_per_range: 1 .. 131072, default 128; the range map follows it.
CREATE FUNCTION try_ppr(opts text, OUT ranges bigint, OUT first_blocks bigint[], OUT results text) LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE INDEX i_try ON t USING ixbrin (a)%s', CASE WHEN opts <> '' THEN ' WITH (' || opts || ')' ELSE '' END);
  SELECT count(*), (array_agg(first_block ORDER BY range))[1:3] INTO ranges, first_blocks FROM ixbrin_ranges('i_try');
  results := concat_ws(', ',
    index_matches_seqscan('SELECT count(*), sum(a) FROM t WHERE a BETWEEN 100 AND 120'),
    index_matches_seqscan('SELECT a FROM t ORDER BY a DESC LIMIT 5', 'Index Scan'));
  DROP INDEX i_try;
END $$;
SELECT pg_relation_size('t') / 8192 AS heap_pages;
SELECT opts, r.* FROM (VALUES (''), ('pages_per_range = 1'), ('pages_per_range = 3'), ('pages_per_range = 128'),
                              ('pages_per_range = 131072')) v(opts), try_ppr(opts) r;
CREATE INDEX i_err ON t USING ixbrin (a) WITH (pages_per_range = 0);
CREATE INDEX i_err ON t USING ixbrin (a) WITH (pages_per_range = -1);
CREATE INDEX i_err ON t USING ixbrin (a) WITH (pages_per_range = 131073);
CREATE INDEX i_err ON t USING ixbrin (a) WITH (pages_per_range = 'many');
CREATE INDEX i_err ON t USING ixbrin (a) WITH (pages_per_range = 1e9);
CREATE INDEX i_err ON t USING ixbrin (a) WITH (pages = 4);
CREATE INDEX i_err ON t USING ixbrin (a) WITH (autosummarize = on);

-- The metapage freezes pages_per_range: ALTER INDEX ... SET changes the
-- option, which takes effect at REINDEX (as with BRIN).
CREATE INDEX i_ppr ON t USING ixbrin (a) WITH (pages_per_range = 4);
SELECT count(*) AS ranges FROM ixbrin_ranges('i_ppr');
ALTER INDEX i_ppr SET (pages_per_range = 8);
SELECT count(*) AS ranges FROM ixbrin_ranges('i_ppr');
SELECT index_matches_seqscan('SELECT a FROM t WHERE a BETWEEN 100 AND 120 ORDER BY a');
INSERT INTO t SELECT i, 'x', 0, now() FROM generate_series(5001, 5400) i;
SELECT index_matches_seqscan('SELECT a FROM t WHERE a > 5300 ORDER BY a');
REINDEX INDEX i_ppr;
SELECT count(*) AS ranges FROM ixbrin_ranges('i_ppr');
SELECT relname, reloptions FROM pg_class WHERE relname = 'i_ppr';
ALTER INDEX i_ppr SET (pages_per_range = 0);
DROP INDEX i_ppr;

-- minmax-multi: values_per_range 8 .. 256, default 32.
CREATE INDEX i_multi ON t USING ixbrin (c float8_minmax_multi_ops(values_per_range = 8)) WITH (pages_per_range = 1000);
SELECT summaries FROM ixbrin_ranges('i_multi');
SELECT index_matches_seqscan('SELECT count(*), sum(c) FROM t WHERE c BETWEEN 10 AND 11');
DROP INDEX i_multi;
CREATE INDEX i_err ON t USING ixbrin (c float8_minmax_multi_ops(values_per_range = 7));
CREATE INDEX i_err ON t USING ixbrin (c float8_minmax_multi_ops(values_per_range = 257));
CREATE INDEX i_err ON t USING ixbrin (c float8_minmax_multi_ops(false_positive_rate = 0.1));
-- bloom: n_distinct_per_range >= -1 (negative: a fraction of the rows a
-- range can hold), false_positive_rate 0.0001 .. 0.25.
CREATE INDEX i_bloom ON t USING ixbrin (b text_bloom_ops(n_distinct_per_range = 100, false_positive_rate = 0.05))
  WITH (pages_per_range = 8);
SELECT DISTINCT summaries FROM ixbrin_ranges('i_bloom');
SELECT index_matches_seqscan($$SELECT a FROM t WHERE b = 'b7' ORDER BY a$$);
DROP INDEX i_bloom;
CREATE INDEX i_err ON t USING ixbrin (b text_bloom_ops(n_distinct_per_range = -1.5));
CREATE INDEX i_err ON t USING ixbrin (b text_bloom_ops(false_positive_rate = 0.00001));
CREATE INDEX i_err ON t USING ixbrin (b text_bloom_ops(false_positive_rate = 0.3));
CREATE INDEX i_err ON t USING ixbrin (b text_bloom_ops(values_per_range = 16));
CREATE INDEX i_err ON t USING ixbrin (b text_minmax_ops(false_positive_rate = 0.1));

-- Types without an operator class, and operator classes of another method.
CREATE TABLE odd (p point, j jsonb, r int4range, x xml, a int[]);
CREATE INDEX i_err ON odd USING ixbrin (p);
CREATE INDEX i_err ON odd USING ixbrin (j);
CREATE INDEX i_err ON odd USING ixbrin (r);
CREATE INDEX i_err ON odd USING ixbrin (a);
CREATE INDEX i_err ON t USING ixbrin (a int4_ops);
CREATE INDEX i_err ON t USING ixbrin (b int4_minmax_ops);
CREATE INDEX i_err ON t USING ixbrin ((a::bit(8)));
CREATE INDEX i_text ON t USING ixbrin ((a::text), (a * 2));
DROP INDEX i_text;

-- Index features ixbrin does not have.
CREATE UNIQUE INDEX i_err ON t USING ixbrin (a);
CREATE INDEX i_err ON t USING ixbrin (a) INCLUDE (b);
-- (An exclusion constraint works: its checks are index scans.)
ALTER TABLE t ADD CONSTRAINT t_excl EXCLUDE USING ixbrin (a WITH =);
INSERT INTO t VALUES (42, 'dup', 0, now());
INSERT INTO t VALUES (-42, 'new', 0, now());
ALTER TABLE t DROP CONSTRAINT t_excl;
CREATE INDEX i_clu ON t USING ixbrin (a);
CLUSTER t USING i_clu;
DROP INDEX i_clu;

-- Another table access method (a second name for heap's handler): the
-- ordered scan reads heap pages, so ixbrin refuses it.
CREATE ACCESS METHOD heap_alias TYPE TABLE HANDLER heap_tableam_handler;
CREATE TABLE other_am (a int) USING heap_alias;
INSERT INTO other_am VALUES (1);
CREATE INDEX i_err ON other_am USING ixbrin (a);
DROP TABLE other_am;
DROP ACCESS METHOD heap_alias;

-- Summaries that cannot fit a page: fixed-size parts are refused at CREATE
-- INDEX; a value too long is refused by the statement that brings it.
CREATE INDEX i_err ON t USING ixbrin (b text_bloom_ops(n_distinct_per_range = 10000, false_positive_rate = 0.0001),
                                      b text_bloom_ops(n_distinct_per_range = 10000, false_positive_rate = 0.0001));
CREATE INDEX i_long ON t USING ixbrin (b);
INSERT INTO t VALUES (-1, repeat('é', 5000), 0, now());
SELECT count(*) FROM t WHERE a = -1;
DROP INDEX i_long;

-- 32 columns (INDEX_MAX_KEYS): every column summarized and searchable.
CREATE TABLE wide AS SELECT i AS c1, i % 2 AS c2, i % 3 AS c3, i % 4 AS c4, i % 5 AS c5, i % 6 AS c6, i % 7 AS c7,
  i % 8 AS c8, i % 9 AS c9, i % 10 AS c10, i % 11 AS c11, i % 12 AS c12, i % 13 AS c13, i % 14 AS c14, i % 15 AS c15,
  i % 16 AS c16, i % 17 AS c17, i % 18 AS c18, i % 19 AS c19, i % 20 AS c20, i % 21 AS c21, i % 22 AS c22,
  i % 23 AS c23, i % 24 AS c24, i % 25 AS c25, i % 26 AS c26, i % 27 AS c27, i % 28 AS c28, i % 29 AS c29,
  i % 30 AS c30, i % 31 AS c31, i % 32 AS c32 FROM generate_series(1, 2000) i;
CREATE INDEX wide_all ON wide USING ixbrin (c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16,
  c17, c18, c19, c20, c21, c22, c23, c24, c25, c26, c27, c28, c29, c30, c31, c32) WITH (pages_per_range = 2);
SELECT index_matches_seqscan('SELECT c1 FROM wide WHERE c1 < 50 AND c32 = 7 ORDER BY c1');
SELECT index_matches_seqscan('SELECT c1, c2 FROM wide ORDER BY c1 DESC, c2 DESC LIMIT 10', 'Index Scan');

-- amvalidate: every operator class of the extension validates; malformed
-- ones are refused (missing operators, a missing or wrongly typed support
-- function).
SELECT count(*) AS opclasses, count(*) FILTER (WHERE amvalidate(oid)) AS valid
  FROM pg_opclass WHERE opcmethod = (SELECT oid FROM pg_am WHERE amname = 'ixbrin');
CREATE OPERATOR CLASS bad_missing_op FOR TYPE int4 USING ixbrin AS
  OPERATOR 1 <, OPERATOR 3 =, FUNCTION 1 btint4cmp(int4, int4);
SELECT amvalidate(oid) FROM pg_opclass WHERE opcname = 'bad_missing_op';
CREATE OPERATOR CLASS bad_no_cmp FOR TYPE int4 USING ixbrin AS
  OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >;
SELECT amvalidate(oid) FROM pg_opclass WHERE opcname = 'bad_no_cmp';
CREATE OPERATOR CLASS bad_hash FOR TYPE int4 USING ixbrin AS
  OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >, FUNCTION 1 btint4cmp(int4, int4),
  FUNCTION 2 hashint8(int8);
SELECT amvalidate(oid) FROM pg_opclass WHERE opcname = 'bad_hash';
CREATE OPERATOR CLASS bad_cmp_type FOR TYPE int4 USING ixbrin AS
  OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >, FUNCTION 1 (int4, int4) btint48cmp(int4, int8);
SELECT amvalidate(oid) FROM pg_opclass WHERE opcname = 'bad_cmp_type';

SET client_min_messages = warning;
DROP SCHEMA ixr_opt CASCADE;
RESET client_min_messages;
