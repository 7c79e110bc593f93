-- ixbloom randomized differential test: thousands of random conjunctive
-- queries (equality, IS NULL, = ANY, on 1 to 3 columns, with values taken
-- from the table or absent from it) run once through the ixbloom index and
-- once by sequential scan; the count and a hash of the matching rows' ids
-- must agree.  The random stream is seeded, so the run is repeatable; the
-- output shows only how many queries ran and how many disagreed.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ixbloom;
CREATE EXTENSION IF NOT EXISTS ixpack_test;
RESET client_min_messages;

-- disable_cost would push plans over jit_above_cost: no JIT (only time).
SET jit = off;
CREATE SCHEMA ixb_rnd;
SET search_path = ixb_rnd, ixpack_test, public;

SELECT setseed(0.4242);

-- Six columns of mixed types, about 10% NULLs in each, skewed value
-- frequencies (a few very common values, a long tail).  numeric values
-- come with different display scales (1.5, 1.50, 1.500 are equal).
CREATE TABLE r (id int, a int, b bigint, c text, d numeric, e date, f uuid) WITH (autovacuum_enabled = off);
CREATE FUNCTION rnd_rows(first int, n int) RETURNS SETOF r LANGUAGE sql AS $$
  SELECT i,
         CASE WHEN random() >= 0.1 THEN floor(power(random(), 3) * 500)::int END,
         CASE WHEN random() >= 0.1 THEN floor(random() * 20000)::bigint * 1000003 - 10000000000 END,
         CASE WHEN random() >= 0.1 THEN 'c' || floor(power(random(), 2) * 300)::int END,
         CASE WHEN random() >= 0.1 THEN round(floor(power(random(), 2) * 200)::numeric / 4, 1 + floor(random() * 3)::int) END,
         CASE WHEN random() >= 0.1 THEN date '2020-01-01' + floor(random() * 1500)::int END,
         CASE WHEN random() >= 0.1 THEN md5(floor(power(random(), 4) * 3000)::text)::uuid END
    FROM generate_series(first, first + n - 1) i $$;

