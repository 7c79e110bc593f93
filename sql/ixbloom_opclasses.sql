-- ixbloom: every default operator class, with edge values and NULLs.  Each
-- query runs once through a Bitmap Index Scan on the ixbloom index and once
-- by sequential scan; the two results must be identical.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ixbloom;
CREATE EXTENSION IF NOT EXISTS ixpack_test;
RESET client_min_messages;

-- disable_cost would push plans over jit_above_cost: no JIT (only time).
SET jit = off;
CREATE SCHEMA ixb_opc;
SET search_path = ixb_opc, ixpack_test, public;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
-- The EXPLAINs and the plain SELECTs below run with the index forced;
-- index_matches_seqscan() sets what it needs itself.
SET enable_seqscan = off;
SET enable_bitmapscan = on;

-- index_matches_seqscan(q) (ixpack_test) runs q (which must end in ORDER
-- BY) first with the ixbloom index forced, then by sequential scan: 'same
-- (N rows)' if both return the same rows in the same order; otherwise what
-- differs.  It also checks that the plans really are a Bitmap Index Scan
-- and a Seq Scan.

-- Every query of this file, so that all of them can be run again after
-- VACUUM has folded the insert buffers into bit-sliced groups.
CREATE TABLE q (typ text, n serial, sql text);

-- Each type gets a table: filler rows (with a NULL every 50th), the ixbloom
-- index built over them (bit-sliced groups), then edge values inserted
-- afterwards (they land in the insert buffer).

-- int2, int4, int8 ---------------------------------------------------------
CREATE TABLE t_int2 (id int, v int2);
INSERT INTO t_int2 SELECT i, CASE WHEN i % 50 <> 0 THEN i % 700 - 350 END FROM generate_series(1, 3000) i;
CREATE INDEX t_int2_v ON t_int2 USING ixbloom (v);
INSERT INTO t_int2 VALUES (10001, -32768), (10002, 32767), (10003, 0), (10004, -1), (10005, NULL);
INSERT INTO q (typ, sql) VALUES
  ('int2', $$SELECT id, v FROM t_int2 WHERE v = '-32768'::int2 ORDER BY id$$),
  ('int2', $$SELECT id, v FROM t_int2 WHERE v = 32767::int2 ORDER BY id$$),
  ('int2', $$SELECT id, v FROM t_int2 WHERE v = 0::int2 ORDER BY id$$),
  ('int2', $$SELECT id, v FROM t_int2 WHERE v = 12345::int2 ORDER BY id$$),
  ('int2', $$SELECT id, v FROM t_int2 WHERE v IS NULL ORDER BY id$$),
  ('int2', $$SELECT id, v FROM t_int2 WHERE v = ANY('{-1,-32768,32767,349}'::int2[]) ORDER BY id$$),
  ('int2', $$SELECT id, v FROM t_int2 WHERE v = ANY('{NULL,7}'::int2[]) ORDER BY id$$),
  ('int2', $$SELECT id, v FROM t_int2 WHERE v = ANY('{}'::int2[]) ORDER BY id$$);

CREATE TABLE t_int4 (id int, v int4);
INSERT INTO t_int4 SELECT i, CASE WHEN i % 50 <> 0 THEN i % 900 END FROM generate_series(1, 3000) i;
CREATE INDEX t_int4_v ON t_int4 USING ixbloom (v);
INSERT INTO t_int4 VALUES (10001, -2147483648), (10002, 2147483647), (10003, 0), (10004, NULL);
INSERT INTO q (typ, sql) VALUES
  ('int4', $$SELECT id, v FROM t_int4 WHERE v = -2147483648 ORDER BY id$$),
  ('int4', $$SELECT id, v FROM t_int4 WHERE v = 2147483647 ORDER BY id$$),
  ('int4', $$SELECT id, v FROM t_int4 WHERE v = 0 ORDER BY id$$),
  ('int4', $$SELECT id, v FROM t_int4 WHERE v = 899 ORDER BY id$$),
  ('int4', $$SELECT id, v FROM t_int4 WHERE v IS NULL ORDER BY id$$),
  ('int4', $$SELECT id, v FROM t_int4 WHERE v = ANY('{1,2,2147483647}') ORDER BY id$$),
  ('int4', $$SELECT id, v FROM t_int4 WHERE v = ANY('{NULL,3,NULL}') ORDER BY id$$),
  ('int4', $$SELECT id, v FROM t_int4 WHERE v = ANY('{NULL}'::int[]) ORDER BY id$$),
  ('int4', $$SELECT id, v FROM t_int4 WHERE v = ANY('{}'::int[]) ORDER BY id$$);

-- In int8, 1 and 4294967296 (2^32) have the same standard hash: the index
-- returns both and the recheck must drop the wrong one.
CREATE TABLE t_int8 (id int, v int8);
INSERT INTO t_int8 SELECT i, CASE WHEN i % 50 <> 0 THEN (i % 800) * 10000000000 END FROM generate_series(1, 3000) i;
CREATE INDEX t_int8_v ON t_int8 USING ixbloom (v);
INSERT INTO t_int8 VALUES (10001, -9223372036854775808), (10002, 9223372036854775807), (10003, 1),
  (10004, 4294967296), (10005, 0), (10006, NULL);
SELECT hashint8(1) = hashint8(4294967296) AS same_hash;
INSERT INTO q (typ, sql) VALUES
  ('int8', $$SELECT id, v FROM t_int8 WHERE v = -9223372036854775808 ORDER BY id$$),
  ('int8', $$SELECT id, v FROM t_int8 WHERE v = 9223372036854775807 ORDER BY id$$),
  ('int8', $$SELECT id, v FROM t_int8 WHERE v = 1::int8 ORDER BY id$$),
  ('int8', $$SELECT id, v FROM t_int8 WHERE v = 4294967296 ORDER BY id$$),
  ('int8', $$SELECT id, v FROM t_int8 WHERE v = 70000000000 ORDER BY id$$),
  ('int8', $$SELECT id, v FROM t_int8 WHERE v IS NULL ORDER BY id$$),
  ('int8', $$SELECT id, v FROM t_int8 WHERE v = ANY('{0,1,4294967296}'::int8[]) ORDER BY id$$),
  ('int8', $$SELECT id, v FROM t_int8 WHERE v = ANY('{NULL,-9223372036854775808}'::int8[]) ORDER BY id$$),
  ('int8', $$SELECT id, v FROM t_int8 WHERE v = ANY('{}'::int8[]) ORDER BY id$$);

EXPLAIN (COSTS OFF) SELECT id, v FROM t_int4 WHERE v = 7 ORDER BY id;
EXPLAIN (COSTS OFF) SELECT id, v FROM t_int8 WHERE v = ANY('{0,1}'::int8[]) ORDER BY id;
EXPLAIN (COSTS OFF) SELECT id, v FROM t_int2 WHERE v IS NULL ORDER BY id;
SELECT typ, sql, index_matches_seqscan(sql) FROM q WHERE typ IN ('int2', 'int4', 'int8') ORDER BY n;

-- float4, float8: -0 equals 0, NaN equals NaN ----------------------------
CREATE TABLE t_float4 (id int, v float4);
INSERT INTO t_float4 SELECT i, CASE WHEN i % 50 <> 0 THEN (i % 600) / 8.0 END FROM generate_series(1, 3000) i;
CREATE INDEX t_float4_v ON t_float4 USING ixbloom (v);
INSERT INTO t_float4 VALUES (10001, '-0'), (10002, '0'), (10003, 'NaN'), (10004, 'Infinity'),
  (10005, '-Infinity'), (10006, '1.17549435e-38'), (10007, NULL), (10008, 'NaN');
INSERT INTO q (typ, sql) VALUES
  ('float4', $$SELECT id, v FROM t_float4 WHERE v = '-0'::float4 ORDER BY id$$),
  ('float4', $$SELECT id, v FROM t_float4 WHERE v = '0'::float4 ORDER BY id$$),
  ('float4', $$SELECT id, v FROM t_float4 WHERE v = 'NaN'::float4 ORDER BY id$$),
  ('float4', $$SELECT id, v FROM t_float4 WHERE v = '-Infinity'::float4 ORDER BY id$$),
  ('float4', $$SELECT id, v FROM t_float4 WHERE v = '1.17549435e-38'::float4 ORDER BY id$$),
  ('float4', $$SELECT id, v FROM t_float4 WHERE v = '12.375'::float4 ORDER BY id$$),
  ('float4', $$SELECT id, v FROM t_float4 WHERE v IS NULL ORDER BY id$$),
  ('float4', $$SELECT id, v FROM t_float4 WHERE v = ANY('{NaN,Infinity,-0}'::float4[]) ORDER BY id$$),
  ('float4', $$SELECT id, v FROM t_float4 WHERE v = ANY('{NULL,0.5}'::float4[]) ORDER BY id$$),
  ('float4', $$SELECT id, v FROM t_float4 WHERE v = ANY('{}'::float4[]) ORDER BY id$$);

