-- The scenarios of PostgreSQL's own BRIN regression test, written anew for
-- ixbrin: a wide table of many types with one index over every column at
-- one page per range, every operator against a sequential scan (and the
-- match count), new rows and a desummarized range summarized by VACUUM,
-- updates of indexed columns, the maintenance functions on a table filled
-- page by page, cost choices on correlated and uncorrelated columns, and
-- an index predicate that an update makes true.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ixbrin;
CREATE EXTENSION IF NOT EXISTS ixpack_test;
RESET client_min_messages;

SET jit = off;
CREATE SCHEMA ixr_brin;
SET search_path = ixr_brin, ixpack_test, public;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';

-- 100 rows from a generator like tenk1's columns, then 25 with NULLs in
-- most columns and IPv6 addresses; fillfactor 10: about one row per page.
CREATE TABLE brintest (byteacol bytea, charcol "char", namecol name, int8col bigint, int2col smallint,
  int4col integer, textcol text, oidcol oid, float4col real, float8col double precision, macaddrcol macaddr,
  inetcol inet, cidrcol cidr, bpcharcol character, datecol date, timecol time, timestampcol timestamp,
  timestamptzcol timestamptz, intervalcol interval, timetzcol timetz, numericcol numeric, uuidcol uuid,
  boolcol bool) WITH (fillfactor = 10, autovacuum_enabled = off);
CREATE FUNCTION gen(n int) RETURNS TABLE (u1 int, u2 int, two int, four int, ten int, twenty int, hundred int,
                                         thousand int, twothousand int, fivethous int, tenthous int, odd int,
                                         even int, s1 text) LANGUAGE sql AS $$
  SELECT u1, u2, u1 % 2, u1 % 4, u1 % 10, u1 % 20, u1 % 100, u1 % 1000, u1 % 2000, u1 % 5000, u1 % 10000,
         (u1 % 100) * 2 + 1, (u1 % 100) * 2,
         chr(65 + u1 % 26) || chr(65 + u1 / 26 % 26) || chr(65 + u1 / 676 % 26) || 'AAAA'
    FROM (SELECT (i * 7919) % 10000 AS u1, i AS u2 FROM generate_series(0, n - 1) i) s $$;
INSERT INTO brintest SELECT
  repeat(s1, 8)::bytea, substr(s1, 1, 1)::"char", s1::name, 142857 * tenthous, thousand, twothousand,
  repeat(s1, 8), u1::oid, (four + 1.0) / (hundred + 1), odd::float8 / (tenthous + 1),
  format('%s:00:%s:00:%s:00', to_hex(odd), to_hex(even), to_hex(hundred))::macaddr,
  inet '10.2.3.4/24' + tenthous, cidr '10.2.3/24' + tenthous, substr(s1, 1, 1)::bpchar,
  date '1995-08-15' + tenthous, time '01:20:30' + thousand * interval '18.5 second',
  timestamp '1942-07-23 03:05:09' + tenthous * interval '36.38 hours',
  timestamptz '1972-10-10 03:00' + thousand * interval '1 hour',
  justify_days(justify_hours(tenthous * interval '12 minutes')),
  timetz '01:30:20+02' + hundred * interval '15 seconds',
  tenthous::numeric(36, 30) * fivethous * even / (hundred + 1),
  format('%s%s-%s-%s-%s-%s%s%s', to_char(tenthous, 'FM0000'), to_char(tenthous, 'FM0000'), to_char(tenthous, 'FM0000'),
         to_char(tenthous, 'FM0000'), to_char(tenthous, 'FM0000'), to_char(tenthous, 'FM0000'),
         to_char(tenthous, 'FM0000'), to_char(tenthous, 'FM0000'))::uuid,
  two = 1
