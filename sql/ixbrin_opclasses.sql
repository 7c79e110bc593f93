-- ixbrin: every operator class (minmax, minmax-multi, bloom), with edge
-- values and NULLs.  Every condition runs once through the ixbrin index
-- and once by sequential scan (index_matches_seqscan, from ixpack_test);
-- ORDER BY ... LIMIT queries run through the ordered scan (Index Scan) and
-- must give the same rows in the same order.  The output is a count per
-- column and operator class: queries, rows matched (so that the queries are
-- not vacuous) and mismatches, with the first mismatch if any.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ixbrin;
CREATE EXTENSION IF NOT EXISTS ixpack_test;
RESET client_min_messages;

SET jit = off;
CREATE SCHEMA ixr_opc;
SET search_path = ixr_opc, ixpack_test, public;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET IntervalStyle = 'postgres';
SET extra_float_digits = 0;

-- One column per type; low fillfactor and one page per range, so that
-- there are many ranges.  Every 17th row has NULLs.
CREATE TABLE opc (
  id int, i2 int2, i4 int4, i8 int8, f4 float4, f8 float8, num numeric,
  txt text, txt_sv text COLLATE "sv-x-icu", vc varchar(12), bp char(3),
  dt date, tm time, ttz timetz, ts timestamp, tstz timestamptz, iv interval,
  uid uuid, o oid, ip inet, ba bytea, b bool, ch "char", nm name, mac macaddr
) WITH (fillfactor = 10, autovacuum_enabled = off);

CREATE FUNCTION opc_rows(first int, n int) RETURNS SETOF opc LANGUAGE sql AS $$
  SELECT i,
    CASE WHEN i % 17 <> 0 THEN (i * 37 % 2001 - 1000)::int2 END,
    CASE WHEN i % 17 <> 0 THEN i * 7919 % 100003 - 50000 END,
    CASE WHEN i % 17 <> 0 THEN (i::int8 * 7919 % 100003 - 50000) * 100000007 END,
    CASE WHEN i % 17 <> 0 THEN ((i * 31 % 997) - 498)::float4 / 7 END,
    CASE WHEN i % 17 <> 0 THEN ((i * 31 % 997) - 498)::float8 / 7 END,
    CASE WHEN i % 17 <> 0 THEN round(((i * 53 % 1009) - 504)::numeric / 3, 1 + i % 3) END,
    CASE WHEN i % 17 <> 0 THEN chr(97 + i % 26) || (i * 13 % 97)::text END,
    CASE WHEN i % 17 <> 0 THEN (ARRAY['a','z','å','ä','ö','o','A','Z','Å','aa'])[1 + i % 10] || (i % 7)::text END,
    CASE WHEN i % 17 <> 0 THEN 'v' || (i * 11 % 89)::text END,
    CASE WHEN i % 17 <> 0 THEN chr(65 + i % 26) || chr(65 + i * 3 % 26) END,
    CASE WHEN i % 17 <> 0 THEN date '2000-01-01' + (i * 97 % 3001) END,
    CASE WHEN i % 17 <> 0 THEN time '00:00' + (i * 397 % 86400) * interval '1 second' END,
    CASE WHEN i % 17 <> 0 THEN (time '00:00' + (i * 397 % 86400) * interval '1 second')::timetz END,
    CASE WHEN i % 17 <> 0 THEN timestamp '2000-01-01' + (i * 7919 % 100003) * interval '1 hour' END,
    CASE WHEN i % 17 <> 0 THEN timestamptz '2000-01-01 00:00+00' + (i * 7919 % 100003) * interval '1 minute' END,
    CASE WHEN i % 17 <> 0 THEN (i * 13 % 400) * interval '1 day' + (i % 24) * interval '1 hour' END,
    CASE WHEN i % 17 <> 0 THEN md5((i * 7 % 500)::text)::uuid END,
    CASE WHEN i % 17 <> 0 THEN (i * 101 % 4001)::oid END,
    CASE WHEN i % 17 <> 0 THEN ('10.' || (i % 4) || '.' || (i * 7 % 256) || '.' || (i * 3 % 256))::inet END,
    CASE WHEN i % 17 <> 0 THEN decode(md5(i::text), 'hex') END,
    CASE WHEN i % 17 <> 0 THEN i % 3 = 0 END,
    CASE WHEN i % 17 <> 0 THEN chr(97 + i % 20)::"char" END,
    CASE WHEN i % 17 <> 0 THEN ('n' || (i * 17 % 300))::name END,
    CASE WHEN i % 17 <> 0 THEN ('08:00:2b:01:' || to_hex(16 + i % 200) || ':' || to_hex(16 + i * 7 % 200))::macaddr END
  FROM generate_series(first, first + n - 1) i $$;