CREATE TABLE t_float8 (id int, v float8);
INSERT INTO t_float8 SELECT i, CASE WHEN i % 50 <> 0 THEN (i % 600) / 3.0 END FROM generate_series(1, 3000) i;
CREATE INDEX t_float8_v ON t_float8 USING ixbloom (v);
INSERT INTO t_float8 VALUES (10001, '-0'), (10002, '0'), (10003, 'NaN'), (10004, 'Infinity'),
  (10005, '-Infinity'), (10006, '2.2250738585072014e-308'), (10007, '1.7976931348623157e308'),
  (10008, NULL), (10009, 'NaN'), (10010, '0.1'), (10011, 0.1::float4);
INSERT INTO q (typ, sql) VALUES
  ('float8', $$SELECT id, v FROM t_float8 WHERE v = '-0'::float8 ORDER BY id$$),
  ('float8', $$SELECT id, v FROM t_float8 WHERE v = 0.0::float8 ORDER BY id$$),
  ('float8', $$SELECT id, v FROM t_float8 WHERE v = 'NaN'::float8 ORDER BY id$$),
  ('float8', $$SELECT id, v FROM t_float8 WHERE v = 'Infinity'::float8 ORDER BY id$$),
  ('float8', $$SELECT id, v FROM t_float8 WHERE v = '2.2250738585072014e-308'::float8 ORDER BY id$$),
  ('float8', $$SELECT id, v FROM t_float8 WHERE v = 0.1::float8 ORDER BY id$$),
  ('float8', $$SELECT id, v FROM t_float8 WHERE v = 0.1::float4::float8 ORDER BY id$$),
  ('float8', $$SELECT id, v FROM t_float8 WHERE v = 100::float8 ORDER BY id$$),
  ('float8', $$SELECT id, v FROM t_float8 WHERE v IS NULL ORDER BY id$$),
  ('float8', $$SELECT id, v FROM t_float8 WHERE v = ANY('{NaN,-Infinity,-0,1.7976931348623157e308}'::float8[]) ORDER BY id$$),
  ('float8', $$SELECT id, v FROM t_float8 WHERE v = ANY(ARRAY[NULL, 'NaN']::float8[]) ORDER BY id$$),
  ('float8', $$SELECT id, v FROM t_float8 WHERE v = ANY('{}'::float8[]) ORDER BY id$$);

EXPLAIN (COSTS OFF) SELECT id, v FROM t_float8 WHERE v = 'NaN'::float8 ORDER BY id;
SELECT typ, sql, index_matches_seqscan(sql) FROM q WHERE typ IN ('float4', 'float8') ORDER BY n;
-- What the index finds among the edge values:
SELECT id, v FROM t_float8 WHERE v = '-0'::float8 AND id > 10000 ORDER BY id;
SELECT id, v FROM t_float8 WHERE v = 'NaN'::float8 AND id > 10000 ORDER BY id;

-- numeric: 1.0 = 1.00 = 1.000 = 1, NaN, infinities ------------------------
CREATE TABLE t_numeric (id int, v numeric);
INSERT INTO t_numeric SELECT i, CASE WHEN i % 50 <> 0 THEN round((i % 500) / 7.0, i % 4) END FROM generate_series(1, 3000) i;
CREATE INDEX t_numeric_v ON t_numeric USING ixbloom (v);
INSERT INTO t_numeric VALUES (10001, 1.0), (10002, 1.00), (10003, 1.000), (10004, 1), (10005, 'NaN'),
  (10006, 'Infinity'), (10007, '-Infinity'), (10008, 0), (10009, '-0.000'), (10010, NULL),
  (10011, 12345678901234567890.123456789), (10012, 1e-30);
INSERT INTO q (typ, sql) VALUES
  ('numeric', $$SELECT id, v FROM t_numeric WHERE v = 1.0 ORDER BY id$$),
  ('numeric', $$SELECT id, v FROM t_numeric WHERE v = 1.000 ORDER BY id$$),
  ('numeric', $$SELECT id, v FROM t_numeric WHERE v = 1 ORDER BY id$$),
  ('numeric', $$SELECT id, v FROM t_numeric WHERE v = 0.00 ORDER BY id$$),
  ('numeric', $$SELECT id, v FROM t_numeric WHERE v = 'NaN' ORDER BY id$$),
  ('numeric', $$SELECT id, v FROM t_numeric WHERE v = '-Infinity' ORDER BY id$$),
  ('numeric', $$SELECT id, v FROM t_numeric WHERE v = 12345678901234567890.1234567890000 ORDER BY id$$),
  ('numeric', $$SELECT id, v FROM t_numeric WHERE v = 0.000000000000000000000000000001 ORDER BY id$$),
  ('numeric', $$SELECT id, v FROM t_numeric WHERE v = 10.7 ORDER BY id$$),
  ('numeric', $$SELECT id, v FROM t_numeric WHERE v IS NULL ORDER BY id$$),
  ('numeric', $$SELECT id, v FROM t_numeric WHERE v = ANY('{1.00000,NaN,Infinity}'::numeric[]) ORDER BY id$$),
  ('numeric', $$SELECT id, v FROM t_numeric WHERE v = ANY('{NULL,2.0}'::numeric[]) ORDER BY id$$),
  ('numeric', $$SELECT id, v FROM t_numeric WHERE v = ANY('{}'::numeric[]) ORDER BY id$$);

EXPLAIN (COSTS OFF) SELECT id, v FROM t_numeric WHERE v = 1.0 ORDER BY id;
SELECT typ, sql, index_matches_seqscan(sql) FROM q WHERE typ = 'numeric' ORDER BY n;
SELECT id, v FROM t_numeric WHERE v = 1.00 AND id > 10000 ORDER BY id;
SELECT id, v FROM t_numeric WHERE v = 0 AND id > 10000 ORDER BY id;

-- text, varchar (text_ops), bpchar, name; collations -----------------------
SELECT collname FROM pg_collation WHERE collname IN ('C', 'POSIX') ORDER BY 1;

-- Three text columns with different collations, one index over all three;
-- plus a long value (compressed, then external) and the empty string.
CREATE TABLE t_text (id int, v text, vc text COLLATE "C", vp text COLLATE "POSIX");
INSERT INTO t_text SELECT i, x, x, x
  FROM (SELECT i, CASE WHEN i % 50 <> 0 THEN md5((i % 400)::text) END AS x FROM generate_series(1, 3000) i) s;
CREATE INDEX t_text_v ON t_text USING ixbloom (v, vc, vp);
INSERT INTO t_text VALUES (10001, '', '', ''), (10002, 'a', 'a', 'a'), (10003, 'A', 'A', 'A'),
  (10004, 'a ', 'a ', 'a '), (10005, 'é', 'é', 'é'), (10006, NULL, NULL, NULL),
  (10007, repeat('x', 5000), repeat('x', 5000), repeat('x', 5000)),
  (10008, (SELECT string_agg(md5(i::text), '') FROM generate_series(1, 300) i), 'long', 'long'),
  (10009, 'a', NULL, 'A');
