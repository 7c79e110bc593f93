-- ixbrin randomized differential test: random range, equality, = ANY and
-- IS [NOT] NULL conditions over typed data with correlated and
-- uncorrelated columns, and ORDER BY ... LIMIT queries, run through the
-- ixbrin indexes (bitmap scans and ordered scans) and by sequential scan;
-- the results must agree (counts and a hash of the ids; for ORDER BY, the
-- rows in order).  Before DML, after DML without VACUUM, after VACUUM.
-- Seeded: the run is repeatable; the output shows counts of queries and
-- disagreements only.  (Concurrent DML during the queries: TAP 012.)
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ixbrin;
CREATE EXTENSION IF NOT EXISTS ixpack_test;
RESET client_min_messages;

SET jit = off;
CREATE SCHEMA ixr_rnd;
SET search_path = ixr_rnd, ixpack_test, public;
SET TimeZone = 'UTC';
SELECT setseed(0.5151);

-- ts and seq follow insertion order (with jitter); u is uncorrelated;
-- f has NaN and infinities; about 8% NULLs in every column but id.
CREATE TABLE r (id int, ts timestamptz, seq int, u int, f float8, txt text, d date, n numeric)
  WITH (autovacuum_enabled = off);
CREATE FUNCTION rnd_rows(first int, cnt int) RETURNS SETOF r LANGUAGE sql AS $$
  SELECT i,
    CASE WHEN random() >= 0.08 THEN '2026-01-01'::timestamptz + i * interval '1 minute' + floor(random() * 600) * interval '1 s' END,
    CASE WHEN random() >= 0.08 THEN i * 10 + floor(random() * 30)::int END,
    CASE WHEN random() >= 0.08 THEN floor(random() * 100000)::int END,
    CASE WHEN random() >= 0.08 THEN CASE floor(random() * 50)::int WHEN 0 THEN 'NaN'::float8 WHEN 1 THEN 'Infinity'
                                                                  WHEN 2 THEN '-Infinity' WHEN 3 THEN '-0'
                                                                  ELSE round((random() * 2000 - 1000)::numeric, 2)::float8 END END,
    CASE WHEN random() >= 0.08 THEN 'w' || floor(power(random(), 2) * 3000)::int END,
    CASE WHEN random() >= 0.08 THEN date '2020-01-01' + (i / 40) + floor(random() * 5)::int END,
    CASE WHEN random() >= 0.08 THEN round((random() * 100)::numeric, floor(random() * 3)::int) END
  FROM generate_series(first, first + cnt - 1) i $$;

INSERT INTO r SELECT * FROM rnd_rows(1, 16000);
CREATE INDEX r_main ON r USING ixbrin (ts, seq, u, f) WITH (pages_per_range = 4);
CREATE INDEX r_multi ON r USING ixbrin (txt text_bloom_ops, u int4_minmax_multi_ops) WITH (pages_per_range = 8);
CREATE INDEX r_date ON r USING ixbrin (d DESC NULLS FIRST, n) WITH (pages_per_range = 2);
INSERT INTO r SELECT * FROM rnd_rows(16001, 8000);
CREATE TABLE sample AS SELECT * FROM r;
CREATE INDEX sample_id ON sample USING btree (id);