FROM gen(100) ORDER BY u2;
INSERT INTO brintest (inetcol, cidrcol) SELECT inet 'fe80::6e40:8ff:fea9:8c46' + tenthous, cidr 'fe80::6e40:8ff:fea9:8c46' + tenthous
  FROM gen(25) ORDER BY thousand, tenthous;

CREATE INDEX brinidx ON brintest USING ixbrin (byteacol, charcol, namecol, int8col, int2col, int4col, textcol, oidcol,
  float4col, float8col, macaddrcol, inetcol, cidrcol, bpcharcol, datecol, timecol, timestampcol, timestamptzcol,
  intervalcol, timetzcol, numericcol, uuidcol, boolcol) WITH (pages_per_range = 1);
SELECT count(*) AS ranges FROM ixbrin_ranges('brinidx');

-- Every btree operator on every column, with constants at the edges of the
-- data, inside it, and of other types of the column's family.
CREATE TABLE brinopers (colname name, typ text, op text[], value text[]);
INSERT INTO brinopers VALUES
  ('byteacol', 'bytea', '{>, >=, =, <=, <}', '{AAAAAA, AAAAAA, BNAAAABNAAAABNAAAABNAAAABNAAAABNAAAABNAAAABNAAAA, ZZZZZZ, ZZZZZZ}'),
  ('charcol', '"char"', '{>, >=, =, <=, <}', '{A, A, M, Z, Z}'),
  ('namecol', 'name', '{>, >=, =, <=, <}', '{AAAAAA, AAAAAA, MAAAAA, ZZAAAA, ZZAAAA}'),
  ('int2col', 'int2', '{>, >=, =, <=, <}', '{0, 0, 800, 999, 999}'),
  ('int2col', 'int4', '{>, >=, =, <=, <}', '{0, 0, 800, 999, 1999}'),
  ('int2col', 'int8', '{>, >=, =, <=, <}', '{0, 0, 800, 999, 1428427143}'),
  ('int4col', 'int2', '{>, >=, =, <=, <}', '{0, 0, 800, 1999, 1999}'),
  ('int4col', 'int4', '{>, >=, =, <=, <}', '{0, 0, 800, 1999, 1999}'),
  ('int4col', 'int8', '{>, >=, =, <=, <}', '{0, 0, 800, 1999, 1428427143}'),
  ('int8col', 'int2', '{>, >=}', '{0, 0}'),
  ('int8col', 'int4', '{>, >=}', '{0, 0}'),
  ('int8col', 'int8', '{>, >=, =, <=, <}', '{0, 0, 1257141600, 1428427143, 1428427143}'),
  ('textcol', 'text', '{>, >=, =, <=, <}', '{ABABAB, ABABAB, BNAAAABNAAAABNAAAABNAAAABNAAAABNAAAABNAAAABNAAAA, ZZAAAA, ZZAAAA}'),
  ('oidcol', 'oid', '{>, >=, =, <=, <}', '{0, 0, 8800, 9999, 9999}'),
  ('float4col', 'float4', '{>, >=, =, <=, <}', '{0.0103093, 0.0103093, 1, 1, 1}'),
  ('float4col', 'float8', '{>, >=, =, <=, <}', '{0.0103093, 0.0103093, 1, 1, 1}'),
  ('float8col', 'float4', '{>, >=, =, <=, <}', '{0, 0, 0, 1.98, 1.98}'),
  ('float8col', 'float8', '{>, >=, =, <=, <}', '{0, 0, 0, 1.98, 1.98}'),
  ('macaddrcol', 'macaddr', '{>, >=, =, <=, <}', '{00:00:01:00:00:00, 00:00:01:00:00:00, 2c:00:2d:00:16:00, ff:fe:00:00:00:00, ff:fe:00:00:00:00}'),
  ('inetcol', 'inet', '{=, <, <=, >, >=}', '{10.2.14.231/24, 255.255.255.255, 255.255.255.255, 0.0.0.0, 0.0.0.0}'),
  ('inetcol', 'inet', '{=}', '{fe80::6e40:8ff:fea9:8c46}'),
  ('inetcol', 'cidr', '{<, <=, >, >=}', '{255.255.255.255, 255.255.255.255, 0.0.0.0, 0.0.0.0}'),
  ('cidrcol', 'inet', '{=, <, <=, >, >=}', '{10.2.14/24, 255.255.255.255, 255.255.255.255, 0.0.0.0, 0.0.0.0}'),
  ('cidrcol', 'cidr', '{=, <, <=, >, >=}', '{10.2.14/24, 255.255.255.255, 255.255.255.255, 0.0.0.0, 0.0.0.0}'),
  ('bpcharcol', 'bpchar', '{>, >=, =, <=, <}', '{A, A, W, Z, Z}'),
  ('datecol', 'date', '{>, >=, =, <=, <}', '{1995-08-15, 1995-08-15, 2009-12-01, 2022-12-30, 2022-12-30}'),
  ('datecol', 'timestamp', '{>, >=, =, <=, <}', '{1995-08-15, 1995-08-15 00:00:01, 2009-12-01, 2022-12-30, 2022-12-30 00:00:01}'),
  ('timecol', 'time', '{>, >=, =, <=, <}', '{01:20:30, 01:20:30, 02:28:57, 06:28:31.5, 06:28:31.5}'),
  ('timestampcol', 'timestamp', '{>, >=, =, <=, <}', '{1942-07-23 03:05:09, 1942-07-23 03:05:09, 1964-03-24 19:26:45, 1984-01-20 22:42:21, 1984-01-20 22:42:21}'),
  ('timestampcol', 'timestamptz', '{>, >=, =, <=, <}', '{1942-07-23 03:05:09, 1942-07-23 03:05:09, 1964-03-24 19:26:45, 1984-01-20 22:42:21, 1984-01-20 22:42:21}'),
  ('timestamptzcol', 'timestamptz', '{>, >=, =, <=, <}', '{1972-10-10 03:00:00-04, 1972-10-10 03:00:00-04, 1972-10-19 09:00:00-07, 1972-11-20 19:00:00-03, 1972-11-20 19:00:00-03}'),
  ('timestamptzcol', 'date', '{>, >=, =, <=, <}', '{1972-10-10, 1972-10-10, 1972-10-19, 1972-11-20, 1972-11-20}'),
  ('intervalcol', 'interval', '{>, >=, =, <=, <}', '{00:00:00, 00:00:00, 1 mons 13 days 12:24, 2 mons 23 days 07:48:00, 1 year}'),
  ('timetzcol', 'timetz', '{>, >=, =, <=, <}', '{01:30:20+02, 01:30:20+02, 01:35:50+02, 23:55:05+02, 23:55:05+02}'),
  ('numericcol', 'numeric', '{>, >=, =, <=, <}', '{0.00, 0.01, 2268164.347826086956521739130434782609, 99470151.9, 99470151.9}'),
  ('uuidcol', 'uuid', '{>, >=, =, <=, <}', '{00040004-0004-0004-0004-000400040004, 00040004-0004-0004-0004-000400040004, 52225222-5222-5222-5222-522252225222, 99989998-9998-9998-9998-999899989998, 99989998-9998-9998-9998-999899989998}'),
  ('boolcol', 'bool', '{<, <=, >=, >}', '{true, false, true, false}');