INSERT INTO q (typ, sql) VALUES
  ('text', $$SELECT id, v FROM t_text WHERE v = '' ORDER BY id$$),
  ('text', $$SELECT id, v FROM t_text WHERE v = 'a' ORDER BY id$$),
  ('text', $$SELECT id, v FROM t_text WHERE v = 'A' ORDER BY id$$),
  ('text', $$SELECT id, v FROM t_text WHERE v = 'é' ORDER BY id$$),
  ('text', $$SELECT id FROM t_text WHERE v = repeat('x', 5000) ORDER BY id$$),
  ('text', $$SELECT id FROM t_text WHERE v = (SELECT string_agg(md5(i::text), '') FROM generate_series(1, 300) i) ORDER BY id$$),
  ('text', $$SELECT id, v FROM t_text WHERE v = md5('17') ORDER BY id$$),
  ('text', $$SELECT id, v FROM t_text WHERE v IS NULL ORDER BY id$$),
  ('text', $$SELECT id, v FROM t_text WHERE v = ANY('{a,A,"a "}') ORDER BY id$$),
  ('text', $$SELECT id, v FROM t_text WHERE v = ANY(ARRAY[NULL, '']) ORDER BY id$$),
  ('text', $$SELECT id, v FROM t_text WHERE v = ANY('{}'::text[]) ORDER BY id$$),
  ('text', $$SELECT id, vc FROM t_text WHERE vc = 'a' ORDER BY id$$),
  ('text', $$SELECT id, vc FROM t_text WHERE vc = 'long' ORDER BY id$$),
  ('text', $$SELECT id, vc FROM t_text WHERE vc IS NULL ORDER BY id$$),
  ('text', $$SELECT id, vc FROM t_text WHERE vc = ANY('{é,"",NULL}') ORDER BY id$$),
  ('text', $$SELECT id, vp FROM t_text WHERE vp = 'A' ORDER BY id$$),
  ('text', $$SELECT id, vp FROM t_text WHERE vp = 'A' AND vc IS NULL ORDER BY id$$),
  ('text', $$SELECT id, vp FROM t_text WHERE vp = repeat('x', 5000) AND v = repeat('x', 5000) ORDER BY id$$),
  ('text', $$SELECT id, vp FROM t_text WHERE vp = ANY('{A,a}') AND vc = 'a' ORDER BY id$$),
  ('text', $$SELECT id FROM t_text WHERE v = md5('5') AND vc = md5('5') AND vp = md5('5') ORDER BY id$$);

EXPLAIN (COSTS OFF) SELECT id FROM t_text WHERE vc = 'a' AND vp IS NULL ORDER BY id;

-- An index on an expression with an explicit collation: the planner uses it
-- only for a comparison in that collation.
CREATE INDEX t_text_v_posix ON t_text USING ixbloom ((v COLLATE "POSIX"));
EXPLAIN (COSTS OFF) SELECT id FROM t_text WHERE v = 'a' COLLATE "POSIX" ORDER BY id;
INSERT INTO q (typ, sql) VALUES
  ('text', $$SELECT id FROM t_text WHERE v = 'a' COLLATE "POSIX" ORDER BY id$$);

-- A case-insensitive (nondeterministic) ICU collation: 'abc', 'ABC' and
-- 'aBc' are equal, and must hash alike.
CREATE COLLATION ixb_ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE t_text_ci (id int, v text COLLATE ixb_ci);
INSERT INTO t_text_ci SELECT i, CASE WHEN i % 50 <> 0 THEN md5((i % 300)::text) END FROM generate_series(1, 3000) i;
CREATE INDEX t_text_ci_v ON t_text_ci USING ixbloom (v);
INSERT INTO t_text_ci VALUES (10001, 'abc'), (10002, 'ABC'), (10003, 'aBc'), (10004, 'abd'), (10005, NULL),
  (10006, upper(md5('7')));
INSERT INTO q (typ, sql) VALUES
  ('text', $$SELECT id, v FROM t_text_ci WHERE v = 'abc' ORDER BY id$$),
  ('text', $$SELECT id, v FROM t_text_ci WHERE v = 'ABC' ORDER BY id$$),
  ('text', $$SELECT id, v FROM t_text_ci WHERE v = md5('7') ORDER BY id$$),
  ('text', $$SELECT id, v FROM t_text_ci WHERE v = ANY('{ABD,NULL}') ORDER BY id$$),
  ('text', $$SELECT id, v FROM t_text_ci WHERE v IS NULL ORDER BY id$$);

SELECT typ, sql, index_matches_seqscan(sql) FROM q WHERE typ = 'text' ORDER BY n;
SELECT id, v FROM t_text_ci WHERE v = 'Abc' ORDER BY id;

-- varchar uses text_ops.
CREATE TABLE t_varchar (id int, v varchar(40));
INSERT INTO t_varchar SELECT i, CASE WHEN i % 50 <> 0 THEN 'v' || (i % 300) END FROM generate_series(1, 3000) i;
CREATE INDEX t_varchar_v ON t_varchar USING ixbloom (v);
INSERT INTO t_varchar VALUES (10001, ''), (10002, 'v1'), (10003, 'v1 '), (10004, NULL);
SELECT opc.opcname FROM pg_index i JOIN pg_opclass opc ON opc.oid = i.indclass[0]
 WHERE i.indexrelid = 't_varchar_v'::regclass;
INSERT INTO q (typ, sql) VALUES
  ('varchar', $$SELECT id, v FROM t_varchar WHERE v = 'v1' ORDER BY id$$),
  ('varchar', $$SELECT id, v FROM t_varchar WHERE v = 'v1 '::varchar ORDER BY id$$),
  ('varchar', $$SELECT id, v FROM t_varchar WHERE v = '' ORDER BY id$$),
  ('varchar', $$SELECT id, v FROM t_varchar WHERE v IS NULL ORDER BY id$$),
  ('varchar', $$SELECT id, v FROM t_varchar WHERE v = ANY('{v2,v299,NULL}'::varchar[]) ORDER BY id$$),
  ('varchar', $$SELECT id, v FROM t_varchar WHERE v = ANY('{}'::varchar[]) ORDER BY id$$);

-- bpchar: trailing blanks are insignificant ('ab' = 'ab   ').
CREATE TABLE t_bpchar (id int, v char(5));
INSERT INTO t_bpchar SELECT i, CASE WHEN i % 50 <> 0 THEN (i % 300)::text END FROM generate_series(1, 3000) i;
CREATE INDEX t_bpchar_v ON t_bpchar USING ixbloom (v);
INSERT INTO t_bpchar VALUES (10001, 'ab'), (10002, 'ab   '), (10003, ''), (10004, '     '), (10005, NULL), (10006, ' ab');
INSERT INTO q (typ, sql) VALUES
  ('bpchar', $$SELECT id, v FROM t_bpchar WHERE v = 'ab'::char(5) ORDER BY id$$),
  ('bpchar', $$SELECT id, v FROM t_bpchar WHERE v = 'ab '::bpchar ORDER BY id$$),
  ('bpchar', $$SELECT id, v FROM t_bpchar WHERE v = ''::bpchar ORDER BY id$$),
  ('bpchar', $$SELECT id, v FROM t_bpchar WHERE v = '42'::bpchar ORDER BY id$$),
  ('bpchar', $$SELECT id, v FROM t_bpchar WHERE v IS NULL ORDER BY id$$),
  ('bpchar', $$SELECT id, v FROM t_bpchar WHERE v = ANY('{" ab",ab,NULL}'::bpchar[]) ORDER BY id$$),
  ('bpchar', $$SELECT id, v FROM t_bpchar WHERE v = ANY('{}'::bpchar[]) ORDER BY id$$);

CREATE TABLE t_name (id int, v name);
INSERT INTO t_name SELECT i, CASE WHEN i % 50 <> 0 THEN 'n' || (i % 300) END FROM generate_series(1, 3000) i;
CREATE INDEX t_name_v ON t_name USING ixbloom (v);
INSERT INTO t_name VALUES (10001, ''), (10002, 'pg_class'), (10003, repeat('z', 63)), (10004, NULL);
INSERT INTO q (typ, sql) VALUES
  ('name', $$SELECT id, v FROM t_name WHERE v = 'pg_class'::name ORDER BY id$$),
  ('name', $$SELECT id, v FROM t_name WHERE v = ''::name ORDER BY id$$),
  ('name', $$SELECT id, v FROM t_name WHERE v = repeat('z', 70)::name ORDER BY id$$),
  ('name', $$SELECT id, v FROM t_name WHERE v IS NULL ORDER BY id$$),
  ('name', $$SELECT id, v FROM t_name WHERE v = ANY('{n1,n2,NULL}'::name[]) ORDER BY id$$),
  ('name', $$SELECT id, v FROM t_name WHERE v = ANY('{}'::name[]) ORDER BY id$$);

EXPLAIN (COSTS OFF) SELECT id, v FROM t_bpchar WHERE v = 'ab'::char(5) ORDER BY id;
SELECT typ, sql, index_matches_seqscan(sql) FROM q WHERE typ IN ('varchar', 'bpchar', 'name') ORDER BY n;
SELECT id, v, octet_length(v) FROM t_bpchar WHERE v = 'ab' AND id > 10000 ORDER BY id;