-- A literal for a column: from a random row (maybe NULL), or nearby.
CREATE FUNCTION rnd_value(col text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v text;
BEGIN
  EXECUTE format('SELECT %I::text FROM sample WHERE id = $1', col) INTO v USING 1 + floor(random() * 24000)::int;
  IF v IS NULL THEN
    v := CASE col WHEN 'ts' THEN '2026-01-10' WHEN 'seq' THEN '50000' WHEN 'u' THEN '777' WHEN 'f' THEN '0'
                  WHEN 'txt' THEN 'w5' WHEN 'd' THEN '2020-03-01' ELSE '50' END;
  END IF;
  IF random() < 0.15 AND col IN ('seq', 'u') THEN
    v := (v::int + floor(random() * 7)::int - 3)::text;
  END IF;
  RETURN quote_literal(v) || '::' || CASE col WHEN 'ts' THEN 'timestamptz' WHEN 'seq' THEN 'int' WHEN 'u' THEN 'int'
                                              WHEN 'f' THEN 'float8' WHEN 'txt' THEN 'text' WHEN 'd' THEN 'date'
                                              ELSE 'numeric' END;
END $$;

CREATE FUNCTION rnd_condition(col text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  x float8 := random();
BEGIN
  IF x < 0.1 THEN
    RETURN format('%I IS NULL', col);
  ELSIF x < 0.15 THEN
    RETURN format('%I IS NOT NULL', col);
  ELSIF x < 0.35 THEN
    RETURN format('%I = %s', col, rnd_value(col));
  ELSIF x < 0.45 THEN
    RETURN format('%I = ANY(ARRAY[%s, %s, NULL])', col, rnd_value(col), rnd_value(col));
  ELSIF x < 0.75 THEN
    RETURN format('%I BETWEEN LEAST(%s, %s) AND GREATEST(%2$s, %3$s)', col, rnd_value(col), rnd_value(col));
  END IF;
  RETURN format('%I %s %s', col, (ARRAY['<', '<=', '>=', '>'])[1 + floor(random() * 4)::int], rnd_value(col));
END $$;

-- Bitmap queries: 1 to 3 conditions on random columns.
CREATE TABLE queries AS
SELECT q AS n, (SELECT string_agg(rnd_condition(c), ' AND ')
                  FROM (SELECT c FROM unnest('{ts,seq,u,f,txt,d,n}'::text[]) c
                         ORDER BY random() + q * 0 LIMIT 1 + floor(random() * 3)::int) s) AS w
  FROM generate_series(1, 1000) q;
-- Ordered queries: the leading column of an index, either direction (the
-- index's NULL placement), a LIMIT, and 0 to 2 conditions.
CREATE TABLE ordered AS
SELECT q AS n, k, dir, lim,
       (SELECT coalesce(string_agg(rnd_condition(c), ' AND '), 'true')
          FROM (SELECT c FROM unnest('{ts,seq,u,f,d,n}'::text[]) c ORDER BY random() + q * 0
                 LIMIT floor(random() * 3)::int) s) AS w
  FROM (SELECT q, (ARRAY['ts', 'd'])[1 + floor(random() * 2)::int] AS k, random() < 0.5 AS dir,
               (ARRAY[1, 10, 100, 2000])[1 + floor(random() * 4)::int] AS lim
          FROM generate_series(1, 300) q) s;

CREATE FUNCTION run_queries(max_n int, OUT queries int, OUT mismatches int, OUT rows_seen bigint, OUT first_mismatch text)
LANGUAGE plpgsql AS $$
DECLARE
  qr record;
  q text;
  res text;
BEGIN
  queries := 0; mismatches := 0; rows_seen := 0;
  FOR qr IN SELECT * FROM queries WHERE n <= max_n ORDER BY n LOOP
    q := 'SELECT count(*), coalesce(sum(hashint4(id)::bigint), 0) FROM r WHERE ' || qr.w;
    res := index_matches_seqscan(q);
    queries := queries + 1;
    IF res NOT LIKE 'same (%' THEN
      mismatches := mismatches + 1;
      first_mismatch := coalesce(first_mismatch, q || ': ' || res);
    END IF;
  END LOOP;
  FOR qr IN SELECT * FROM ordered WHERE n <= max_n * 3 / 10 ORDER BY n LOOP
    -- r_date is d DESC NULLS FIRST: its forward order, or the reverse.
    q := format('SELECT %I FROM r WHERE %s ORDER BY %I %s LIMIT %s', qr.k, qr.w, qr.k,
                CASE WHEN qr.k = 'd' THEN CASE WHEN qr.dir THEN 'DESC NULLS FIRST' ELSE 'ASC NULLS LAST' END
                     ELSE CASE WHEN qr.dir THEN 'ASC' ELSE 'DESC' END END, qr.lim);
    res := index_matches_seqscan(q, 'Index Scan');
    queries := queries + 1;
    IF res LIKE 'same (%' THEN
      rows_seen := rows_seen + substring(res FROM 'same \((\d+) rows')::bigint;
    ELSE
      mismatches := mismatches + 1;
      first_mismatch := coalesce(first_mismatch, q || ': ' || res);
    END IF;
  END LOOP;
END $$;

SELECT count(*) AS bitmap_queries, count(*) FILTER (WHERE w LIKE '%NULL%') AS with_null_tests,
       count(*) FILTER (WHERE w LIKE '%ANY%') AS with_any, count(*) FILTER (WHERE w LIKE '% AND %') AS multi_column
  FROM queries;
SELECT queries, mismatches, rows_seen > 0 AS ordered_rows_seen, first_mismatch FROM run_queries(1000);

-- DML: deletes, updates of indexed columns, inserts into new ranges and
-- into freed space; a quarter of the queries before VACUUM, all after.
DELETE FROM r WHERE random() < 0.15;
UPDATE r SET u = floor(random() * 100000)::int, f = f * 2, txt = txt || 'u' WHERE random() < 0.1;
UPDATE r SET ts = ts - interval '30 days' WHERE random() < 0.01;
INSERT INTO r SELECT * FROM rnd_rows(24001, 5000);
SELECT queries, mismatches, first_mismatch FROM run_queries(250);
VACUUM r;
SELECT count(*) AS problems FROM ixbrin_check('r_main');
SELECT count(*) AS problems FROM ixbrin_check('r_date');
SELECT count(*) AS uncovered FROM ixbrin_check('r_multi');
INSERT INTO r SELECT * FROM rnd_rows(29001, 2000);
SELECT queries, mismatches, first_mismatch FROM run_queries(1000);

SET client_min_messages = warning;
DROP SCHEMA ixr_rnd CASCADE;
RESET client_min_messages;
