-- ixlearn randomized differential test.  Random typed data with
-- duplicates, skew and NULLs (int8 with hot values; float8 with NaN,
-- ±Infinity, -0; timestamptz with ±infinity; uuid with shared prefixes)
-- under single-column, multi-column and DESC / NULLS FIRST indexes, and
-- a few thousand generated queries of every shape btree serves: bitmap
-- scans (=, <, <=, >, >=, BETWEEN, = ANY / < ANY / >= ANY with duplicates
-- and NULLs, IS [NOT] NULL, on one to three columns), ordered scans
-- (ORDER BY ... LIMIT in both directions, tie broken by id so the order
-- is defined), index-only scans, multi-column orders.  Each query runs
-- through an ixlearn index and by sequential scan (ixpack_test's
-- index_matches_seqscan): the rows, and their order, must be the same.
-- Phases: after inserts that split leaves the model does not know; after
-- DML without VACUUM (dead entries, pending entries); after VACUUM and
-- ixlearn_retrain.  Seeded (setseed): repeatable.  The output is the count
-- of queries and of mismatches per phase and shape, and ixlearn_check
-- after each phase.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ixlearn;
CREATE EXTENSION IF NOT EXISTS ixpack_test;
RESET client_min_messages;

SET jit = off;
CREATE SCHEMA ixl_rnd;
SET search_path = ixl_rnd, ixpack_test, public;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
SELECT setseed(0.2718);

CREATE TABLE r (id int, k int8, f float8, t timestamptz, u uuid) WITH (autovacuum_enabled = off);
CREATE FUNCTION rnd_rows(first int, cnt int) RETURNS SETOF r LANGUAGE sql AS $$
  SELECT i,
    CASE WHEN random() < 0.06 THEN NULL
         WHEN random() < 0.2 THEN (ARRAY[0, 7, 42, -1, 9223372036854775807, -9223372036854775808])[1 + floor(random() * 6)::int]
         WHEN random() < 0.5 THEN floor(power(random(), 3) * 200)::int8
         ELSE floor((random() - 0.5) * 2e15)::int8 END,
    CASE WHEN random() < 0.06 THEN NULL
         ELSE CASE floor(random() * 40)::int WHEN 0 THEN 'NaN' WHEN 1 THEN 'Infinity' WHEN 2 THEN '-Infinity'
                                             WHEN 3 THEN '-0' WHEN 4 THEN '0'
                                             ELSE round(((random() - 0.5) * 2000)::numeric, floor(random() * 3)::int)::float8 END END,
    CASE WHEN random() < 0.06 THEN NULL
         WHEN random() < 0.02 THEN (ARRAY['infinity', '-infinity']::timestamptz[])[1 + floor(random() * 2)::int]
         ELSE timestamptz '2025-01-01' + floor(random() * 2000) * interval '1 hour' END,
    CASE WHEN random() < 0.06 THEN NULL
         WHEN random() < 0.3 THEN md5((floor(random() * 50))::text)::uuid
         ELSE (lpad(to_hex(floor(random() * 4)::int), 8, 'f') || left(md5(random()::text), 24))::uuid END
  FROM generate_series(first, first + cnt - 1) i $$;

INSERT INTO r SELECT * FROM rnd_rows(1, 8000);
-- id last in every index: an ORDER BY col, id is the index's own order.
CREATE INDEX r_k ON r USING ixlearn (k, id) WITH (fillfactor = 40);
CREATE INDEX r_f ON r USING ixlearn (f NULLS FIRST, id);
CREATE INDEX r_tu ON r USING ixlearn (t, u, id) WITH (epsilon = 1);
CREATE INDEX r_u ON r USING ixlearn (u DESC, id) INCLUDE (k) WITH (fillfactor = 60, epsilon = 16);
INSERT INTO r SELECT * FROM rnd_rows(8001, 6000);
CREATE TABLE sample AS SELECT * FROM r;
SELECT count(*) AS rows, count(*) FILTER (WHERE k IS NULL) > 0 AS k_nulls, count(*) FILTER (WHERE f = 'NaN') > 0 AS nans,
       count(*) FILTER (WHERE f::text = '-0') > 0 AS negative_zeros, count(*) FILTER (WHERE t = 'infinity') > 0 AS infinities
  FROM r;
SELECT c AS index, s.splits_since_model > 0 AS splits, s.model_leaves < s.leaves AS model_behind
  FROM unnest('{r_k,r_f,r_tu,r_u}'::text[]) c, LATERAL ixlearn_stats(c::regclass) s;