-- 20000 rows before the index is built (bit-sliced groups), 10000 after
-- (insert buffer).
INSERT INTO r SELECT * FROM rnd_rows(1, 20000);
CREATE INDEX r_idx ON r USING ixbloom (a, b, c, d, e, f);
INSERT INTO r SELECT * FROM rnd_rows(20001, 10000);
-- A copy of the rows to draw query values from (with a btree on id: the
-- queries themselves must not find any index but ixbloom's on r).
CREATE TABLE sample AS SELECT * FROM r;
CREATE INDEX sample_id ON sample USING btree (id);
SELECT count(*) AS rows, count(a) AS a, count(b) AS b, count(c) AS c, count(d) AS d, count(e) AS e, count(f) AS f FROM r;

-- One random condition on column col: '= v', 'IS NULL' or '= ANY(ARRAY[...])'
-- with 1 to 4 elements (sometimes a NULL one).  Values are taken from a
-- random row (so frequent values are frequent; the row's value may be NULL)
-- or made up, absent from the table.
CREATE FUNCTION rnd_value(col text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v text;
BEGIN
  IF random() < 0.2 THEN
    -- A value of the right type that no row has.
    RETURN CASE col
      WHEN 'a' THEN (1000 + floor(random() * 1000))::text
      WHEN 'b' THEN (floor(random() * 20000)::bigint * 1000003 - 10000000000 + 1)::text || '::bigint'
      WHEN 'c' THEN quote_literal('x' || floor(random() * 1000))
      WHEN 'd' THEN (floor(random() * 1000) / 4.0 + 0.01)::text
      WHEN 'e' THEN quote_literal(date '2030-01-01' + floor(random() * 1000)::int) || '::date'
      ELSE quote_literal(md5('absent' || floor(random() * 1000))) || '::uuid'
    END;
  END IF;
  EXECUTE format('SELECT %I FROM sample WHERE id = $1', col) INTO v USING 1 + floor(random() * 30000)::int;
  IF v IS NULL THEN
    RETURN 'NULL::' || CASE col WHEN 'a' THEN 'int' WHEN 'b' THEN 'bigint' WHEN 'c' THEN 'text'
                                WHEN 'd' THEN 'numeric' WHEN 'e' THEN 'date' ELSE 'uuid' END;
  END IF;
  RETURN CASE col WHEN 'a' THEN v WHEN 'b' THEN v || '::bigint' WHEN 'd' THEN v
                  WHEN 'c' THEN quote_literal(v) WHEN 'e' THEN quote_literal(v) || '::date'
                  ELSE quote_literal(v) || '::uuid' END;
END $$;

CREATE FUNCTION rnd_condition(col text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  x float8 := random();
  elems text[] := '{}';
BEGIN
  IF x < 0.5 THEN
    RETURN format('%I = %s', col, rnd_value(col));
  ELSIF x < 0.65 THEN
    RETURN format('%I IS NULL', col);
  END IF;
  FOR i IN 1 .. 1 + floor(random() * 4)::int LOOP
    elems := elems || CASE WHEN random() < 0.1 THEN 'NULL' ELSE rnd_value(col) END;
  END LOOP;
  RETURN format('%I = ANY(ARRAY[%s]::%s[])', col, array_to_string(elems, ', '),
                CASE col WHEN 'a' THEN 'int' WHEN 'b' THEN 'bigint' WHEN 'c' THEN 'text'
                         WHEN 'd' THEN 'numeric' WHEN 'e' THEN 'date' ELSE 'uuid' END);
END $$;

-- n random queries: a random subset of 1 to 3 columns, one condition each.
CREATE FUNCTION rnd_queries(n int) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  cols text[];
  conds text[];
BEGIN
  FOR q IN 1 .. n LOOP
    SELECT array_agg(col ORDER BY k) INTO cols
      FROM (SELECT col, random() AS k FROM unnest('{a,b,c,d,e,f}'::text[]) col ORDER BY k LIMIT 1 + floor(random() * 3)::int) s;
    conds := '{}';
    FOR i IN 1 .. cardinality(cols) LOOP
      conds := conds || rnd_condition(cols[i]);
    END LOOP;
    RETURN NEXT array_to_string(conds, ' AND ');
  END LOOP;
END $$;

-- The fixed set of queries used in every round below.
CREATE TABLE queries AS SELECT row_number() OVER () AS n, w FROM rnd_queries(2000) w;

-- Run the first max_n queries with the index forced and by sequential scan
-- (index_matches_seqscan, from ixpack_test); count the queries, the
-- disagreements, and the queries the planner served with the index (all
-- but those it proves false, such as "a = NULL").
CREATE FUNCTION run_queries(max_n int DEFAULT 2000, OUT queries int, OUT mismatches int, OUT index_scans int,
                            OUT first_mismatch text)
LANGUAGE plpgsql AS $$
DECLARE
  qr record;
  result text;
BEGIN
  queries := 0; mismatches := 0; index_scans := 0;
  FOR qr IN SELECT n, w FROM queries WHERE n <= max_n ORDER BY n LOOP
    result := index_matches_seqscan(
      'SELECT count(*), coalesce(sum(hashint4(id)::bigint), 0) FROM r WHERE ' || qr.w);
    queries := queries + 1;
    IF result NOT LIKE 'same (%' THEN
      mismatches := mismatches + 1;
      IF first_mismatch IS NULL THEN
        first_mismatch := format('%s: %s', qr.w, result);
      END IF;
    ELSIF result NOT LIKE '%proven empty%' THEN
      index_scans := index_scans + 1;
    END IF;
  END LOOP;
END $$;

SELECT count(*) AS queries,
       count(*) FILTER (WHERE w LIKE '%ANY%') AS with_any,
       count(*) FILTER (WHERE w LIKE '%IS NULL%') AS with_is_null,
       count(*) FILTER (WHERE w LIKE '%= NULL%') AS with_eq_null,
       count(*) FILTER (WHERE w LIKE '% AND % AND %') AS three_columns
  FROM queries;

SELECT queries, mismatches, index_scans, first_mismatch FROM run_queries();

-- DML: delete about 20%, update about 10% (indexed columns change), insert
-- new rows; a quarter of the queries again (the dead rows are still in the
-- index), then after VACUUM (dead slices; the buffer is folded if it is
-- big enough), then after a VACUUM that folds any buffer, all of them.
DELETE FROM r WHERE random() < 0.2;
UPDATE r SET a = CASE WHEN random() >= 0.1 THEN floor(power(random(), 3) * 500)::int END, c = CASE WHEN random() < 0.5 THEN c || 'u' END,
             d = d * 2 WHERE random() < 0.1;
INSERT INTO r SELECT * FROM rnd_rows(30001, 6000);
SELECT queries, mismatches, index_scans, first_mismatch FROM run_queries(500);
VACUUM r;
SELECT queries, mismatches, index_scans, first_mismatch FROM run_queries(500);
SET ixbloom.vacuum_fold_min_pages = 1;
VACUUM r;
RESET ixbloom.vacuum_fold_min_pages;
SELECT queries, mismatches, index_scans, first_mismatch FROM run_queries();

SET client_min_messages = warning;
DROP SCHEMA ixb_rnd CASCADE;
RESET client_min_messages;