INSERT INTO brinopers SELECT colname, typ, '{IS, IS NOT}', '{NULL, NULL}' FROM (SELECT DISTINCT colname, min(typ) AS typ FROM brinopers GROUP BY colname) c;

-- Each condition, through the index and by sequential scan: the same rows
-- (compared by ctid) and how many.
CREATE FUNCTION check_opers() RETURNS TABLE (colname name, oper text, typ text, value text, matches int, result text)
LANGUAGE plpgsql AS $$
DECLARE
  r record;
  cond text;
BEGIN
  FOR r IN SELECT b.colname, o.oper, b.typ, b.value[o.ord] AS v
             FROM brinopers b, unnest(b.op) WITH ORDINALITY AS o(oper, ord) ORDER BY b.colname, b.typ, o.ord LOOP
    IF r.v IS NULL THEN
      cond := format('%I %s NULL', r.colname, r.oper);
    ELSE
      cond := format('%I %s %L::%s', r.colname, r.oper, r.v, r.typ);
    END IF;
    colname := r.colname; oper := r.oper; typ := r.typ; value := r.v;
    result := index_matches_seqscan(format('SELECT ctid FROM brintest WHERE %s ORDER BY ctid', cond));
    EXECUTE format('SELECT count(*) FROM brintest WHERE %s', cond) INTO matches;
    RETURN NEXT;
  END LOOP;
