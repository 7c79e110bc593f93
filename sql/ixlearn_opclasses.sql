-- ixlearn: every operator class (int2/int4/int8 in integer_ops, float4/
-- float8 in float_ops, date/timestamp/timestamptz in datetime_ops, uuid),
-- with edge values and NULLs: integer minimum and maximum, float NaN,
-- ±Infinity and -0, date/timestamp ±infinity and the ends of their ranges,
-- the all-zero and all-ff uuids.  Every condition (each btree operator with
-- literals of the column's type and of the other types of its family,
-- including constants out of the column's range; IS [NOT] NULL; = ANY with
-- NULL elements) runs through the ixlearn index and by sequential scan
-- (index_matches_seqscan, from ixpack_test): as a bitmap scan, as an
-- ordered scan in both directions, as an index-only scan (which must give
-- back -0 as stored); the two must agree row for row and in order.  The
-- datetime cross-type conditions run again under time zones other than
-- UTC (date against timestamptz depends on the session's time zone).
-- Then: amvalidate of every operator class, a domain key, INCLUDE columns
-- of any type, and the errors: a key type ixlearn cannot order, UNIQUE,
-- reloptions out of range.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ixlearn;
CREATE EXTENSION IF NOT EXISTS ixpack_test;
RESET client_min_messages;

-- disable_cost would push plans over jit_above_cost: no JIT (only time).
SET jit = off;
CREATE SCHEMA ixl_opc;
SET search_path = ixl_opc, ixpack_test, public;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;

-- One column per supported type; every 19th row has NULLs.  The floats
-- have -0 and 0 (both), NaN and the infinities among ordinary values.
CREATE TABLE opc (id int, i2 int2, i4 int4, i8 int8, f4 float4, f8 float8, dt date, ts timestamp,
                  tstz timestamptz, u uuid) WITH (autovacuum_enabled = off);
CREATE FUNCTION opc_rows(first int, n int) RETURNS SETOF opc LANGUAGE sql AS $$
  SELECT i,
    CASE WHEN i % 19 <> 0 THEN (i * 37 % 2001 - 1000)::int2 END,
    CASE WHEN i % 19 <> 0 THEN i * 7919 % 100003 - 50000 END,
    CASE WHEN i % 19 <> 0 THEN (i::int8 * 7919 % 100003 - 50000) * 92233720368547 END,
    CASE WHEN i % 19 <> 0 THEN CASE i % 53 WHEN 1 THEN '-0' WHEN 2 THEN '0' WHEN 3 THEN 'NaN' WHEN 4 THEN 'Infinity'
                                           WHEN 5 THEN '-Infinity' ELSE ((i * 31 % 997) - 498)::float4 / 7 END END,
    CASE WHEN i % 19 <> 0 THEN CASE i % 47 WHEN 1 THEN '-0' WHEN 2 THEN '0' WHEN 3 THEN 'NaN' WHEN 4 THEN 'Infinity'
                                           WHEN 5 THEN '-Infinity' ELSE ((i * 31 % 997) - 498)::float8 / 7 END END,
    CASE WHEN i % 19 <> 0 THEN date '2000-01-01' + (i * 97 % 3001) END,
    CASE WHEN i % 19 <> 0 THEN timestamp '2000-01-01' + (i * 7919 % 100003) * interval '1 hour' END,
    CASE WHEN i % 19 <> 0 THEN timestamptz '2000-01-01 00:00+00' + (i * 7919 % 100003) * interval '15 minutes' END,
    CASE WHEN i % 19 <> 0 THEN md5((i * 7 % 500)::text)::uuid END
  FROM generate_series(first, first + n - 1) i $$;

-- Edge values; each twice (duplicates), inserted after the indexes are
-- built (so into leaves that split).
CREATE FUNCTION insert_edges() RETURNS void LANGUAGE sql AS $$
  INSERT INTO opc SELECT id + k, i2, i4, i8, f4, f8, dt, ts, tstz, u FROM (VALUES
  (9001, -32768, -2147483648, -9223372036854775808, '-Infinity'::float4, '-Infinity'::float8, '-infinity'::date,
         '-infinity'::timestamp, '-infinity'::timestamptz, '00000000-0000-0000-0000-000000000000'::uuid),
  (9003, 32767, 2147483647, 9223372036854775807, 'Infinity', 'Infinity', 'infinity', 'infinity', 'infinity',
         'ffffffff-ffff-ffff-ffff-ffffffffffff'),
  (9005, 0, 0, 0, 'NaN', 'NaN', '4713-11-24 BC', '4714-11-24 00:00 BC', '4714-11-24 00:00+00 BC',
         '00000000-0000-0000-0000-000000000001'),
  (9007, -1, -1, -1, '-0', '-0', '5874897-12-31', '294276-12-31 23:59:59.999999', '294276-12-31 23:59:59.999999+00',
         '7fffffff-ffff-ffff-ffff-ffffffffffff'),
  (9009, 1, 1, 1, '0', '0', '2000-01-01', '2000-01-01 00:00:00.000001', '2000-01-01 00:00:00.000001+00',
         '80000000-0000-0000-0000-000000000000'),
  (9011, -32767, -2147483647, -9223372036854775807, '3.4028235e38', '1.7976931348623157e308', '2003-01-01',
         '2003-01-01 00:00', '2003-01-01 05:00+00', 'ffffffff-ffff-ffff-0000-000000000000'),
  (9013, 32766, 2147483646, 9223372036854775806, '1e-45', '4.9e-324', '2003-01-02', '2003-01-01 23:59:59.999999',
         '2003-01-01 18:15+00', 'ffffffff-ffff-fffe-ffff-ffffffffffff'),
  (9015, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
  ) v(id, i2, i4, i8, f4, f8, dt, ts, tstz, u), (VALUES (0), (1)) k(k);
$$;

-- The literals each column's conditions use: edge values, values from the
-- data, values between them, absent ones, and values of the other types
-- of the family, in and out of the column's range.
CREATE TABLE vals (col text, lit text);
INSERT INTO vals VALUES
  ('i2', '''-32768''::int2'), ('i2', '32767::int2'), ('i2', '0::int2'), ('i2', '-1::int2'), ('i2', '500::int2'),
  ('i2', '500::int4'), ('i2', '32767::int4'), ('i2', '32768::int4'), ('i2', '40000::int4'), ('i2', '''-32769''::int4'),
  ('i2', '''-40000''::int8'), ('i2', '7::int8'), ('i2', '9223372036854775807::int8'),
  ('i2', '''-9223372036854775808''::int8'),
  ('i4', '''-2147483648''::int4'), ('i4', '2147483647'), ('i4', '0'), ('i4', '12345'), ('i4', '''-7''::int2'),
  ('i4', '32767::int2'), ('i4', '2147483648::int8'), ('i4', '''-2147483649''::int8'), ('i4', '3000000000::int8'),
  ('i4', '''-1''::int8'),
  ('i8', '''-9223372036854775808''::int8'), ('i8', '9223372036854775807::int8'), ('i8', '0::int8'),
  ('i8', '92233720368547::int8'), ('i8', '2147483647::int4'), ('i8', '''-2147483648''::int4'), ('i8', '''-1''::int2'),
  ('i8', '32767::int2'),
  ('f4', '''NaN''::float4'), ('f4', '''Infinity''::float4'), ('f4', '''-Infinity''::float4'), ('f4', '''-0''::float4'),
  ('f4', '0::float4'), ('f4', '3.5::float4'), ('f4', '''NaN''::float8'), ('f4', '''-0''::float8'), ('f4', '0.1::float8'),
  ('f4', '1e300::float8'), ('f4', '''-1e300''::float8'), ('f4', '''Infinity''::float8'), ('f4', '1e-45::float8'),
  ('f4', '3.4028234663852886e38::float8'),
  ('f8', '''NaN''::float8'), ('f8', '''Infinity''::float8'), ('f8', '''-Infinity''::float8'), ('f8', '''-0''::float8'),
  ('f8', '0::float8'), ('f8', '''-12.5''::float8'), ('f8', '4.9e-324::float8'), ('f8', '''NaN''::float4'),
  ('f8', '3.5::float4'), ('f8', '''-0''::float4'), ('f8', '''-Infinity''::float4'), ('f8', '0.1::float4'),
  ('f8', '1.7976931348623157e308::float8'),
  ('dt', '''-infinity''::date'), ('dt', '''infinity''::date'), ('dt', '''2000-01-01''::date'), ('dt', '''2004-06-30''::date'),
  ('dt', '''4713-11-24 BC''::date'), ('dt', '''5874897-12-31''::date'),
  ('dt', '''2000-01-01 12:00''::timestamp'), ('dt', '''2003-01-01 00:00''::timestamp'), ('dt', '''infinity''::timestamp'),
  ('dt', '''294276-12-31 23:59:59''::timestamp'), ('dt', '''4714-11-24 00:00 BC''::timestamp'),
  ('dt', '''2003-01-01 00:00+00''::timestamptz'), ('dt', '''2003-01-01''::timestamptz'),
  ('dt', '''2003-01-02 00:00+05:45''::timestamptz'), ('dt', '''-infinity''::timestamptz'),
  ('ts', '''-infinity''::timestamp'), ('ts', '''infinity''::timestamp'), ('ts', '''2000-01-01''::timestamp'),
  ('ts', '''2005-06-01 13:00''::timestamp'), ('ts', '''4714-11-24 00:00 BC''::timestamp'),
  ('ts', '''294276-12-31 23:59:59.999999''::timestamp'),
  ('ts', '''2000-01-01''::date'), ('ts', '''2003-01-01''::date'), ('ts', '''infinity''::date'), ('ts', '''5874897-12-31''::date'),
  ('ts', '''2005-06-01 13:00+00''::timestamptz'), ('ts', '''2003-01-01 00:00''::timestamptz'), ('ts', '''-infinity''::timestamptz'),
  ('tstz', '''-infinity''::timestamptz'), ('tstz', '''infinity''::timestamptz'), ('tstz', '''2000-01-01 00:00+00''::timestamptz'),
  ('tstz', '''2000-02-10 00:00+00''::timestamptz'), ('tstz', '''4714-11-24 00:00+00 BC''::timestamptz'),
  ('tstz', '''2000-01-01''::date'), ('tstz', '''2003-01-01''::date'), ('tstz', '''2003-01-02''::date'),
  ('tstz', '''-infinity''::date'), ('tstz', '''5874897-12-31''::date'),
  ('tstz', '''2000-02-10 00:00''::timestamp'), ('tstz', '''2003-01-01 00:00''::timestamp'), ('tstz', '''infinity''::timestamp'),
  ('u', '''00000000-0000-0000-0000-000000000000''::uuid'), ('u', '''ffffffff-ffff-ffff-ffff-ffffffffffff''::uuid'),
  ('u', '''80000000-0000-0000-0000-000000000000''::uuid'), ('u', '''7fffffff-ffff-ffff-ffff-ffffffffffff''::uuid'),
  ('u', 'md5(''7'')::uuid'), ('u', 'md5(''350'')::uuid'), ('u', '''ffffffff-ffff-ffff-0000-000000000000''::uuid'),
  ('u', '''ffffffff-ffff-ffff-0000-000000000001''::uuid'), ('u', '''00000000-0000-0001-0000-000000000000''::uuid');

-- Every condition on a column: each btree operator with each literal,
-- IS [NOT] NULL, and arrays: per type of literal, = ANY of all of them in
-- no order with a NULL element, < ANY and >= ANY (btree's array quals);
-- = ANY with duplicates; a range of two bounds.  `only_cross` keeps the
-- literals of the other types of the family.
CREATE FUNCTION conditions(c text, only_cross bool DEFAULT false) RETURNS SETOF text LANGUAGE sql AS $$
  WITH lits AS (
    SELECT lit, coalesce(substring(lit FROM '::(\w+)$'), 'int4') AS typ FROM vals
     WHERE col = c
       AND (NOT only_cross
            OR lit ~ ('::' || CASE c WHEN 'dt' THEN '(timestamp|timestamptz)$' WHEN 'ts' THEN '(date|timestamptz)$'
                                     ELSE '(date|timestamp)$' END)))
  SELECT format('%I %s %s', c, op, lit) FROM lits, unnest('{<,<=,=,>=,>}'::text[]) op
  UNION ALL SELECT format('%I IS NULL', c) WHERE NOT only_cross
  UNION ALL SELECT format('%I IS NOT NULL', c) WHERE NOT only_cross
  UNION ALL SELECT format('%I %s ANY(ARRAY[%s, NULL])', c, op, string_agg(lit, ', ' ORDER BY md5(lit)))
    FROM lits, unnest('{=,<,>=}'::text[]) op GROUP BY typ, op
  UNION ALL SELECT format('%I = ANY(ARRAY[%s, %s, NULL, %2$s])', c, max(lit), min(lit)) FROM lits GROUP BY typ
  UNION ALL SELECT format('%I > %s AND %I < %s', c, min(lit), c, max(lit)) FROM lits GROUP BY typ $$;

-- Run every condition on column c: through a bitmap scan (the rows), and,
-- if `ordered`, through an ordered scan in both directions and an
-- index-only scan (the rows in the index's order, -0 as stored).
CREATE FUNCTION check_column(c text, ordered bool, only_cross bool DEFAULT false, OUT queries int, OUT matched bigint,
                             OUT mismatches int, OUT first_mismatch text) LANGUAGE plpgsql AS $$
DECLARE
  cond text;
  q text;
  r text;
  scan text;
BEGIN
  queries := 0; matched := 0; mismatches := 0;
  FOR cond IN SELECT conditions(c, only_cross) LOOP
    FOR q, scan IN
        SELECT format('SELECT id FROM opc WHERE %s ORDER BY id', cond), 'Bitmap Index Scan'
        UNION ALL SELECT format('SELECT %I, id FROM opc WHERE %s ORDER BY %1$I, id', c, cond), 'Index Scan' WHERE ordered
        UNION ALL SELECT format('SELECT %I, id FROM opc WHERE %s ORDER BY %1$I DESC, id DESC', c, cond), 'Index Scan'
         WHERE ordered
        UNION ALL SELECT format('SELECT %I::text AS v, id FROM opc WHERE %s ORDER BY opc.%1$I, id', c, cond), 'Index Only Scan'
         WHERE ordered LOOP
      r := index_matches_seqscan(q, scan);
      queries := queries + 1;
      IF r LIKE 'same (%' THEN
        matched := matched + substring(r FROM 'same \((\d+) rows')::bigint;
      ELSE
        mismatches := mismatches + 1;
        first_mismatch := coalesce(first_mismatch, q || ': ' || r);
      END IF;
    END LOOP;
  END LOOP;
END $$;

INSERT INTO opc SELECT * FROM opc_rows(1, 500);
-- All columns in one index: conditions on the later columns are tested
-- on the index's entries.  One (column, id) index per column: the ordered
-- and index-only scans.  A small fillfactor: many leaves.
CREATE INDEX opc_all ON opc USING ixlearn (i2, i4, i8, f4, f8, dt, ts, tstz, u) WITH (fillfactor = 20);
SELECT format('CREATE INDEX %I ON opc USING ixlearn (%I, id) WITH (fillfactor = 20)', 'opc_' || c, c)
  FROM unnest('{i2,i4,i8,f4,f8,dt,ts,tstz,u}'::text[]) c \gexec
INSERT INTO opc SELECT * FROM opc_rows(501, 2500);
SELECT insert_edges();
VACUUM (INDEX_CLEANUP OFF) opc;  -- the visibility map, for index-only scans; no retrain
SELECT count(*) AS rows, count(*) FILTER (WHERE f4 = 0) AS f4_zeros, count(*) FILTER (WHERE f8 = 0) AS f8_zeros,
       count(*) FILTER (WHERE f8 = 'NaN') AS f8_nans FROM opc;
SELECT c AS index, s.leaves > 1 AS several_leaves, s.splits_since_model > 0 AS split_since_build,
       s.entries = (SELECT count(*) FROM opc) AS all_entries
  FROM unnest('{opc_all,opc_i2,opc_i4,opc_i8,opc_f4,opc_f8,opc_dt,opc_ts,opc_tstz,opc_u}'::text[]) c,
       LATERAL ixlearn_stats(c::regclass) s;

-- The one-column plans, once per kind of scan.
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT f8, id FROM opc WHERE f8 = 0 ORDER BY f8, id;
EXPLAIN (COSTS OFF) SELECT f8, id FROM opc WHERE f8 < 0 ORDER BY f8 DESC, id DESC;
EXPLAIN (COSTS OFF) SELECT i2, id FROM opc WHERE i2 > 40000 ORDER BY i2, id;
RESET enable_bitmapscan;
SET enable_indexscan = off;
SET enable_indexonlyscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM opc WHERE u = ANY(ARRAY['ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid, NULL]);
RESET enable_indexscan;
RESET enable_indexonlyscan;
RESET enable_seqscan;

-- -0 and 0 are equal (both found by `= 0` and by `= -0`, in TID order),
-- and an index-only scan returns each as it was stored.
SELECT index_matches_seqscan('SELECT f4, id FROM opc WHERE f4 = 0 ORDER BY f4, id', 'Index Only Scan');
SELECT index_matches_seqscan($$SELECT f8, id FROM opc WHERE f8 = '-0' ORDER BY f8, id$$, 'Index Only Scan');
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SET enable_indexscan = off;
SELECT f4, id FROM opc WHERE f4 = 0::float8 AND id > 9000 ORDER BY f4, id;
SELECT f8, id FROM opc WHERE f8 = '-0'::float4 AND id > 9000 ORDER BY f8 DESC, id DESC;
SELECT f8, id FROM opc WHERE f8 >= 'Infinity' ORDER BY f8, id LIMIT 4;
RESET enable_seqscan;
RESET enable_bitmapscan;
RESET enable_indexscan;

-- Every column's conditions: through the all-columns index (bitmap scans;
-- the one-column indexes dropped for that in a transaction rolled back),
-- then through the column's own index (all scans).
BEGIN;
SELECT format('DROP INDEX %I', 'opc_' || c) FROM unnest('{i2,i4,i8,f4,f8,dt,ts,tstz,u}'::text[]) c \gexec
SELECT c AS col, x.* FROM unnest('{i2,i4,i8,f4,f8,dt,ts,tstz,u}'::text[]) WITH ORDINALITY AS u(c, n),
       LATERAL check_column(c, false) x ORDER BY n;
ROLLBACK;
DROP INDEX opc_all;
SELECT c AS col, x.* FROM unnest('{i2,i4,i8,f4,f8,dt,ts,tstz,u}'::text[]) WITH ORDINALITY AS u(c, n),
       LATERAL check_column(c, true) x ORDER BY n;

-- Date, timestamp and timestamptz compared across types depend on the
-- session's time zone: the cross-type conditions again, in zones west and
-- east of UTC (one with a 45-minute offset).
SET TimeZone = 'America/New_York';
SELECT c AS col, x.* FROM unnest('{dt,ts,tstz}'::text[]) WITH ORDINALITY AS u(c, n),
       LATERAL check_column(c, true, true) x ORDER BY n;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SELECT dt, id FROM opc WHERE dt = '2003-01-01 00:00-05'::timestamptz ORDER BY dt, id;
SELECT dt, id FROM opc WHERE dt = '2003-01-01 00:00+00'::timestamptz ORDER BY dt, id;
SELECT tstz, id FROM opc WHERE tstz >= '2003-01-01'::date AND tstz < '2003-01-02'::date ORDER BY tstz, id;
RESET enable_seqscan;
RESET enable_bitmapscan;
SET TimeZone = 'Asia/Kathmandu';
SELECT c AS col, x.* FROM unnest('{dt,ts,tstz}'::text[]) WITH ORDINALITY AS u(c, n),
       LATERAL check_column(c, false, true) x ORDER BY n;
SET TimeZone = 'UTC';

-- After a retrain (the splits are now in the model), the bitmap scans
-- of a few columns again.
SELECT ixlearn_retrain(c::regclass) FROM unnest('{opc_i8,opc_f8,opc_u,opc_tstz}'::text[]) c;
SELECT c AS col, x.* FROM unnest('{i8,f8,tstz,u}'::text[]) WITH ORDINALITY AS u(c, n),
       LATERAL check_column(c, false) x ORDER BY n;
SELECT c AS index, ixlearn_check(c::regclass, true) AS check
  FROM unnest('{opc_i2,opc_i4,opc_i8,opc_f4,opc_f8,opc_dt,opc_ts,opc_tstz,opc_u}'::text[]) c;

-- Every operator class is valid (and nothing else is defined for ixlearn).
SELECT opcname, amvalidate(oid) FROM pg_opclass
 WHERE opcmethod = (SELECT oid FROM pg_am WHERE amname = 'ixlearn') ORDER BY opcname;
SELECT opfname, (SELECT count(*) FROM pg_amop WHERE amopfamily = f.oid) AS operators,
       (SELECT count(*) FROM pg_amproc WHERE amprocfamily = f.oid) AS functions
  FROM pg_opfamily f WHERE opfmethod = (SELECT oid FROM pg_am WHERE amname = 'ixlearn') ORDER BY opfname;

-- A domain over a supported type uses its operator class.
CREATE DOMAIN posint AS int4 CHECK (VALUE > 0);
CREATE TABLE dom (id int, k posint);
INSERT INTO dom SELECT i, i % 50 + 1 FROM generate_series(1, 500) i;
CREATE INDEX dom_k ON dom USING ixlearn (k);
SELECT index_matches_seqscan('SELECT id FROM dom WHERE k = 7 ORDER BY id');
SELECT index_matches_seqscan('SELECT k, id FROM dom WHERE k BETWEEN 3 AND 5 ORDER BY k DESC, id', 'Index Scan');

-- INCLUDE columns may be of any type (and come back from index-only scans).
CREATE TABLE incl (id int, k int8, t text, n numeric, j jsonb, a int[], b bool, r int4range, p point);
INSERT INTO incl SELECT i, i % 20, repeat(chr(97 + i % 26), i % 7), i / 3.0, jsonb_build_object('i', i),
       ARRAY[i, NULL, -i], i % 2 = 0, int4range(i, i + 10), point(i, -i)
  FROM generate_series(1, 300) i;
INSERT INTO incl VALUES (0, 5, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE INDEX incl_k ON incl USING ixlearn (k) INCLUDE (t, n, j, a, b, r, id);
VACUUM incl;
SELECT index_matches_seqscan('SELECT k, t, n, j, a, b, r, id FROM incl WHERE k = 5 ORDER BY k, id', 'Index Only Scan');
SELECT index_matches_seqscan('SELECT k, t, n, j, a, b, r, id FROM incl WHERE k > 17 ORDER BY k, id', 'Index Only Scan');
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SET enable_indexscan = off;
SELECT k, t, n, j, a, b, r, id FROM incl WHERE k = 5 AND id < 50 ORDER BY k, id;
-- Backward: the same rows as the sequential scan, in the reverse order.
EXPLAIN (COSTS OFF) SELECT k, t, id FROM incl WHERE k > 17 ORDER BY k DESC;
CREATE TABLE incl_backward AS SELECT k, t, n, j, a, b, r, id FROM incl WHERE k > 17 ORDER BY k DESC;
RESET enable_seqscan;
SET enable_indexonlyscan = off;
SELECT (SELECT array_agg(x::text ORDER BY x.k DESC, x.id) FROM incl_backward x)
     = (SELECT array_agg(x::text ORDER BY x.k DESC, x.id) FROM (SELECT k, t, n, j, a, b, r, id FROM incl WHERE k > 17) x)
       AS backward_same_rows,
       (SELECT bool_and(k <= lag) FROM (SELECT k, lag(k) OVER () FROM incl_backward) s) AS backward_in_order;
RESET enable_indexonlyscan;
RESET enable_seqscan;
RESET enable_bitmapscan;
RESET enable_indexscan;
-- point has no equality: usable as INCLUDE (but not returned by an
-- index-only scan of a query that would need it compared).
CREATE INDEX incl_p ON incl USING ixlearn (id) INCLUDE (p);
SELECT index_matches_seqscan('SELECT id, p::text FROM incl WHERE id BETWEEN 10 AND 12 ORDER BY id', 'Index Only Scan');

-- Errors.  A key type without an ixlearn operator class (PostgreSQL's own
-- message), with an explicit btree class name, and as a later column.
CREATE TABLE bad (id int, t text, n numeric, o oid, i int);
CREATE INDEX bad_t ON bad USING ixlearn (t);
CREATE INDEX bad_t ON bad USING ixlearn (t text_ops);
CREATE INDEX bad_n ON bad USING ixlearn (i, n);
-- A key type that has an operator class for ixlearn (made here) but that
-- ixlearn cannot order: ixlearn's error names the supported types.
CREATE OPERATOR CLASS oid_test_ops FOR TYPE oid USING ixlearn AS
    OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >, FUNCTION 1 btoidcmp(oid, oid);
CREATE INDEX bad_o ON bad USING ixlearn (o oid_test_ops);
CREATE INDEX bad_o ON bad USING ixlearn (i, o oid_test_ops);
INSERT INTO bad VALUES (1, 'x', 1, 1, 1);
CREATE INDEX bad_o ON bad USING ixlearn (o oid_test_ops);
DROP OPERATOR CLASS oid_test_ops USING ixlearn;
DROP OPERATOR FAMILY oid_test_ops USING ixlearn;
-- UNIQUE (and so a primary key or a unique constraint) is not supported.
CREATE UNIQUE INDEX bad_u ON bad USING ixlearn (i);
-- An exclusion constraint needs only ordered index scans: it works, and
-- finds a conflicting row as a btree one would.
ALTER TABLE bad ADD CONSTRAINT bad_ex EXCLUDE USING ixlearn (i WITH =);
INSERT INTO bad VALUES (2, 'y', 2, 2, 1);
INSERT INTO bad SELECT g, 'z', g, g, g FROM generate_series(2, 2000) g;
INSERT INTO bad VALUES (2001, 'y', 2, 2, 1500);
UPDATE bad SET i = i + 1 WHERE i = 2000;
UPDATE bad SET i = 2000 WHERE i = 1999;
SELECT count(*), count(DISTINCT i) FROM bad;
ALTER TABLE bad DROP CONSTRAINT bad_ex;
-- Reloptions out of range, of the wrong type, unknown.
CREATE INDEX bad_i ON bad USING ixlearn (i) WITH (fillfactor = 5);
CREATE INDEX bad_i ON bad USING ixlearn (i) WITH (fillfactor = 101);
CREATE INDEX bad_i ON bad USING ixlearn (i) WITH (epsilon = 0);
CREATE INDEX bad_i ON bad USING ixlearn (i) WITH (epsilon = 1025);
CREATE INDEX bad_i ON bad USING ixlearn (i) WITH (epsilon = 'four');
CREATE INDEX bad_i ON bad USING ixlearn (i) WITH (pages_per_range = 4);
CREATE INDEX bad_i ON bad USING ixlearn (i int4_ops(foo = 1));
-- The ends of the ranges are accepted.
CREATE INDEX ok_1 ON bad USING ixlearn (i) WITH (fillfactor = 10, epsilon = 1);
CREATE INDEX ok_2 ON bad USING ixlearn (i) WITH (fillfactor = 100, epsilon = 1024);
ALTER INDEX ok_1 SET (epsilon = 0);
ALTER INDEX ok_1 SET (epsilon = 16);
SELECT relname, reloptions FROM pg_class WHERE relname IN ('ok_1', 'ok_2') ORDER BY relname;

SET client_min_messages = warning;
DROP SCHEMA ixl_opc CASCADE;
RESET client_min_messages;