-- bytea ----------------------------------------------------------------------
CREATE TABLE t_bytea (id int, v bytea);
INSERT INTO t_bytea SELECT i, CASE WHEN i % 50 <> 0 THEN decode(md5((i % 300)::text), 'hex') END FROM generate_series(1, 3000) i;
CREATE INDEX t_bytea_v ON t_bytea USING ixbloom (v);
INSERT INTO t_bytea VALUES (10001, ''), (10002, '\x00'), (10003, '\x0000'), (10004, NULL),
  (10005, convert_to(repeat('ab', 4000), 'UTF8'));
INSERT INTO q (typ, sql) VALUES
  ('bytea', $$SELECT id, v FROM t_bytea WHERE v = ''::bytea ORDER BY id$$),
  ('bytea', $$SELECT id, v FROM t_bytea WHERE v = '\x00'::bytea ORDER BY id$$),
  ('bytea', $$SELECT id, v FROM t_bytea WHERE v = '\x0000'::bytea ORDER BY id$$),
  ('bytea', $$SELECT id FROM t_bytea WHERE v = convert_to(repeat('ab', 4000), 'UTF8') ORDER BY id$$),
  ('bytea', $$SELECT id, v FROM t_bytea WHERE v = decode(md5('9'), 'hex') ORDER BY id$$),
  ('bytea', $$SELECT id, v FROM t_bytea WHERE v IS NULL ORDER BY id$$),
  ('bytea', $$SELECT id, v FROM t_bytea WHERE v = ANY(ARRAY['\x00'::bytea, NULL, '\x']) ORDER BY id$$),
  ('bytea', $$SELECT id, v FROM t_bytea WHERE v = ANY('{}'::bytea[]) ORDER BY id$$);

EXPLAIN (COSTS OFF) SELECT id, v FROM t_bytea WHERE v = '\x00'::bytea ORDER BY id;
SELECT typ, sql, index_matches_seqscan(sql) FROM q WHERE typ = 'bytea' ORDER BY n;