-- A literal for a column: a value of a random row (maybe NULL: then an
-- edge value), sometimes moved a little, sometimes of another type of the
-- family.
CREATE FUNCTION rnd_value(col text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v text;
  x float8 := random();
BEGIN
  EXECUTE format('SELECT %I::text FROM sample WHERE id = $1', col) INTO v USING 1 + floor(random() * 14000)::int;
  IF v IS NULL OR x < 0.08 THEN
    v := CASE col WHEN 'k' THEN (ARRAY['0', '9223372036854775807', '-9223372036854775808', '1000'])[1 + floor(random() * 4)::int]
                  WHEN 'f' THEN (ARRAY['NaN', 'Infinity', '-Infinity', '-0', '0'])[1 + floor(random() * 5)::int]
                  WHEN 't' THEN (ARRAY['infinity', '-infinity', '2025-01-01', '2025-03-01 12:00+00'])[1 + floor(random() * 4)::int]
                  ELSE (ARRAY['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
                              'fffffff1-0000-0000-0000-000000000000'])[1 + floor(random() * 3)::int] END;
  END IF;
  x := random();
  IF col = 'k' AND x < 0.15 AND v NOT LIKE '%922337%' THEN
    v := (v::int8 + floor(random() * 5)::int - 2)::text;
  ELSIF col = 'k' AND x < 0.25 AND abs(v::numeric) < 30000 THEN
    RETURN v || '::int2';
  ELSIF col = 'k' AND x < 0.35 AND abs(v::numeric) < 2000000000 THEN
    RETURN v || '::int4';
  ELSIF col = 'f' AND x < 0.15 THEN
    RETURN quote_literal(v) || '::float4';
  ELSIF col = 't' AND x < 0.1 THEN
    RETURN quote_literal(v) || '::date';
  ELSIF col = 't' AND x < 0.2 THEN
    RETURN quote_literal(v) || '::timestamp';
  END IF;
  RETURN quote_literal(v) || '::' || CASE col WHEN 'k' THEN 'int8' WHEN 'f' THEN 'float8' WHEN 't' THEN 'timestamptz' ELSE 'uuid' END;
END $$;
CREATE FUNCTION rnd_condition(col text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  x float8 := random();
  a text := rnd_value(col);
  b text := rnd_value(col);
BEGIN
  IF x < 0.06 THEN
    RETURN format('%I IS NULL', col);
  ELSIF x < 0.1 THEN
    RETURN format('%I IS NOT NULL', col);
  ELSIF x < 0.3 THEN
    RETURN format('%I = %s', col, a);
  ELSIF x < 0.4 THEN
    RETURN format('%I = ANY(ARRAY[%s, %s, NULL, %2$s, %s])', col, a, b, rnd_value(col));
  ELSIF x < 0.45 THEN
    RETURN format('%I %s ANY(ARRAY[%s, %s])', col, (ARRAY['<', '>='])[1 + floor(random() * 2)::int], a, b);
  ELSIF x < 0.7 THEN
    RETURN format('%I BETWEEN %s AND %s', col, a, b);
  END IF;
  RETURN format('%I %s %s', col, (ARRAY['<', '<=', '>=', '>'])[1 + floor(random() * 4)::int], a);
END $$;

-- The queries, generated once.  Bitmap: 1 to 3 conditions on random
-- columns.  Ordered: the first column of an index in its order or the
-- reverse (id breaks ties), 0 to 2 conditions, a LIMIT.  Index-only: the
-- same forward through r_u (u DESC, id) INCLUDE (k).  Multi-column: the
-- order of r_tu with conditions on t and u.
CREATE TABLE queries (n serial, shape text, scan text, q text);
INSERT INTO queries (shape, scan, q)
SELECT 'bitmap', 'Bitmap Index Scan',
       format('SELECT count(*), coalesce(sum(hashint4(id)::int8), 0) FROM r WHERE %s',
              (SELECT string_agg(rnd_condition(c), ' AND ')
                 FROM (SELECT c FROM unnest('{k,f,t,u}'::text[]) c ORDER BY random() + g * 0
                        LIMIT 1 + floor(random() * 3)::int) s))
  FROM generate_series(1, 1200) g;
INSERT INTO queries (shape, scan, q)
SELECT 'ordered', 'Index Scan',
       format('SELECT %1$I, id FROM r WHERE %2$s ORDER BY %1$I %3$s, id %4$s LIMIT %5$s', c, w, o,
              CASE WHEN o LIKE 'DESC%' THEN 'DESC' ELSE 'ASC' END, lim)
  FROM (SELECT g, c,
               CASE c WHEN 'k' THEN (ARRAY['ASC NULLS LAST', 'DESC NULLS FIRST'])[1 + floor(random() * 2)::int]
                      WHEN 'f' THEN (ARRAY['ASC NULLS FIRST', 'DESC NULLS LAST'])[1 + floor(random() * 2)::int]
                      WHEN 'u' THEN (ARRAY['DESC NULLS FIRST', 'ASC NULLS LAST'])[1 + floor(random() * 2)::int] END AS o,
               (ARRAY[1, 5, 50, 500, 5000])[1 + floor(random() * 5)::int] AS lim,
               (SELECT coalesce(string_agg(rnd_condition(x), ' AND '), 'true')
                  FROM (SELECT x FROM unnest(ARRAY[c, c, 't']) x ORDER BY random() + g * 0
                         LIMIT floor(random() * 3)::int) s) AS w
          FROM (SELECT g, (ARRAY['k', 'f', 'u'])[1 + floor(random() * 3)::int] AS c FROM generate_series(1, 700) g) s0) s1;
INSERT INTO queries (shape, scan, q)
SELECT 'index-only', 'Index Only Scan',
       format('SELECT u, id, k FROM r WHERE %s ORDER BY u DESC, id LIMIT %s',
              (SELECT string_agg(rnd_condition(x), ' AND ') FROM (SELECT x FROM unnest('{u,u,k}'::text[]) x
                                                                   ORDER BY random() + g * 0 LIMIT 1 + floor(random() * 2)::int) s),
              (ARRAY[1, 10, 100, 10000])[1 + floor(random() * 4)::int])
  FROM generate_series(1, 250) g;
INSERT INTO queries (shape, scan, q)
SELECT 'multi-column', 'Index Scan',
       format('SELECT t, u, id FROM r WHERE %s ORDER BY t %s, u %2$s, id %2$s LIMIT %s',
              (SELECT string_agg(rnd_condition(x), ' AND ') FROM (SELECT x FROM unnest('{t,t,u}'::text[]) x
                                                                   ORDER BY random() + g * 0 LIMIT 1 + floor(random() * 2)::int) s),
              (ARRAY['ASC', 'DESC'])[1 + floor(random() * 2)::int], (ARRAY[3, 30, 300])[1 + floor(random() * 3)::int])
  FROM generate_series(1, 250) g;
SELECT shape, count(*) AS queries, count(*) FILTER (WHERE q LIKE '%ANY%') AS with_arrays,
       count(*) FILTER (WHERE q LIKE '%NULL%') AS with_nulls, count(*) FILTER (WHERE q ~ '::(int2|int4|float4|date|timestamp)\M') AS cross_type
  FROM queries GROUP BY shape ORDER BY shape;

CREATE TABLE results (phase text, shape text, queries int, mismatches int, rows_seen bigint, first_mismatch text);
-- Run the queries of each shape up to n <= max_n per shape (1 = all).
CREATE FUNCTION run_queries(phase text, fraction float8) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  qr record;
  res text;
BEGIN
  FOR qr IN SELECT * FROM queries WHERE n % 100 < fraction * 100 ORDER BY n LOOP
    res := index_matches_seqscan(qr.q, qr.scan);
    INSERT INTO results VALUES (phase, qr.shape, 1, CASE WHEN res LIKE 'same (%' THEN 0 ELSE 1 END,
                                coalesce(substring(res FROM 'same \((\d+) rows')::bigint, 0),
                                CASE WHEN res NOT LIKE 'same (%' THEN qr.q || ': ' || left(res, 300) END);
  END LOOP;
END $$;
CREATE FUNCTION report(p text) RETURNS TABLE (shape text, queries bigint, mismatches bigint, rows_seen bool, first_mismatch text)
LANGUAGE sql AS $$
  SELECT shape, sum(queries), sum(mismatches), sum(rows_seen) > 0, min(first_mismatch)
    FROM results WHERE phase = p GROUP BY shape ORDER BY shape $$;
CREATE FUNCTION check_all() RETURNS TABLE (index text, check_ok bool) LANGUAGE sql AS $$
  SELECT c, ixlearn_check(c::regclass, true) IS NOT NULL
    FROM unnest('{r_k,r_f,r_tu,r_u}'::text[]) c $$;

-- 1. After inserts the model does not know of.
SELECT run_queries('1 inserts', 1);
SELECT * FROM report('1 inserts');
SELECT * FROM check_all();

-- 2. DML, no VACUUM: deletes, updates of indexed columns, new rows (into
-- pending areas and splitting leaves); a third of the queries.
DELETE FROM r WHERE random() < 0.15;
UPDATE r SET k = k / 2, f = -f, u = NULL WHERE random() < 0.08;
UPDATE r SET t = t + interval '90 days' WHERE random() < 0.05;
INSERT INTO r SELECT * FROM rnd_rows(20001, 3000);
SELECT run_queries('2 dml', 0.34);
SELECT * FROM report('2 dml');
SELECT * FROM check_all();

-- 3. VACUUM (dead entries gone, pending entries coded, the model
-- retrained) and an explicit retrain; everything again.
VACUUM r;
SELECT ixlearn_retrain('r_k');
SELECT c AS index, s.splits_since_model, s.model_leaves = s.leaves AS model_is_chain, s.max_chain_steps,
       s.entries = (SELECT count(*) FROM r) AS all_entries
  FROM unnest('{r_k,r_f,r_tu,r_u}'::text[]) c, LATERAL ixlearn_stats(c::regclass) s;
SELECT run_queries('3 vacuum', 1);
SELECT * FROM report('3 vacuum');
SELECT * FROM check_all();

SELECT sum(queries) AS total_queries, sum(mismatches) AS total_mismatches FROM results;

SET client_min_messages = warning;
DROP SCHEMA ixl_rnd CASCADE;
RESET client_min_messages;