END $$;
SELECT colname, oper, typ, matches, result FROM check_opers() WHERE result NOT LIKE 'same%';
SELECT count(*) AS conditions, sum(matches) AS rows_matched FROM check_opers();

-- New rows (never stale: summarized as they come), a desummarized range,
-- VACUUM summarizing it again; then updates of indexed columns.
INSERT INTO brintest SELECT
  repeat(s1, 42)::bytea, substr(s1, 1, 1)::"char", s1::name, 142857 * tenthous, thousand, twothousand,
  repeat(s1, 42), u1::oid, (four + 1.0) / (hundred + 1), odd::float8 / (tenthous + 1),
  format('%s:00:%s:00:%s:00', to_hex(odd), to_hex(even), to_hex(hundred))::macaddr,
  inet '10.2.3.4' + tenthous, cidr '10.2.3/24' + tenthous, substr(s1, 1, 1)::bpchar,
  date '1995-08-15' + tenthous, time '01:20:30' + thousand * interval '18.5 second',
  timestamp '1942-07-23 03:05:09' + tenthous * interval '36.38 hours',
  timestamptz '1972-10-10 03:00' + thousand * interval '1 hour',
  justify_days(justify_hours(tenthous * interval '12 minutes')),
  timetz '01:30:20' + hundred * interval '15 seconds',
  tenthous::numeric(36, 30) * fivethous * even / (hundred + 1),
  format('%s%s-%s-%s-%s-%s%s%s', to_char(tenthous, 'FM0000'), to_char(tenthous, 'FM0000'), to_char(tenthous, 'FM0000'),
         to_char(tenthous, 'FM0000'), to_char(tenthous, 'FM0000'), to_char(tenthous, 'FM0000'),
         to_char(tenthous, 'FM0000'), to_char(tenthous, 'FM0000'))::uuid,
  two = 0
FROM gen(10) ORDER BY u2 LIMIT 5 OFFSET 5;
SELECT count(*) FILTER (WHERE state <> 'summarized') AS not_summarized FROM ixbrin_ranges('brinidx');
SELECT ixbrin_desummarize_range('brinidx', 0);
SELECT state FROM ixbrin_ranges('brinidx') WHERE range = 0;
VACUUM brintest;
SELECT state FROM ixbrin_ranges('brinidx') WHERE range = 0;
UPDATE brintest SET int8col = int8col * int4col;
UPDATE brintest SET textcol = '' WHERE textcol IS NOT NULL;
SELECT colname, oper, typ, matches, result FROM check_opers() WHERE result NOT LIKE 'same%';
SELECT count(*) AS conditions, sum(matches) AS rows_matched FROM check_opers();
VACUUM brintest;
SELECT count(*) AS problems FROM ixbrin_check('brinidx');

-- The maintenance functions.
SELECT ixbrin_summarize_new_values('brintest');
SELECT ixbrin_summarize_new_values('brinidx');
SELECT ixbrin_desummarize_range('brinidx', -1);
SELECT ixbrin_desummarize_range('brinidx', 0);
SELECT ixbrin_desummarize_range('brinidx', 0);
SELECT ixbrin_desummarize_range('brinidx', 100000000);
SELECT ixbrin_summarize_new_values('brinidx');