-- Edge values, inserted after the index is built (into summarized ranges
-- and into new ones), and part of the later builds.
CREATE FUNCTION insert_edges() RETURNS void LANGUAGE sql AS $$
  INSERT INTO opc (id, i2, i4, i8, f4, f8, num, txt, txt_sv, vc, bp, dt, tm, ttz, ts, tstz, iv, uid, o, ip, ba, b, ch, nm, mac) VALUES
  (9001, -32768, -2147483648, -9223372036854775808, '-Infinity', '-Infinity', '-Infinity', '', '', '', '', '-infinity', '00:00', '00:00+14', '-infinity', '-infinity', '-178000000 years', '00000000-0000-0000-0000-000000000000', 0, '0.0.0.0/0', '', false, '\001', '', '00:00:00:00:00:00'),
  (9002, 32767, 2147483647, 9223372036854775807, 'Infinity', 'Infinity', 'Infinity', repeat('~', 40), 'öööö', 'zzzzzzzzzzzz', 'zzz', 'infinity', '24:00', '24:00-12', 'infinity', 'infinity', '178000000 years', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 4294967295, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '\xffffffff', true, '\377', repeat('z', 63), 'ff:ff:ff:ff:ff:ff'),
  (9003, 0, 0, 0, 'NaN', 'NaN', 'NaN', 'a', 'å', 'a', 'a', '2000-01-01', '12:00', '12:00+00', '2000-01-01', '2000-01-01 00:00+00', '0', '00000000-0000-0000-0000-000000000001', 1, '::1', '\x00', true, 'a', 'a', '08:00:2b:01:02:03'),
  (9004, -1, -1, -1, '-0', '-0', '-0.000', 'A', 'Å', 'A', 'A ', '1999-12-31', '23:59:59.999999', '12:00+01', '1999-12-31 23:59:59.999999', '1999-12-31 23:59:59.999999+00', '-1 day', '7fffffff-ffff-ffff-ffff-ffffffffffff', 2147483648, '10.0.0.0/8', '\x0000', false, 'A', 'A', '08:00:2b:01:02:04'),
  (9005, 1, 1, 1, '0', '0', '0', 'a ', 'z', 'a ', 'a  ', '2000-01-02', '00:00:00.000001', '12:00-01', '2000-01-01 00:00:00.000001', '2000-01-01 00:00:00.000001+00', '1 mon', '80000000-0000-0000-0000-000000000000', 2, '10.0.0.1', '\x01', true, 'b', 'b', '08:00:2b:01:02:05'),
  (9006, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
$$;

-- The literals each column's conditions use: edge values, values from the
-- data, values between them, absent ones, and other types of the same
-- operator family (cross-type operators).
CREATE TABLE vals (col text, lit text);
INSERT INTO vals VALUES
  ('i2', '''-32768''::int2'), ('i2', '32767::int2'), ('i2', '0::int2'), ('i2', '-1::int2'), ('i2', '500::int2'),
  ('i2', '500::int4'), ('i2', '40000::int4'), ('i2', '-40000::int8'), ('i2', '7::int8'),
  ('i4', '''-2147483648''::int4'), ('i4', '2147483647'), ('i4', '0'), ('i4', '12345'), ('i4', '-7::int2'),
  ('i4', '3000000000::int8'), ('i4', '-1::int8'),
  ('i8', '''-9223372036854775808''::int8'), ('i8', '9223372036854775807::int8'), ('i8', '0::int8'),
  ('i8', '100000007::int8'), ('i8', '2147483647::int4'), ('i8', '-1::int2'),
  ('f4', '''NaN''::float4'), ('f4', '''Infinity''::float4'), ('f4', '''-Infinity''::float4'), ('f4', '''-0''::float4'),
  ('f4', '0::float4'), ('f4', '3.5::float4'), ('f4', '''NaN''::float8'), ('f4', '0.1::float8'), ('f4', '1e300::float8'),
  ('f8', '''NaN''::float8'), ('f8', '''Infinity''::float8'), ('f8', '''-Infinity''::float8'), ('f8', '''-0''::float8'),
  ('f8', '0::float8'), ('f8', '-12.5::float8'), ('f8', '''NaN''::float4'), ('f8', '3.5::float4'),
  ('num', '''NaN''::numeric'), ('num', '''Infinity''::numeric'), ('num', '''-Infinity''::numeric'), ('num', '0.00'),
  ('num', '-0'), ('num', '12.3'), ('num', '12.30'), ('num', '-100.5'),
  ('txt', ''''''), ('txt', '''a'''), ('txt', '''a '''), ('txt', '''A'''), ('txt', '''m50'''), ('txt', '''~'''), ('txt', '''zzz'''),
  ('txt_sv', ''''''), ('txt_sv', '''z'''), ('txt_sv', '''å'''), ('txt_sv', '''ä3'''), ('txt_sv', '''Å'''), ('txt_sv', '''aa'''), ('txt_sv', '''o'''),
  ('vc', ''''''), ('vc', '''a'''), ('vc', '''v5'''), ('vc', '''v50'''), ('vc', '''zzzzzzzzzzzz'''),
  ('bp', '''a''::bpchar'), ('bp', '''A''::bpchar'), ('bp', '''MM''::bpchar'), ('bp', '''''::bpchar'), ('bp', '''zzz''::bpchar'),
  ('dt', '''-infinity''::date'), ('dt', '''infinity''::date'), ('dt', '''2000-01-01''::date'), ('dt', '''2004-06-30''::date'),
  ('dt', '''2000-01-01 12:00''::timestamp'), ('dt', '''2003-01-01 00:00+00''::timestamptz'), ('dt', '''infinity''::timestamp'),
  ('tm', '''00:00''::time'), ('tm', '''24:00''::time'), ('tm', '''12:00''::time'), ('tm', '''13:14:15''::time'),
  ('ttz', '''00:00+14''::timetz'), ('ttz', '''12:00+00''::timetz'), ('ttz', '''12:00+01''::timetz'), ('ttz', '''11:00+00''::timetz'), ('ttz', '''24:00-12''::timetz'),
  ('ts', '''-infinity''::timestamp'), ('ts', '''infinity''::timestamp'), ('ts', '''2000-01-01''::timestamp'), ('ts', '''2005-06-01 13:00''::timestamp'),
  ('ts', '''2000-01-01''::date'), ('ts', '''2005-06-01 13:00+00''::timestamptz'), ('ts', '''infinity''::date'),
  ('tstz', '''-infinity''::timestamptz'), ('tstz', '''infinity''::timestamptz'), ('tstz', '''2000-01-01 00:00+00''::timestamptz'),
  ('tstz', '''2000-02-10 00:00+00''::timestamptz'), ('tstz', '''2000-01-01''::date'), ('tstz', '''2000-02-10 00:00''::timestamp'),
  ('iv', '''0''::interval'), ('iv', '''1 mon''::interval'), ('iv', '''30 days''::interval'), ('iv', '''-178000000 years''::interval'), ('iv', '''100 days 5 hours''::interval'),
  ('uid', '''00000000-0000-0000-0000-000000000000''::uuid'), ('uid', '''ffffffff-ffff-ffff-ffff-ffffffffffff''::uuid'),
  ('uid', '''80000000-0000-0000-0000-000000000000''::uuid'), ('uid', 'md5(''7'')::uuid'),
  ('o', '0::oid'), ('o', '4294967295::oid'), ('o', '2147483648::oid'), ('o', '2000::oid'),
  ('ip', '''0.0.0.0/0''::inet'), ('ip', '''10.0.0.0/8''::inet'), ('ip', '''10.2.14.42''::inet'), ('ip', '''::1''::inet'),
  ('ip', '''10.1.7.3''::inet'), ('ip', '''10.3.0.0/16''::cidr'),
  ('ba', '''''::bytea'), ('ba', '''\x00''::bytea'), ('ba', '''\x80''::bytea'), ('ba', '''\xffffffff''::bytea'), ('ba', 'decode(md5(''42''), ''hex'')'),
  ('b', 'true'), ('b', 'false'),
  ('ch', '''a''::"char"'), ('ch', '''\001''::"char"'), ('ch', '''\377''::"char"'), ('ch', '''m''::"char"'),
  ('nm', '''''::name'), ('nm', '''n150''::name'), ('nm', '''a''::name'), ('nm', 'repeat(''z'', 63)::name'),
  ('mac', '''00:00:00:00:00:00''::macaddr'), ('mac', '''ff:ff:ff:ff:ff:ff''::macaddr'), ('mac', '''08:00:2b:01:20:30''::macaddr'),
  ('mac', '''08:00:2b:01:02:03''::macaddr');

-- Every condition on a column: each btree operator with each literal,
-- IS [NOT] NULL, = ANY with a NULL element and with none.
-- (A boolean column's "b = true" is planned as "b", which no index but
-- btree's boolean family matches, as with BRIN: b's equality is left out.
-- Bloom classes of date, timestamp and timestamptz have no cross-type
-- operators, their hashes disagreeing: `datetime_cross` leaves those out.)
CREATE FUNCTION conditions(c text, datetime_cross bool) RETURNS SETOF text LANGUAGE sql AS $$
  WITH lits AS (
    SELECT lit FROM vals
     WHERE col = c
       AND (datetime_cross OR col NOT IN ('dt', 'ts', 'tstz')
            OR lit ~ ('::' || CASE col WHEN 'dt' THEN 'date' WHEN 'ts' THEN 'timestamp$' ELSE 'timestamptz' END)))
  SELECT format('%I %s %s', c, op, lit) FROM lits, unnest('{<,<=,=,>=,>}'::text[]) op WHERE NOT (c = 'b' AND op = '=')
  UNION ALL SELECT format('%I IS NULL', c)
  UNION ALL SELECT format('%I IS NOT NULL', c)
  UNION ALL SELECT format('%I = ANY(ARRAY[%s, NULL])', c, string_agg(lit, ', ')) FROM lits
  UNION ALL SELECT format('%I <> ALL(ARRAY[%s]) AND %I > %s', c, min(lit), c, max(lit)) FROM lits $$;

-- Run every condition on column c through the index (a bitmap scan), and
-- ordered queries through an ordered scan: no condition, each operator
-- with a middle literal, ASC and DESC (NULLS FIRST/LAST and DESC index
-- columns: ixbrin_order).
CREATE FUNCTION check_column(c text, ordered bool, datetime_cross bool, OUT queries int, OUT matched bigint, OUT mismatches int,
                             OUT first_mismatch text) LANGUAGE plpgsql AS $$
DECLARE
  cond text;
  q text;
  r text;
  lit text;
BEGIN
  queries := 0; matched := 0; mismatches := 0;
  FOR cond IN SELECT conditions(c, datetime_cross) LOOP
    q := format('SELECT id FROM opc WHERE %s ORDER BY id', cond);
    r := index_matches_seqscan(q);
    queries := queries + 1;
    IF r LIKE 'same (%' THEN
      matched := matched + substring(r FROM 'same \((\d+) rows')::bigint;
    ELSE
      mismatches := mismatches + 1;
      first_mismatch := coalesce(first_mismatch, q || ': ' || r);
    END IF;
  END LOOP;
  IF ordered THEN
    SELECT v.lit INTO lit FROM vals v WHERE col = c ORDER BY v.lit
     LIMIT 1 OFFSET (SELECT count(*) / 2 FROM vals w WHERE w.col = c);
    FOR cond IN SELECT unnest(ARRAY['true', format('%I IS NOT NULL', c), format('%I IS NULL', c)])
                UNION ALL SELECT format('%I %s %s', c, op, lit) FROM unnest('{<,<=,=,>=,>}'::text[]) op
                 WHERE NOT (c = 'b' AND op = '=') LOOP
      FOR q IN SELECT format('SELECT %I, id FROM opc WHERE %s ORDER BY %I %s, id LIMIT 25', c, cond, c, dir)
                 FROM unnest('{ASC, DESC}'::text[]) dir LOOP
        r := index_matches_seqscan(q, 'Index Scan');
        queries := queries + 1;
        IF r LIKE 'same (%' THEN
          matched := matched + substring(r FROM 'same \((\d+) rows')::bigint;
        ELSE
          mismatches := mismatches + 1;
          first_mismatch := coalesce(first_mismatch, q || ': ' || r);
        END IF;
      END LOOP;
    END LOOP;
  END IF;
END $$;

-- Every operator class of the column's type that exists for ixbrin, in
-- turn: a one-column index, built over everything, checked, dropped.
CREATE FUNCTION check_opclasses() RETURNS TABLE (col text, opclass text, queries int, matched bigint,
                                                   mismatches int, first_mismatch text) LANGUAGE plpgsql AS $$
DECLARE
  r record;
  x record;
BEGIN
  FOR r IN SELECT a.attname::text AS c, oc.opcname::text AS opc
             FROM pg_attribute a
             JOIN pg_opclass oc ON oc.opcmethod = (SELECT oid FROM pg_am WHERE amname = 'ixbrin')
                               AND (oc.opcintype = a.atttypid
                                    OR (a.atttypid = 'varchar'::regtype AND oc.opcintype = 'text'::regtype))
            WHERE a.attrelid = 'opc'::regclass AND a.attnum > 1
            ORDER BY a.attnum, oc.opcname LOOP
    EXECUTE format('CREATE INDEX opc_one ON opc USING ixbrin (%I %I) WITH (pages_per_range = 1)', r.c, r.opc);
    -- (bloom first columns have no order to give: the ordered scan reads
    -- everything first; checked once, on a small scale, in ixbrin_order)
    x := check_column(r.c, r.opc NOT LIKE '%bloom%', r.opc NOT LIKE '%bloom%');
    DROP INDEX opc_one;
    col := r.c; opclass := r.opc; queries := x.queries; matched := x.matched; mismatches := x.mismatches;
    first_mismatch := x.first_mismatch;
    RETURN NEXT;
  END LOOP;
END $$;

INSERT INTO opc SELECT * FROM opc_rows(1, 400);

-- All columns in one index, built over the data; the edge values come after.
CREATE INDEX opc_all ON opc USING ixbrin (i2, i4, i8, f4, f8, num, txt, txt_sv, vc, bp, dt, tm, ttz, ts, tstz, iv,
                                            uid, o, ip, ba, b, ch, nm, mac) WITH (pages_per_range = 2);
SELECT insert_edges();
SELECT count(*) AS rows, pg_relation_size('opc') / current_setting('block_size')::int AS heap_pages FROM opc;

-- Every column's conditions through the all-columns index.
SELECT a.attname AS col, x.*
  FROM pg_attribute a, LATERAL check_column(a.attname, false, true) x
 WHERE a.attrelid = 'opc'::regclass AND a.attnum > 1
 ORDER BY a.attnum;

-- Every operator class on its own, ordered scans included (built after
-- the edge values).
DROP INDEX opc_all;
SELECT * FROM check_opclasses();

-- What the summaries hold for edge values: the last range has the rows
-- inserted last.
CREATE INDEX opc_f8 ON opc USING ixbrin (f8, num, ts) WITH (pages_per_range = 1000);
SELECT range, first_block, state, in_order, has_nulls, summaries FROM ixbrin_ranges('opc_f8');
CREATE INDEX opc_f8_multi ON opc USING ixbrin (f8 float8_minmax_multi_ops(values_per_range = 8)) WITH (pages_per_range = 1000);
SELECT range, summaries FROM ixbrin_ranges('opc_f8_multi');

-- Collations: the same text under C and under sv-x-icu orders differently
-- (å after z in Swedish); each index follows its column's collation.
CREATE TABLE coll (id int, c text COLLATE "C", s text COLLATE "sv-x-icu");
INSERT INTO coll SELECT i, w, w FROM unnest('{a,z,å,ä,ö,o,A,Z,Å,aa,ab,"",ü}'::text[]) WITH ORDINALITY AS u(w, i);
CREATE INDEX coll_c ON coll USING ixbrin (c);
CREATE INDEX coll_s ON coll USING ixbrin (s);
SELECT index_matches_seqscan('SELECT c FROM coll ORDER BY c', 'Index Scan');
SELECT index_matches_seqscan('SELECT s FROM coll ORDER BY s DESC', 'Index Scan');
SELECT index_matches_seqscan($$SELECT id FROM coll WHERE s > 'z' ORDER BY id$$);
SELECT index_matches_seqscan($$SELECT id FROM coll WHERE c > 'z' ORDER BY id$$);
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SELECT string_agg(s, ' ') FROM (SELECT s FROM coll ORDER BY s) x;
SELECT string_agg(c, ' ') FROM (SELECT c FROM coll ORDER BY c) x;
RESET enable_seqscan;
RESET enable_bitmapscan;

SET client_min_messages = warning;
DROP SCHEMA ixr_opc CASCADE;
RESET client_min_messages;