-- uuid -----------------------------------------------------------------------
CREATE TABLE t_uuid (id int, v uuid);
INSERT INTO t_uuid SELECT i, CASE WHEN i % 50 <> 0 THEN md5((i % 300)::text)::uuid END FROM generate_series(1, 3000) i;
CREATE INDEX t_uuid_v ON t_uuid USING ixbloom (v);
INSERT INTO t_uuid VALUES (10001, '00000000-0000-0000-0000-000000000000'), (10002, 'ffffffff-ffff-ffff-ffff-ffffffffffff'),
  (10003, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'), (10004, '{a0eebc999c0b4ef8bb6d6bb9bd380a11}'), (10005, NULL);
INSERT INTO q (typ, sql) VALUES
  ('uuid', $$SELECT id, v FROM t_uuid WHERE v = '00000000-0000-0000-0000-000000000000' ORDER BY id$$),
  ('uuid', $$SELECT id, v FROM t_uuid WHERE v = 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF' ORDER BY id$$),
  ('uuid', $$SELECT id, v FROM t_uuid WHERE v = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' ORDER BY id$$),
  ('uuid', $$SELECT id, v FROM t_uuid WHERE v = md5('4')::uuid ORDER BY id$$),
  ('uuid', $$SELECT id, v FROM t_uuid WHERE v IS NULL ORDER BY id$$),
  ('uuid', $$SELECT id, v FROM t_uuid WHERE v = ANY(ARRAY[NULL, md5('5')::uuid, md5('6')::uuid]) ORDER BY id$$),
  ('uuid', $$SELECT id, v FROM t_uuid WHERE v = ANY('{}'::uuid[]) ORDER BY id$$);

EXPLAIN (COSTS OFF) SELECT id, v FROM t_uuid WHERE v = md5('4')::uuid ORDER BY id;
SELECT typ, sql, index_matches_seqscan(sql) FROM q WHERE typ = 'uuid' ORDER BY n;

-- date, time, timetz, timestamp, timestamptz, interval -----------------------
CREATE TABLE t_date (id int, v date);
INSERT INTO t_date SELECT i, CASE WHEN i % 50 <> 0 THEN date '2000-01-01' + i % 400 END FROM generate_series(1, 3000) i;
CREATE INDEX t_date_v ON t_date USING ixbloom (v);
INSERT INTO t_date VALUES (10001, 'infinity'), (10002, '-infinity'), (10003, '4713-01-01 BC'), (10004, '5874897-12-31'),
  (10005, '2000-01-01'), (10006, NULL);
INSERT INTO q (typ, sql) VALUES
  ('date', $$SELECT id, v FROM t_date WHERE v = 'infinity'::date ORDER BY id$$),
  ('date', $$SELECT id, v FROM t_date WHERE v = '-infinity'::date ORDER BY id$$),
  ('date', $$SELECT id, v FROM t_date WHERE v = '4713-01-01 BC'::date ORDER BY id$$),
  ('date', $$SELECT id, v FROM t_date WHERE v = '5874897-12-31'::date ORDER BY id$$),
  ('date', $$SELECT id, v FROM t_date WHERE v = '2000-01-01'::date ORDER BY id$$),
  ('date', $$SELECT id, v FROM t_date WHERE v IS NULL ORDER BY id$$),
  ('date', $$SELECT id, v FROM t_date WHERE v = ANY('{2000-02-01,2000-02-02,NULL}'::date[]) ORDER BY id$$),
  ('date', $$SELECT id, v FROM t_date WHERE v = ANY('{}'::date[]) ORDER BY id$$);

CREATE TABLE t_time (id int, v time);
INSERT INTO t_time SELECT i, CASE WHEN i % 50 <> 0 THEN time '00:00' + (i % 500) * interval '1 minute' END FROM generate_series(1, 3000) i;
CREATE INDEX t_time_v ON t_time USING ixbloom (v);
INSERT INTO t_time VALUES (10001, '00:00'), (10002, '24:00'), (10003, '23:59:59.999999'), (10004, '12:00:00.000001'), (10005, NULL);
INSERT INTO q (typ, sql) VALUES
  ('time', $$SELECT id, v FROM t_time WHERE v = '00:00'::time ORDER BY id$$),
  ('time', $$SELECT id, v FROM t_time WHERE v = '24:00'::time ORDER BY id$$),
  ('time', $$SELECT id, v FROM t_time WHERE v = '23:59:59.999999'::time ORDER BY id$$),
  ('time', $$SELECT id, v FROM t_time WHERE v = '12:00:00.000001'::time ORDER BY id$$),
  ('time', $$SELECT id, v FROM t_time WHERE v IS NULL ORDER BY id$$),
  ('time', $$SELECT id, v FROM t_time WHERE v = ANY('{01:00,02:00,NULL}'::time[]) ORDER BY id$$),
  ('time', $$SELECT id, v FROM t_time WHERE v = ANY('{}'::time[]) ORDER BY id$$);

-- timetz: 12:00+00 and 13:00+01 are the same instant but not equal values.
CREATE TABLE t_timetz (id int, v timetz);
INSERT INTO t_timetz SELECT i, CASE WHEN i % 50 <> 0 THEN ((time '00:00' + (i % 500) * interval '1 minute')::time || '+0' || (i % 3))::timetz END
  FROM generate_series(1, 3000) i;
CREATE INDEX t_timetz_v ON t_timetz USING ixbloom (v);
INSERT INTO t_timetz VALUES (10001, '12:00+00'), (10002, '13:00+01'), (10003, '00:00+15:59'), (10004, '24:00-15:59'), (10005, NULL);
INSERT INTO q (typ, sql) VALUES
  ('timetz', $$SELECT id, v FROM t_timetz WHERE v = '12:00+00'::timetz ORDER BY id$$),
  ('timetz', $$SELECT id, v FROM t_timetz WHERE v = '13:00+01'::timetz ORDER BY id$$),
  ('timetz', $$SELECT id, v FROM t_timetz WHERE v = '00:00+15:59'::timetz ORDER BY id$$),
  ('timetz', $$SELECT id, v FROM t_timetz WHERE v = '00:07:00+01'::timetz ORDER BY id$$),
  ('timetz', $$SELECT id, v FROM t_timetz WHERE v IS NULL ORDER BY id$$),
  ('timetz', $$SELECT id, v FROM t_timetz WHERE v = ANY('{24:00-15:59,NULL,01:00+01}'::timetz[]) ORDER BY id$$),
  ('timetz', $$SELECT id, v FROM t_timetz WHERE v = ANY('{}'::timetz[]) ORDER BY id$$);

CREATE TABLE t_timestamp (id int, v timestamp);
INSERT INTO t_timestamp SELECT i, CASE WHEN i % 50 <> 0 THEN timestamp '2020-02-28' + (i % 500) * interval '1 hour' END FROM generate_series(1, 3000) i;
CREATE INDEX t_timestamp_v ON t_timestamp USING ixbloom (v);
INSERT INTO t_timestamp VALUES (10001, 'infinity'), (10002, '-infinity'), (10003, '2000-01-01 00:00:00'),
  (10004, '2000-01-01 00:00:00.000001'), (10005, '4713-01-01 00:00 BC'), (10006, NULL);
INSERT INTO q (typ, sql) VALUES
  ('timestamp', $$SELECT id, v FROM t_timestamp WHERE v = 'infinity'::timestamp ORDER BY id$$),
  ('timestamp', $$SELECT id, v FROM t_timestamp WHERE v = '-infinity'::timestamp ORDER BY id$$),
  ('timestamp', $$SELECT id, v FROM t_timestamp WHERE v = '2000-01-01'::timestamp ORDER BY id$$),
  ('timestamp', $$SELECT id, v FROM t_timestamp WHERE v = '2000-01-01 00:00:00.000001'::timestamp ORDER BY id$$),
  ('timestamp', $$SELECT id, v FROM t_timestamp WHERE v = '2020-02-29 05:00'::timestamp ORDER BY id$$),
  ('timestamp', $$SELECT id, v FROM t_timestamp WHERE v IS NULL ORDER BY id$$),
  ('timestamp', $$SELECT id, v FROM t_timestamp WHERE v = ANY('{4713-01-01 00:00 BC,NULL,2020-03-01 00:00}'::timestamp[]) ORDER BY id$$),
  ('timestamp', $$SELECT id, v FROM t_timestamp WHERE v = ANY('{}'::timestamp[]) ORDER BY id$$);

-- timestamptz: the same instant written in different time zones is equal.
CREATE TABLE t_timestamptz (id int, v timestamptz);
INSERT INTO t_timestamptz SELECT i, CASE WHEN i % 50 <> 0 THEN timestamptz '2024-03-10 00:00+00' + (i % 500) * interval '17 minutes' END
  FROM generate_series(1, 3000) i;
CREATE INDEX t_timestamptz_v ON t_timestamptz USING ixbloom (v);
INSERT INTO t_timestamptz VALUES (10001, '2024-03-10 12:00:00+00'), (10002, '2024-03-10 13:00:00+01'),
  (10003, '2024-03-10 08:00:00 America/New_York'), (10004, '2024-03-10 21:00:00 Asia/Tokyo'),
  (10005, 'infinity'), (10006, NULL), (10007, '2024-03-10 12:00:00.000001+00');
INSERT INTO q (typ, sql) VALUES
  ('timestamptz', $$SELECT id, v FROM t_timestamptz WHERE v = '2024-03-10 12:00:00+00'::timestamptz ORDER BY id$$),
  ('timestamptz', $$SELECT id, v FROM t_timestamptz WHERE v = '2024-03-10 04:00:00-08'::timestamptz ORDER BY id$$),
  ('timestamptz', $$SELECT id, v FROM t_timestamptz WHERE v = '2024-03-10 12:00:00.000001 Europe/London'::timestamptz ORDER BY id$$),
  ('timestamptz', $$SELECT id, v FROM t_timestamptz WHERE v = 'infinity'::timestamptz ORDER BY id$$),
  ('timestamptz', $$SELECT id, v FROM t_timestamptz WHERE v IS NULL ORDER BY id$$),
  ('timestamptz', $$SELECT id, v FROM t_timestamptz WHERE v = ANY('{2024-03-10 14:00+02,NULL}'::timestamptz[]) ORDER BY id$$),
  ('timestamptz', $$SELECT id, v FROM t_timestamptz WHERE v = ANY('{}'::timestamptz[]) ORDER BY id$$);

-- interval: '1 day' = '24 hours' and '1 mon' = '30 days'.
CREATE TABLE t_interval (id int, v interval);
INSERT INTO t_interval SELECT i, CASE WHEN i % 50 <> 0 THEN (i % 500) * interval '7 minutes' END FROM generate_series(1, 3000) i;
CREATE INDEX t_interval_v ON t_interval USING ixbloom (v);
INSERT INTO t_interval VALUES (10001, '1 day'), (10002, '24 hours'), (10003, '1440 minutes'), (10004, '1 mon'),
  (10005, '30 days'), (10006, '720 hours'), (10007, '0'), (10008, '-1 day 24 hours'), (10009, NULL);
INSERT INTO q (typ, sql) VALUES
  ('interval', $$SELECT id, v FROM t_interval WHERE v = '1 day'::interval ORDER BY id$$),
  ('interval', $$SELECT id, v FROM t_interval WHERE v = '86400 seconds'::interval ORDER BY id$$),
  ('interval', $$SELECT id, v FROM t_interval WHERE v = '1 mon'::interval ORDER BY id$$),
  ('interval', $$SELECT id, v FROM t_interval WHERE v = '0 seconds'::interval ORDER BY id$$),
  ('interval', $$SELECT id, v FROM t_interval WHERE v = '35 minutes'::interval ORDER BY id$$),
  ('interval', $$SELECT id, v FROM t_interval WHERE v IS NULL ORDER BY id$$),
  ('interval', $$SELECT id, v FROM t_interval WHERE v = ANY('{720 hours,NULL,1 hour 10 minutes}'::interval[]) ORDER BY id$$),
  ('interval', $$SELECT id, v FROM t_interval WHERE v = ANY('{}'::interval[]) ORDER BY id$$);

EXPLAIN (COSTS OFF) SELECT id, v FROM t_timestamptz WHERE v = '2024-03-10 12:00:00+00'::timestamptz ORDER BY id;
EXPLAIN (COSTS OFF) SELECT id, v FROM t_interval WHERE v = ANY('{720 hours,NULL}'::interval[]) ORDER BY id;
SELECT typ, sql, index_matches_seqscan(sql) FROM q WHERE typ IN ('date', 'time', 'timetz', 'timestamp', 'timestamptz', 'interval') ORDER BY n;
SELECT id, v FROM t_timestamptz WHERE v = '2024-03-10 05:00:00-07'::timestamptz ORDER BY id;
SELECT id, v FROM t_interval WHERE v = '24 hours'::interval ORDER BY id;
SELECT id, v FROM t_interval WHERE v = '30 days'::interval ORDER BY id;
SELECT id, v FROM t_timetz WHERE v = '12:00+00'::timetz ORDER BY id;

-- bool, oid, "char" ----------------------------------------------------------
CREATE TABLE t_bool (id int, v bool);
INSERT INTO t_bool SELECT i, CASE WHEN i % 50 <> 0 THEN i % 3 = 0 END FROM generate_series(1, 3000) i;
CREATE INDEX t_bool_v ON t_bool USING ixbloom (v);
INSERT INTO t_bool VALUES (10001, true), (10002, false), (10003, NULL);
INSERT INTO q (typ, sql) VALUES
  ('bool', $$SELECT id, v FROM t_bool WHERE v = ANY('{true}'::bool[]) ORDER BY id$$),
  ('bool', $$SELECT id, v FROM t_bool WHERE v = ANY('{false}'::bool[]) ORDER BY id$$),
  ('bool', $$SELECT id, v FROM t_bool WHERE v = ANY('{false,true}'::bool[]) ORDER BY id$$),
  ('bool', $$SELECT id, v FROM t_bool WHERE v IS NULL ORDER BY id$$),
  ('bool', $$SELECT id, v FROM t_bool WHERE v = ANY('{true,NULL}'::bool[]) ORDER BY id$$),
  ('bool', $$SELECT id, v FROM t_bool WHERE v = ANY('{}'::bool[]) ORDER BY id$$);

CREATE TABLE t_oid (id int, v oid);
INSERT INTO t_oid SELECT i, CASE WHEN i % 50 <> 0 THEN (i % 300)::oid END FROM generate_series(1, 3000) i;
CREATE INDEX t_oid_v ON t_oid USING ixbloom (v);
INSERT INTO t_oid VALUES (10001, 0), (10002, 4294967295), (10003, 2147483648), (10004, NULL);
INSERT INTO q (typ, sql) VALUES
  ('oid', $$SELECT id, v FROM t_oid WHERE v = 0::oid ORDER BY id$$),
  ('oid', $$SELECT id, v FROM t_oid WHERE v = 4294967295::oid ORDER BY id$$),
  ('oid', $$SELECT id, v FROM t_oid WHERE v = '-1'::oid ORDER BY id$$),
  ('oid', $$SELECT id, v FROM t_oid WHERE v = 2147483648::oid ORDER BY id$$),
  ('oid', $$SELECT id, v FROM t_oid WHERE v IS NULL ORDER BY id$$),
  ('oid', $$SELECT id, v FROM t_oid WHERE v = ANY('{1,2,NULL}'::oid[]) ORDER BY id$$),
  ('oid', $$SELECT id, v FROM t_oid WHERE v = ANY('{}'::oid[]) ORDER BY id$$);

CREATE TABLE t_char (id int, v "char");
INSERT INTO t_char SELECT i, CASE WHEN i % 50 <> 0 THEN chr(65 + i % 26)::"char" END FROM generate_series(1, 3000) i;
CREATE INDEX t_char_v ON t_char USING ixbloom (v);
INSERT INTO t_char VALUES (10001, ''), (10002, '\377'), (10003, 'a'), (10004, NULL);
INSERT INTO q (typ, sql) VALUES
  ('char', $$SELECT id, v FROM t_char WHERE v = ''::"char" ORDER BY id$$),
  ('char', $$SELECT id, v::int FROM t_char WHERE v = '\377'::"char" ORDER BY id$$),
  ('char', $$SELECT id, v FROM t_char WHERE v = 'a'::"char" ORDER BY id$$),
  ('char', $$SELECT id, v FROM t_char WHERE v = 'Q'::"char" ORDER BY id$$),
  ('char', $$SELECT id, v FROM t_char WHERE v IS NULL ORDER BY id$$),
  ('char', $$SELECT id, v FROM t_char WHERE v = ANY('{a,B,NULL}'::"char"[]) ORDER BY id$$),
  ('char', $$SELECT id, v FROM t_char WHERE v = ANY('{}'::"char"[]) ORDER BY id$$);

EXPLAIN (COSTS OFF) SELECT id, v FROM t_bool WHERE v = ANY('{false}'::bool[]) ORDER BY id;
-- The planner turns "v = true" into plain "v", which only the built-in
-- btree and hash boolean families can match to an index: like any other
-- index access method, ixbloom cannot serve it.
EXPLAIN (COSTS OFF) SELECT id, v FROM t_bool WHERE v = true ORDER BY id;
EXPLAIN (COSTS OFF) SELECT id, v FROM t_oid WHERE v = 0::oid ORDER BY id;
EXPLAIN (COSTS OFF) SELECT id, v FROM t_char WHERE v = 'a'::"char" ORDER BY id;
SELECT typ, sql, index_matches_seqscan(sql) FROM q WHERE typ IN ('bool', 'oid', 'char') ORDER BY n;

-- inet, cidr (inet_ops), macaddr, macaddr8 -----------------------------------
CREATE TABLE t_inet (id int, v inet);
INSERT INTO t_inet SELECT i, CASE WHEN i % 50 <> 0 THEN ('10.0.' || (i % 20) || '.' || (i % 250))::inet END FROM generate_series(1, 3000) i;
CREATE INDEX t_inet_v ON t_inet USING ixbloom (v);
INSERT INTO t_inet VALUES (10001, '10.0.0.1'), (10002, '10.0.0.1/8'), (10003, '10.0.0.1/32'), (10004, '::1'),
  (10005, '::ffff:10.0.0.1'), (10006, '0.0.0.0/0'), (10007, NULL);
INSERT INTO q (typ, sql) VALUES
  ('inet', $$SELECT id, v FROM t_inet WHERE v = '10.0.0.1'::inet ORDER BY id$$),
  ('inet', $$SELECT id, v FROM t_inet WHERE v = '10.0.0.1/8'::inet ORDER BY id$$),
  ('inet', $$SELECT id, v FROM t_inet WHERE v = '::1'::inet ORDER BY id$$),
  ('inet', $$SELECT id, v FROM t_inet WHERE v = '0.0.0.0/0'::inet ORDER BY id$$),
  ('inet', $$SELECT id, v FROM t_inet WHERE v IS NULL ORDER BY id$$),
  ('inet', $$SELECT id, v FROM t_inet WHERE v = ANY('{10.0.3.3,::ffff:10.0.0.1,NULL}'::inet[]) ORDER BY id$$),
  ('inet', $$SELECT id, v FROM t_inet WHERE v = ANY('{}'::inet[]) ORDER BY id$$);

CREATE TABLE t_cidr (id int, v cidr);
INSERT INTO t_cidr SELECT i, CASE WHEN i % 50 <> 0 THEN ('10.' || (i % 200) || '.0.0/16')::cidr END FROM generate_series(1, 3000) i;
CREATE INDEX t_cidr_v ON t_cidr USING ixbloom (v);
INSERT INTO t_cidr VALUES (10001, '10.0.0.0/8'), (10002, '10.0.0.0/16'), (10003, '10.0.0.0/32'), (10004, '::/0'), (10005, NULL);
SELECT opc.opcname FROM pg_index i JOIN pg_opclass opc ON opc.oid = i.indclass[0]
 WHERE i.indexrelid = 't_cidr_v'::regclass;
INSERT INTO q (typ, sql) VALUES
  ('cidr', $$SELECT id, v FROM t_cidr WHERE v = '10.0.0.0/8'::cidr ORDER BY id$$),
  ('cidr', $$SELECT id, v FROM t_cidr WHERE v = '10.0.0.0/16'::cidr ORDER BY id$$),
  ('cidr', $$SELECT id, v FROM t_cidr WHERE v = '10.0.0.0'::cidr ORDER BY id$$),
  ('cidr', $$SELECT id, v FROM t_cidr WHERE v = '::/0'::cidr ORDER BY id$$),
  ('cidr', $$SELECT id, v FROM t_cidr WHERE v IS NULL ORDER BY id$$),
  ('cidr', $$SELECT id, v FROM t_cidr WHERE v = ANY('{10.7.0.0/16,NULL}'::cidr[]) ORDER BY id$$),
  ('cidr', $$SELECT id, v FROM t_cidr WHERE v = ANY('{}'::cidr[]) ORDER BY id$$);

CREATE TABLE t_macaddr (id int, v macaddr);
INSERT INTO t_macaddr SELECT i, CASE WHEN i % 50 <> 0 THEN ('08:00:2b:01:' || lpad(to_hex(i % 256), 2, '0') || ':' || lpad(to_hex(i % 7), 2, '0'))::macaddr END
  FROM generate_series(1, 3000) i;
CREATE INDEX t_macaddr_v ON t_macaddr USING ixbloom (v);
INSERT INTO t_macaddr VALUES (10001, '08:00:2b:01:02:03'), (10002, '08002b010203'), (10003, '00:00:00:00:00:00'),
  (10004, 'ff:ff:ff:ff:ff:ff'), (10005, NULL);
INSERT INTO q (typ, sql) VALUES
  ('macaddr', $$SELECT id, v FROM t_macaddr WHERE v = '08-00-2B-01-02-03'::macaddr ORDER BY id$$),
  ('macaddr', $$SELECT id, v FROM t_macaddr WHERE v = '00:00:00:00:00:00'::macaddr ORDER BY id$$),
  ('macaddr', $$SELECT id, v FROM t_macaddr WHERE v = 'ffff.ffff.ffff'::macaddr ORDER BY id$$),
  ('macaddr', $$SELECT id, v FROM t_macaddr WHERE v IS NULL ORDER BY id$$),
  ('macaddr', $$SELECT id, v FROM t_macaddr WHERE v = ANY('{08:00:2b:01:0a:03,NULL}'::macaddr[]) ORDER BY id$$),
  ('macaddr', $$SELECT id, v FROM t_macaddr WHERE v = ANY('{}'::macaddr[]) ORDER BY id$$);

CREATE TABLE t_macaddr8 (id int, v macaddr8);
INSERT INTO t_macaddr8 SELECT i, CASE WHEN i % 50 <> 0 THEN ('08:00:2b:01:02:03:' || lpad(to_hex(i % 256), 2, '0') || ':' || lpad(to_hex(i % 7), 2, '0'))::macaddr8 END
  FROM generate_series(1, 3000) i;
CREATE INDEX t_macaddr8_v ON t_macaddr8 USING ixbloom (v);
INSERT INTO t_macaddr8 VALUES (10001, '08:00:2b:01:02:03:04:05'), (10002, '08:00:2b:01:02:03'), (10003, '08:00:2b:ff:fe:01:02:03'),
  (10004, '00:00:00:00:00:00:00:00'), (10005, NULL);
INSERT INTO q (typ, sql) VALUES
  ('macaddr8', $$SELECT id, v FROM t_macaddr8 WHERE v = '0800.2b01.0203.0405'::macaddr8 ORDER BY id$$),
  ('macaddr8', $$SELECT id, v FROM t_macaddr8 WHERE v = '08:00:2b:01:02:03'::macaddr::macaddr8 ORDER BY id$$),
  ('macaddr8', $$SELECT id, v FROM t_macaddr8 WHERE v = '00:00:00:00:00:00:00:00'::macaddr8 ORDER BY id$$),
  ('macaddr8', $$SELECT id, v FROM t_macaddr8 WHERE v IS NULL ORDER BY id$$),
  ('macaddr8', $$SELECT id, v FROM t_macaddr8 WHERE v = ANY('{08:00:2b:01:02:03:0a:03,NULL}'::macaddr8[]) ORDER BY id$$),
  ('macaddr8', $$SELECT id, v FROM t_macaddr8 WHERE v = ANY('{}'::macaddr8[]) ORDER BY id$$);

EXPLAIN (COSTS OFF) SELECT id, v FROM t_cidr WHERE v = '10.0.0.0/8'::cidr ORDER BY id;
EXPLAIN (COSTS OFF) SELECT id, v FROM t_macaddr8 WHERE v = '08:00:2b:01:02:03:04:05'::macaddr8 ORDER BY id;
SELECT typ, sql, index_matches_seqscan(sql) FROM q WHERE typ IN ('inet', 'cidr', 'macaddr', 'macaddr8') ORDER BY n;

-- pg_lsn ---------------------------------------------------------------------
CREATE TABLE t_pg_lsn (id int, v pg_lsn);
INSERT INTO t_pg_lsn SELECT i, CASE WHEN i % 50 <> 0 THEN ('0/' || to_hex(i % 500 * 4096))::pg_lsn END FROM generate_series(1, 3000) i;
CREATE INDEX t_pg_lsn_v ON t_pg_lsn USING ixbloom (v);
INSERT INTO t_pg_lsn VALUES (10001, '0/0'), (10002, 'FFFFFFFF/FFFFFFFF'), (10003, '16/B374D848'), (10004, '1/0'), (10005, NULL);
INSERT INTO q (typ, sql) VALUES
  ('pg_lsn', $$SELECT id, v FROM t_pg_lsn WHERE v = '0/0'::pg_lsn ORDER BY id$$),
  ('pg_lsn', $$SELECT id, v FROM t_pg_lsn WHERE v = 'ffffffff/ffffffff'::pg_lsn ORDER BY id$$),
  ('pg_lsn', $$SELECT id, v FROM t_pg_lsn WHERE v = '16/B374D848'::pg_lsn ORDER BY id$$),
  ('pg_lsn', $$SELECT id, v FROM t_pg_lsn WHERE v = '1/0'::pg_lsn ORDER BY id$$),
  ('pg_lsn', $$SELECT id, v FROM t_pg_lsn WHERE v IS NULL ORDER BY id$$),
  ('pg_lsn', $$SELECT id, v FROM t_pg_lsn WHERE v = ANY('{0/1000,0/2000,NULL}'::pg_lsn[]) ORDER BY id$$),
  ('pg_lsn', $$SELECT id, v FROM t_pg_lsn WHERE v = ANY('{}'::pg_lsn[]) ORDER BY id$$);

EXPLAIN (COSTS OFF) SELECT id, v FROM t_pg_lsn WHERE v = '0/0'::pg_lsn ORDER BY id;
SELECT typ, sql, index_matches_seqscan(sql) FROM q WHERE typ = 'pg_lsn' ORDER BY n;

-- jsonb: key order and duplicate keys do not matter, 1.0 = 1 -----------------
CREATE TABLE t_jsonb (id int, v jsonb);
INSERT INTO t_jsonb SELECT i, CASE WHEN i % 50 <> 0 THEN jsonb_build_object('k', i % 300, 'tag', 't' || (i % 7)) END FROM generate_series(1, 3000) i;
CREATE INDEX t_jsonb_v ON t_jsonb USING ixbloom (v);
INSERT INTO t_jsonb VALUES (10001, '{"a": 1, "b": 2}'), (10002, '{"b": 2, "a": 1}'), (10003, '{"a": 1.0, "b": 2.00}'),
  (10004, '{"a": 0, "a": 1, "b": 2}'), (10005, 'null'), (10006, '[]'), (10007, '{}'), (10008, '[1, 2]'), (10009, '[2, 1]'),
  (10010, '"a"'), (10011, NULL), (10012, '{"x": {"y": [1, {"z": null}]}}');
INSERT INTO q (typ, sql) VALUES
  ('jsonb', $$SELECT id, v FROM t_jsonb WHERE v = '{"b": 2, "a": 1}'::jsonb ORDER BY id$$),
  ('jsonb', $$SELECT id, v FROM t_jsonb WHERE v = 'null'::jsonb ORDER BY id$$),
  ('jsonb', $$SELECT id, v FROM t_jsonb WHERE v = '[]'::jsonb ORDER BY id$$),
  ('jsonb', $$SELECT id, v FROM t_jsonb WHERE v = '{}'::jsonb ORDER BY id$$),
  ('jsonb', $$SELECT id, v FROM t_jsonb WHERE v = '[2, 1]'::jsonb ORDER BY id$$),
  ('jsonb', $$SELECT id, v FROM t_jsonb WHERE v = '{"x":{"y":[1,{"z":null}]}}'::jsonb ORDER BY id$$),
  ('jsonb', $$SELECT id, v FROM t_jsonb WHERE v = '{"tag": "t3", "k": 10}'::jsonb ORDER BY id$$),
  ('jsonb', $$SELECT id, v FROM t_jsonb WHERE v IS NULL ORDER BY id$$),
  ('jsonb', $$SELECT id, v FROM t_jsonb WHERE v = ANY(ARRAY['"a"', NULL, '[1,2]']::jsonb[]) ORDER BY id$$),
  ('jsonb', $$SELECT id, v FROM t_jsonb WHERE v = ANY('{}'::jsonb[]) ORDER BY id$$);

EXPLAIN (COSTS OFF) SELECT id, v FROM t_jsonb WHERE v = '{"b": 2, "a": 1}'::jsonb ORDER BY id;
SELECT typ, sql, index_matches_seqscan(sql) FROM q WHERE typ = 'jsonb' ORDER BY n;
SELECT id, v FROM t_jsonb WHERE v = '{"b": 2.0, "a": 1}'::jsonb ORDER BY id;

-- Every default opclass is covered above.
SELECT opc.opcname, opc.opcintype::regtype
  FROM pg_opclass opc
 WHERE opc.opcmethod = (SELECT oid FROM pg_am WHERE amname = 'ixbloom')
   AND NOT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                    WHERE c.relnamespace = 'ixb_opc'::regnamespace AND opc.oid = ANY(i.indclass));

-- VACUUM folds every insert buffer into a bit-sliced group; the edge values
-- now come from the groups.  Every query again: only mismatches are listed.
VACUUM;
SELECT typ, sql, index_matches_seqscan(sql) AS result FROM q WHERE index_matches_seqscan(sql) NOT LIKE 'same%' ORDER BY n;
SELECT count(*) AS queries FROM q;

-- A fresh build over all rows (edge values in groups from the start).
REINDEX SCHEMA ixb_opc;
SELECT typ, sql, index_matches_seqscan(sql) AS result FROM q WHERE index_matches_seqscan(sql) NOT LIKE 'same%' ORDER BY n;

-- The operator classes are valid.
SELECT opcname, amvalidate(oid) FROM pg_opclass WHERE opcmethod = (SELECT oid FROM pg_am WHERE amname='ixbloom') ORDER BY 1;

-- User-defined operator classes on a domain with its own equality operator
-- and hash function, so that they never clash with the default ones.
CREATE DOMAIN ixb_dom AS int4;
-- (plpgsql, so that the planner does not inline the operator away)
CREATE FUNCTION ixb_dom_eq(ixb_dom, ixb_dom) RETURNS bool LANGUAGE plpgsql IMMUTABLE STRICT
  AS 'BEGIN RETURN $1::int4 = $2::int4; END';
CREATE OPERATOR === (LEFTARG = ixb_dom, RIGHTARG = ixb_dom, FUNCTION = ixb_dom_eq);
-- (It hashes only the last digit: 2, 12 and 22 collide, the recheck sorts them out.)
CREATE FUNCTION ixb_dom_hash(ixb_dom) RETURNS int4 LANGUAGE sql IMMUTABLE STRICT
  AS 'SELECT hashint4($1::int4 % 10)';
CREATE FUNCTION ixb_dom_bad_hash(ixb_dom) RETURNS bool LANGUAGE sql IMMUTABLE STRICT
  AS 'SELECT $1::int4 > 0';
CREATE FUNCTION ixb_dom_hash2(ixb_dom, int4) RETURNS int4 LANGUAGE sql IMMUTABLE STRICT
  AS 'SELECT hashint4($1::int4 + $2)';

-- A well-formed one is valid and usable.
CREATE OPERATOR CLASS ixb_dom_ok FOR TYPE ixb_dom USING ixbloom AS
    OPERATOR 1 ===(ixb_dom, ixb_dom),
    FUNCTION 1 ixb_dom_hash(ixb_dom);
SELECT amvalidate(oid) FROM pg_opclass WHERE opcname = 'ixb_dom_ok';
CREATE TABLE t_dom (id int, v ixb_dom);
INSERT INTO t_dom SELECT i, CASE WHEN i % 50 <> 0 THEN i % 100 END FROM generate_series(1, 1000) i;
CREATE INDEX t_dom_v ON t_dom USING ixbloom (v ixb_dom_ok);
SELECT index_matches_seqscan($$SELECT id FROM t_dom WHERE v === 42::ixb_dom ORDER BY id$$);
SELECT index_matches_seqscan($$SELECT id FROM t_dom WHERE v IS NULL ORDER BY id$$);

-- Malformed ones: amvalidate reports each problem (as INFO) and says false.
-- Support function 1 returns bool instead of integer:
CREATE OPERATOR CLASS ixb_dom_bad_ret FOR TYPE ixb_dom USING ixbloom AS
    OPERATOR 1 ===(ixb_dom, ixb_dom),
    FUNCTION 1 ixb_dom_bad_hash(ixb_dom);
SELECT amvalidate(oid) FROM pg_opclass WHERE opcname = 'ixb_dom_bad_ret';
-- Support function 1 takes two arguments:
CREATE OPERATOR CLASS ixb_dom_bad_args FOR TYPE ixb_dom USING ixbloom AS
    OPERATOR 1 ===(ixb_dom, ixb_dom),
    FUNCTION 1 ixb_dom_hash2(ixb_dom, int4);
SELECT amvalidate(oid) FROM pg_opclass WHERE opcname = 'ixb_dom_bad_args';
-- No support function at all:
CREATE OPERATOR CLASS ixb_dom_no_hash FOR TYPE ixb_dom USING ixbloom AS
    OPERATOR 1 ===(ixb_dom, ixb_dom);
SELECT amvalidate(oid) FROM pg_opclass WHERE opcname = 'ixb_dom_no_hash';
-- No equality operator:
CREATE OPERATOR CLASS ixb_dom_no_eq FOR TYPE ixb_dom USING ixbloom AS
    FUNCTION 1 ixb_dom_hash(ixb_dom);
SELECT amvalidate(oid) FROM pg_opclass WHERE opcname = 'ixb_dom_no_eq';
-- Strategy 2 and support function 2 do not exist: rejected at once.
CREATE OPERATOR CLASS ixb_dom_bad_strategy FOR TYPE ixb_dom USING ixbloom AS
    OPERATOR 2 ===(ixb_dom, ixb_dom),
    FUNCTION 1 ixb_dom_hash(ixb_dom);
CREATE OPERATOR CLASS ixb_dom_bad_support FOR TYPE ixb_dom USING ixbloom AS
    OPERATOR 1 ===(ixb_dom, ixb_dom),
    FUNCTION 2 ixb_dom_hash(ixb_dom);
-- Opclasses with problems are usable only as far as they go: without
-- function 1 an index cannot be built.
CREATE INDEX t_dom_nohash ON t_dom USING ixbloom (v ixb_dom_no_hash);

-- A support function 1 that takes another type than the indexed one must
-- be reported (calling hashtext on an int4 Datum would crash the server;
-- the index is not built here).
CREATE OPERATOR CLASS ixb_dom_wrong_arg FOR TYPE ixb_dom USING ixbloom AS
    OPERATOR 1 ===(ixb_dom, ixb_dom),
    FUNCTION 1 hashtext(text);
SELECT amvalidate(oid) FROM pg_opclass WHERE opcname = 'ixb_dom_wrong_arg';

-- An error raised by the hash function (at build, insert or scan) comes
-- out as itself, and the session goes on.
CREATE FUNCTION ixb_dom_hash_unlucky(ixb_dom) RETURNS int4 LANGUAGE plpgsql IMMUTABLE STRICT AS $$
BEGIN
  IF $1 = 13 THEN
    RAISE EXCEPTION 'ixb_dom_hash_unlucky: no hash for %', $1;
  END IF;
  RETURN hashint4($1);
END $$;
CREATE OPERATOR CLASS ixb_dom_unlucky FOR TYPE ixb_dom USING ixbloom AS
    OPERATOR 1 ===(ixb_dom, ixb_dom),
    FUNCTION 1 ixb_dom_hash_unlucky(ixb_dom);
CREATE TABLE t_unlucky (id int, v ixb_dom);
INSERT INTO t_unlucky SELECT i, i FROM generate_series(1, 20) i;
CREATE INDEX t_unlucky_v ON t_unlucky USING ixbloom (v ixb_dom_unlucky);
DELETE FROM t_unlucky WHERE v = 13;
CREATE INDEX t_unlucky_v ON t_unlucky USING ixbloom (v ixb_dom_unlucky);
INSERT INTO t_unlucky VALUES (21, 12), (22, 13);
INSERT INTO t_unlucky VALUES (23, 14);
SELECT id FROM t_unlucky WHERE v === 13::ixb_dom;
SELECT id FROM t_unlucky WHERE v === 14::ixb_dom ORDER BY id;
SELECT index_matches_seqscan($$SELECT id FROM t_unlucky WHERE v === 12::ixb_dom ORDER BY id$$);

-- A cross-type family, shaped like the hash opfamily float_ops: float8
-- column, operators float8 = float8 and float8 = float4, and a hash
-- function for each type (hashfloat4 and hashfloat8 agree on equal values).
-- A float4 key must be hashed with the float4 function (before 3226ed1
-- the scan used the column's hashfloat8 and the index missed every row).
CREATE OPERATOR CLASS ixb_float8_cross FOR TYPE float8 USING ixbloom AS
    OPERATOR 1 =(float8, float8),
    OPERATOR 1 =(float8, float4),
    FUNCTION 1 hashfloat8(float8),
    FUNCTION 1 (float4, float4) hashfloat4(float4);
SELECT amvalidate(oid) FROM pg_opclass WHERE opcname = 'ixb_float8_cross';
CREATE TABLE t_cross (id int, v float8);
INSERT INTO t_cross SELECT i, i / 4.0 FROM generate_series(1, 2000) i;
CREATE INDEX t_cross_v ON t_cross USING ixbloom (v ixb_float8_cross);
EXPLAIN (COSTS OFF) SELECT id FROM t_cross WHERE v = 1.5::float4 ORDER BY id;
SELECT index_matches_seqscan($$SELECT id FROM t_cross WHERE v = 1.5::float4 ORDER BY id$$);
SELECT index_matches_seqscan($$SELECT id FROM t_cross WHERE v = ANY('{0.25,100,NaN}'::float4[]) ORDER BY id$$);
SELECT index_matches_seqscan($$SELECT id FROM t_cross WHERE v = 1.5::float8 ORDER BY id$$);

SET client_min_messages = warning;
DROP SCHEMA ixb_opc CASCADE;
RESET client_min_messages;