-- ixbrin_summarize_range on a table filled page by page: rows are
-- summarized as they come, so summarizing finds nothing missing; it still
-- recomputes (tightens) the range, and says whether the block exists.
CREATE TABLE brin_summarize (value int) WITH (fillfactor = 10, autovacuum_enabled = false);
CREATE INDEX brin_summarize_idx ON brin_summarize USING ixbrin (value) WITH (pages_per_range = 2);
DO $$
DECLARE
  curtid tid;
BEGIN
  LOOP
    INSERT INTO brin_summarize VALUES (1) RETURNING ctid INTO curtid;
    EXIT WHEN curtid > tid '(2, 0)';
  END LOOP;
END $$;
SELECT range, first_block, state, summaries FROM ixbrin_ranges('brin_summarize_idx');
SELECT ixbrin_summarize_range('brin_summarize_idx', 0);
SELECT ixbrin_summarize_range('brin_summarize_idx', 1);
SELECT ixbrin_summarize_range('brin_summarize_idx', 2);
SELECT ixbrin_summarize_range('brin_summarize_idx', 4294967295);
SELECT ixbrin_summarize_range('brin_summarize_idx', 100);
SELECT ixbrin_summarize_range('brin_summarize_idx', -1);
SELECT ixbrin_summarize_range('brin_summarize_idx', 4294967296);

-- Costs come from the summaries: a perfectly correlated column is
-- searched through the index, an uncorrelated one is not.
CREATE TABLE brin_test (a int, b int);
INSERT INTO brin_test SELECT x / 100, x % 100 FROM generate_series(1, 10000) x(x);
CREATE INDEX brin_test_a_idx ON brin_test USING ixbrin (a) WITH (pages_per_range = 2);
CREATE INDEX brin_test_b_idx ON brin_test USING ixbrin (b) WITH (pages_per_range = 2);
VACUUM ANALYZE brin_test;
EXPLAIN (COSTS OFF) SELECT * FROM brin_test WHERE a = 1;
EXPLAIN (COSTS OFF) SELECT * FROM brin_test WHERE b = 1;
-- Even where pg_stats says nothing (no ANALYZE), the summaries do.
CREATE TABLE brin_test_new (a int, b int) WITH (autovacuum_enabled = off);
INSERT INTO brin_test_new SELECT x / 100, x % 100 FROM generate_series(1, 10000) x(x);
CREATE INDEX brin_test_new_a ON brin_test_new USING ixbrin (a) WITH (pages_per_range = 2);
CREATE INDEX brin_test_new_b ON brin_test_new USING ixbrin (b) WITH (pages_per_range = 2);
EXPLAIN (COSTS OFF) SELECT * FROM brin_test_new WHERE a = 1;
EXPLAIN (COSTS OFF) SELECT * FROM brin_test_new WHERE b = 1;

-- An index predicate: a row updated into it is indexed (its update changed
-- the predicate's column, so it is not HOT).
CREATE TABLE brin_hot_2 (a int, b int);
INSERT INTO brin_hot_2 VALUES (1, 100);
CREATE INDEX ON brin_hot_2 USING ixbrin (b) WHERE a = 2;
UPDATE brin_hot_2 SET a = 2;
EXPLAIN (COSTS OFF) SELECT * FROM brin_hot_2 WHERE a = 2 AND b = 100;
SELECT count(*) FROM brin_hot_2 WHERE a = 2 AND b = 100;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM brin_hot_2 WHERE a = 2 AND b = 100;
SELECT count(*) FROM brin_hot_2 WHERE a = 2 AND b = 100;
RESET enable_seqscan;

SET client_min_messages = warning;
DROP SCHEMA ixr_brin CASCADE;
RESET client_min_messages;
