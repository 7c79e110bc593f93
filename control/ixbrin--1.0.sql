/* control/ixbrin--1.0.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION ixbrin" to load this file. \quit

CREATE FUNCTION ixbrin_handler(internal)
RETURNS index_am_handler
AS 'MODULE_PATHNAME'
LANGUAGE C;

CREATE ACCESS METHOD ixbrin TYPE INDEX HANDLER ixbrin_handler;
COMMENT ON ACCESS METHOD ixbrin IS 'block-range summaries that stay current, tighten after VACUUM, and serve ORDER BY';

-- The parameters of minmax-multi and bloom operator classes (support
-- function 4), with BRIN's names, ranges and defaults.
CREATE FUNCTION ixbrin_multi_options(internal) RETURNS void
AS 'MODULE_PATHNAME' LANGUAGE C STRICT;
CREATE FUNCTION ixbrin_bloom_options(internal) RETURNS void
AS 'MODULE_PATHNAME' LANGUAGE C STRICT;

-- Maintenance, as BRIN's brin_summarize_new_values, brin_summarize_range
-- and brin_desummarize_range (the owner of the index may call them).
CREATE FUNCTION ixbrin_summarize_new_values(index regclass) RETURNS integer
AS 'MODULE_PATHNAME' LANGUAGE C STRICT;
CREATE FUNCTION ixbrin_summarize_range(index regclass, block_number bigint) RETURNS integer
AS 'MODULE_PATHNAME' LANGUAGE C STRICT;
CREATE FUNCTION ixbrin_desummarize_range(index regclass, block_number bigint) RETURNS void
AS 'MODULE_PATHNAME' LANGUAGE C STRICT;

-- Inspection (docs/ixbrin.md), for superusers and pg_stat_scan_tables.
CREATE FUNCTION ixbrin_ranges(index regclass,
    OUT range bigint, OUT first_block bigint, OUT state text, OUT in_order boolean, OUT pending boolean,
    OUT has_nulls boolean[], OUT summaries text[])
RETURNS SETOF record
AS 'MODULE_PATHNAME' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION ixbrin_check(index regclass,
    OUT range bigint, OUT "column" integer, OUT problem text, OUT stored text, OUT actual text)
RETURNS SETOF record
AS 'MODULE_PATHNAME' LANGUAGE C STRICT PARALLEL SAFE;
REVOKE ALL ON FUNCTION ixbrin_ranges(regclass) FROM PUBLIC;
REVOKE ALL ON FUNCTION ixbrin_check(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ixbrin_ranges(regclass) TO pg_stat_scan_tables;
GRANT EXECUTE ON FUNCTION ixbrin_check(regclass) TO pg_stat_scan_tables;

-- Operator classes.  Every class has btree's five operators, numbered as
-- btree numbers them (so the planner can use the index for ORDER BY and
-- merge joins), and support function 1, the type's btree comparison.
-- minmax (the defaults) keeps each range's smallest and largest value;
-- minmax-multi (*_minmax_multi_ops) a few values and intervals, merged by
-- support function 3, the distance of two values (BRIN's); bloom
-- (*_bloom_ops) a bloom filter of support function 2, the type's hash.
-- The integer types, the float types, and date/timestamp/timestamptz each
-- share a family with cross-type operators, as in btree, for minmax and
-- minmax-multi; for bloom, the integer and the float types (whose hashes
-- agree across types; a date's and a timestamp's do not).

CREATE OPERATOR FAMILY integer_minmax_ops USING ixbrin;
CREATE OPERATOR CLASS int2_minmax_ops
    DEFAULT FOR TYPE int2 USING ixbrin FAMILY integer_minmax_ops AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 btint2cmp(int2, int2);
CREATE OPERATOR CLASS int4_minmax_ops
    DEFAULT FOR TYPE int4 USING ixbrin FAMILY integer_minmax_ops AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 btint4cmp(int4, int4);
CREATE OPERATOR CLASS int8_minmax_ops
    DEFAULT FOR TYPE int8 USING ixbrin FAMILY integer_minmax_ops AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 btint8cmp(int8, int8);
ALTER OPERATOR FAMILY integer_minmax_ops USING ixbrin ADD
    OPERATOR 1 < (int2, int4),
    OPERATOR 2 <= (int2, int4),
    OPERATOR 3 = (int2, int4),
    OPERATOR 4 >= (int2, int4),
    OPERATOR 5 > (int2, int4),
    FUNCTION 1 (int2, int4) btint24cmp(int2, int4),
    OPERATOR 1 < (int2, int8),
    OPERATOR 2 <= (int2, int8),
    OPERATOR 3 = (int2, int8),
    OPERATOR 4 >= (int2, int8),
    OPERATOR 5 > (int2, int8),
    FUNCTION 1 (int2, int8) btint28cmp(int2, int8),
    OPERATOR 1 < (int4, int2),
    OPERATOR 2 <= (int4, int2),
    OPERATOR 3 = (int4, int2),
    OPERATOR 4 >= (int4, int2),
    OPERATOR 5 > (int4, int2),
    FUNCTION 1 (int4, int2) btint42cmp(int4, int2),
    OPERATOR 1 < (int4, int8),
    OPERATOR 2 <= (int4, int8),
    OPERATOR 3 = (int4, int8),
    OPERATOR 4 >= (int4, int8),
    OPERATOR 5 > (int4, int8),
    FUNCTION 1 (int4, int8) btint48cmp(int4, int8),
    OPERATOR 1 < (int8, int2),
    OPERATOR 2 <= (int8, int2),
    OPERATOR 3 = (int8, int2),
    OPERATOR 4 >= (int8, int2),
    OPERATOR 5 > (int8, int2),
    FUNCTION 1 (int8, int2) btint82cmp(int8, int2),
    OPERATOR 1 < (int8, int4),
    OPERATOR 2 <= (int8, int4),
    OPERATOR 3 = (int8, int4),
    OPERATOR 4 >= (int8, int4),
    OPERATOR 5 > (int8, int4),
    FUNCTION 1 (int8, int4) btint84cmp(int8, int4);

CREATE OPERATOR FAMILY float_minmax_ops USING ixbrin;
CREATE OPERATOR CLASS float4_minmax_ops
    DEFAULT FOR TYPE float4 USING ixbrin FAMILY float_minmax_ops AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 btfloat4cmp(float4, float4);
CREATE OPERATOR CLASS float8_minmax_ops
    DEFAULT FOR TYPE float8 USING ixbrin FAMILY float_minmax_ops AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 btfloat8cmp(float8, float8);
ALTER OPERATOR FAMILY float_minmax_ops USING ixbrin ADD
    OPERATOR 1 < (float4, float8),
    OPERATOR 2 <= (float4, float8),
    OPERATOR 3 = (float4, float8),
    OPERATOR 4 >= (float4, float8),
    OPERATOR 5 > (float4, float8),
    FUNCTION 1 (float4, float8) btfloat48cmp(float4, float8),
    OPERATOR 1 < (float8, float4),
    OPERATOR 2 <= (float8, float4),
    OPERATOR 3 = (float8, float4),
    OPERATOR 4 >= (float8, float4),
    OPERATOR 5 > (float8, float4),
    FUNCTION 1 (float8, float4) btfloat84cmp(float8, float4);

CREATE OPERATOR FAMILY datetime_minmax_ops USING ixbrin;
CREATE OPERATOR CLASS date_minmax_ops
    DEFAULT FOR TYPE date USING ixbrin FAMILY datetime_minmax_ops AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 date_cmp(date, date);
CREATE OPERATOR CLASS timestamp_minmax_ops
    DEFAULT FOR TYPE timestamp USING ixbrin FAMILY datetime_minmax_ops AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 timestamp_cmp(timestamp, timestamp);
CREATE OPERATOR CLASS timestamptz_minmax_ops
    DEFAULT FOR TYPE timestamptz USING ixbrin FAMILY datetime_minmax_ops AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 timestamptz_cmp(timestamptz, timestamptz);
ALTER OPERATOR FAMILY datetime_minmax_ops USING ixbrin ADD
    OPERATOR 1 < (date, timestamp),
    OPERATOR 2 <= (date, timestamp),
    OPERATOR 3 = (date, timestamp),
    OPERATOR 4 >= (date, timestamp),
    OPERATOR 5 > (date, timestamp),
    FUNCTION 1 (date, timestamp) date_cmp_timestamp(date, timestamp),
    OPERATOR 1 < (date, timestamptz),
    OPERATOR 2 <= (date, timestamptz),
    OPERATOR 3 = (date, timestamptz),
    OPERATOR 4 >= (date, timestamptz),
    OPERATOR 5 > (date, timestamptz),
    FUNCTION 1 (date, timestamptz) date_cmp_timestamptz(date, timestamptz),
    OPERATOR 1 < (timestamp, date),
    OPERATOR 2 <= (timestamp, date),
    OPERATOR 3 = (timestamp, date),
    OPERATOR 4 >= (timestamp, date),
    OPERATOR 5 > (timestamp, date),
    FUNCTION 1 (timestamp, date) timestamp_cmp_date(timestamp, date),
    OPERATOR 1 < (timestamp, timestamptz),
    OPERATOR 2 <= (timestamp, timestamptz),
    OPERATOR 3 = (timestamp, timestamptz),
    OPERATOR 4 >= (timestamp, timestamptz),
    OPERATOR 5 > (timestamp, timestamptz),
    FUNCTION 1 (timestamp, timestamptz) timestamp_cmp_timestamptz(timestamp, timestamptz),
    OPERATOR 1 < (timestamptz, date),
    OPERATOR 2 <= (timestamptz, date),
    OPERATOR 3 = (timestamptz, date),
    OPERATOR 4 >= (timestamptz, date),
    OPERATOR 5 > (timestamptz, date),
    FUNCTION 1 (timestamptz, date) timestamptz_cmp_date(timestamptz, date),
    OPERATOR 1 < (timestamptz, timestamp),
    OPERATOR 2 <= (timestamptz, timestamp),
    OPERATOR 3 = (timestamptz, timestamp),
    OPERATOR 4 >= (timestamptz, timestamp),
    OPERATOR 5 > (timestamptz, timestamp),
    FUNCTION 1 (timestamptz, timestamp) timestamptz_cmp_timestamp(timestamptz, timestamp);

CREATE OPERATOR CLASS numeric_minmax_ops
    DEFAULT FOR TYPE numeric USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 numeric_cmp(numeric, numeric);
CREATE OPERATOR CLASS text_minmax_ops
    DEFAULT FOR TYPE text USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 bttextcmp(text, text);
CREATE OPERATOR CLASS bpchar_minmax_ops
    DEFAULT FOR TYPE bpchar USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 bpcharcmp(bpchar, bpchar);
CREATE OPERATOR CLASS time_minmax_ops
    DEFAULT FOR TYPE time USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 time_cmp(time, time);
CREATE OPERATOR CLASS timetz_minmax_ops
    DEFAULT FOR TYPE timetz USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 timetz_cmp(timetz, timetz);
CREATE OPERATOR CLASS interval_minmax_ops
    DEFAULT FOR TYPE interval USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 interval_cmp(interval, interval);
CREATE OPERATOR CLASS uuid_minmax_ops
    DEFAULT FOR TYPE uuid USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 uuid_cmp(uuid, uuid);
CREATE OPERATOR CLASS oid_minmax_ops
    DEFAULT FOR TYPE oid USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 btoidcmp(oid, oid);
CREATE OPERATOR CLASS inet_minmax_ops
    DEFAULT FOR TYPE inet USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 network_cmp(inet, inet);
CREATE OPERATOR CLASS bytea_minmax_ops
    DEFAULT FOR TYPE bytea USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 byteacmp(bytea, bytea);
CREATE OPERATOR CLASS bool_minmax_ops
    DEFAULT FOR TYPE bool USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 btboolcmp(bool, bool);
CREATE OPERATOR CLASS char_minmax_ops
    DEFAULT FOR TYPE "char" USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 btcharcmp("char", "char");
CREATE OPERATOR CLASS name_minmax_ops
    DEFAULT FOR TYPE name USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 btnamecmp(name, name);
CREATE OPERATOR CLASS macaddr_minmax_ops
    DEFAULT FOR TYPE macaddr USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 macaddr_cmp(macaddr, macaddr);

-- minmax-multi: WITH (values_per_range = N), 8 to 256, default 32.
CREATE OPERATOR FAMILY integer_minmax_multi_ops USING ixbrin;
CREATE OPERATOR CLASS int2_minmax_multi_ops
    FOR TYPE int2 USING ixbrin FAMILY integer_minmax_multi_ops AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 btint2cmp(int2, int2),
    FUNCTION 3 (int2, int2) brin_minmax_multi_distance_int2(internal, internal),
    FUNCTION 4 ixbrin_multi_options(internal);
CREATE OPERATOR CLASS int4_minmax_multi_ops
    FOR TYPE int4 USING ixbrin FAMILY integer_minmax_multi_ops AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 btint4cmp(int4, int4),
    FUNCTION 3 (int4, int4) brin_minmax_multi_distance_int4(internal, internal),
    FUNCTION 4 ixbrin_multi_options(internal);
CREATE OPERATOR CLASS int8_minmax_multi_ops
    FOR TYPE int8 USING ixbrin FAMILY integer_minmax_multi_ops AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 btint8cmp(int8, int8),
    FUNCTION 3 (int8, int8) brin_minmax_multi_distance_int8(internal, internal),
    FUNCTION 4 ixbrin_multi_options(internal);
ALTER OPERATOR FAMILY integer_minmax_multi_ops USING ixbrin ADD
    OPERATOR 1 < (int2, int4),
    OPERATOR 2 <= (int2, int4),
    OPERATOR 3 = (int2, int4),
    OPERATOR 4 >= (int2, int4),
    OPERATOR 5 > (int2, int4),
    FUNCTION 1 (int2, int4) btint24cmp(int2, int4),
    OPERATOR 1 < (int2, int8),
    OPERATOR 2 <= (int2, int8),
    OPERATOR 3 = (int2, int8),
    OPERATOR 4 >= (int2, int8),
    OPERATOR 5 > (int2, int8),
    FUNCTION 1 (int2, int8) btint28cmp(int2, int8),
    OPERATOR 1 < (int4, int2),
    OPERATOR 2 <= (int4, int2),
    OPERATOR 3 = (int4, int2),
    OPERATOR 4 >= (int4, int2),
    OPERATOR 5 > (int4, int2),
    FUNCTION 1 (int4, int2) btint42cmp(int4, int2),
    OPERATOR 1 < (int4, int8),
    OPERATOR 2 <= (int4, int8),
    OPERATOR 3 = (int4, int8),
    OPERATOR 4 >= (int4, int8),
    OPERATOR 5 > (int4, int8),
    FUNCTION 1 (int4, int8) btint48cmp(int4, int8),
    OPERATOR 1 < (int8, int2),
    OPERATOR 2 <= (int8, int2),
    OPERATOR 3 = (int8, int2),
    OPERATOR 4 >= (int8, int2),
    OPERATOR 5 > (int8, int2),
    FUNCTION 1 (int8, int2) btint82cmp(int8, int2),
    OPERATOR 1 < (int8, int4),
    OPERATOR 2 <= (int8, int4),
    OPERATOR 3 = (int8, int4),
    OPERATOR 4 >= (int8, int4),
    OPERATOR 5 > (int8, int4),
    FUNCTION 1 (int8, int4) btint84cmp(int8, int4);
CREATE OPERATOR FAMILY float_minmax_multi_ops USING ixbrin;
CREATE OPERATOR CLASS float4_minmax_multi_ops
    FOR TYPE float4 USING ixbrin FAMILY float_minmax_multi_ops AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 btfloat4cmp(float4, float4),
    FUNCTION 3 (float4, float4) brin_minmax_multi_distance_float4(internal, internal),
    FUNCTION 4 ixbrin_multi_options(internal);
CREATE OPERATOR CLASS float8_minmax_multi_ops
    FOR TYPE float8 USING ixbrin FAMILY float_minmax_multi_ops AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 btfloat8cmp(float8, float8),
    FUNCTION 3 (float8, float8) brin_minmax_multi_distance_float8(internal, internal),
    FUNCTION 4 ixbrin_multi_options(internal);
ALTER OPERATOR FAMILY float_minmax_multi_ops USING ixbrin ADD
    OPERATOR 1 < (float4, float8),
    OPERATOR 2 <= (float4, float8),
    OPERATOR 3 = (float4, float8),
    OPERATOR 4 >= (float4, float8),
    OPERATOR 5 > (float4, float8),
    FUNCTION 1 (float4, float8) btfloat48cmp(float4, float8),
    OPERATOR 1 < (float8, float4),
    OPERATOR 2 <= (float8, float4),
    OPERATOR 3 = (float8, float4),
    OPERATOR 4 >= (float8, float4),
    OPERATOR 5 > (float8, float4),
    FUNCTION 1 (float8, float4) btfloat84cmp(float8, float4);
CREATE OPERATOR CLASS numeric_minmax_multi_ops
    FOR TYPE numeric USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 numeric_cmp(numeric, numeric),
    FUNCTION 3 (numeric, numeric) brin_minmax_multi_distance_numeric(internal, internal),
    FUNCTION 4 ixbrin_multi_options(internal);
CREATE OPERATOR FAMILY datetime_minmax_multi_ops USING ixbrin;
CREATE OPERATOR CLASS date_minmax_multi_ops
    FOR TYPE date USING ixbrin FAMILY datetime_minmax_multi_ops AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 date_cmp(date, date),
    FUNCTION 3 (date, date) brin_minmax_multi_distance_date(internal, internal),
    FUNCTION 4 ixbrin_multi_options(internal);
CREATE OPERATOR CLASS time_minmax_multi_ops
    FOR TYPE time USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 time_cmp(time, time),
    FUNCTION 3 (time, time) brin_minmax_multi_distance_time(internal, internal),
    FUNCTION 4 ixbrin_multi_options(internal);
CREATE OPERATOR CLASS timetz_minmax_multi_ops
    FOR TYPE timetz USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 timetz_cmp(timetz, timetz),
    FUNCTION 3 (timetz, timetz) brin_minmax_multi_distance_timetz(internal, internal),
    FUNCTION 4 ixbrin_multi_options(internal);
CREATE OPERATOR CLASS timestamp_minmax_multi_ops
    FOR TYPE timestamp USING ixbrin FAMILY datetime_minmax_multi_ops AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 timestamp_cmp(timestamp, timestamp),
    FUNCTION 3 (timestamp, timestamp) brin_minmax_multi_distance_timestamp(internal, internal),
    FUNCTION 4 ixbrin_multi_options(internal);
CREATE OPERATOR CLASS timestamptz_minmax_multi_ops
    FOR TYPE timestamptz USING ixbrin FAMILY datetime_minmax_multi_ops AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 timestamptz_cmp(timestamptz, timestamptz),
    FUNCTION 3 (timestamptz, timestamptz) brin_minmax_multi_distance_timestamp(internal, internal),
    FUNCTION 4 ixbrin_multi_options(internal);
ALTER OPERATOR FAMILY datetime_minmax_multi_ops USING ixbrin ADD
    OPERATOR 1 < (date, timestamp),
    OPERATOR 2 <= (date, timestamp),
    OPERATOR 3 = (date, timestamp),
    OPERATOR 4 >= (date, timestamp),
    OPERATOR 5 > (date, timestamp),
    FUNCTION 1 (date, timestamp) date_cmp_timestamp(date, timestamp),
    OPERATOR 1 < (date, timestamptz),
    OPERATOR 2 <= (date, timestamptz),
    OPERATOR 3 = (date, timestamptz),
    OPERATOR 4 >= (date, timestamptz),
    OPERATOR 5 > (date, timestamptz),
    FUNCTION 1 (date, timestamptz) date_cmp_timestamptz(date, timestamptz),
    OPERATOR 1 < (timestamp, date),
    OPERATOR 2 <= (timestamp, date),
    OPERATOR 3 = (timestamp, date),
    OPERATOR 4 >= (timestamp, date),
    OPERATOR 5 > (timestamp, date),
    FUNCTION 1 (timestamp, date) timestamp_cmp_date(timestamp, date),
    OPERATOR 1 < (timestamp, timestamptz),
    OPERATOR 2 <= (timestamp, timestamptz),
    OPERATOR 3 = (timestamp, timestamptz),
    OPERATOR 4 >= (timestamp, timestamptz),
    OPERATOR 5 > (timestamp, timestamptz),
    FUNCTION 1 (timestamp, timestamptz) timestamp_cmp_timestamptz(timestamp, timestamptz),
    OPERATOR 1 < (timestamptz, date),
    OPERATOR 2 <= (timestamptz, date),
    OPERATOR 3 = (timestamptz, date),
    OPERATOR 4 >= (timestamptz, date),
    OPERATOR 5 > (timestamptz, date),
    FUNCTION 1 (timestamptz, date) timestamptz_cmp_date(timestamptz, date),
    OPERATOR 1 < (timestamptz, timestamp),
    OPERATOR 2 <= (timestamptz, timestamp),
    OPERATOR 3 = (timestamptz, timestamp),
    OPERATOR 4 >= (timestamptz, timestamp),
    OPERATOR 5 > (timestamptz, timestamp),
    FUNCTION 1 (timestamptz, timestamp) timestamptz_cmp_timestamp(timestamptz, timestamp);
CREATE OPERATOR CLASS interval_minmax_multi_ops
    FOR TYPE interval USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 interval_cmp(interval, interval),
    FUNCTION 3 (interval, interval) brin_minmax_multi_distance_interval(internal, internal),
    FUNCTION 4 ixbrin_multi_options(internal);
CREATE OPERATOR CLASS uuid_minmax_multi_ops
    FOR TYPE uuid USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 uuid_cmp(uuid, uuid),
    FUNCTION 3 (uuid, uuid) brin_minmax_multi_distance_uuid(internal, internal),
    FUNCTION 4 ixbrin_multi_options(internal);
CREATE OPERATOR CLASS inet_minmax_multi_ops
    FOR TYPE inet USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 network_cmp(inet, inet),
    FUNCTION 3 (inet, inet) brin_minmax_multi_distance_inet(internal, internal),
    FUNCTION 4 ixbrin_multi_options(internal);

-- bloom: WITH (n_distinct_per_range = N, false_positive_rate = P), BRIN's ranges and defaults.
CREATE OPERATOR FAMILY integer_bloom_ops USING ixbrin;
CREATE OPERATOR CLASS int2_bloom_ops
    FOR TYPE int2 USING ixbrin FAMILY integer_bloom_ops AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 btint2cmp(int2, int2),
    FUNCTION 2 hashint2(int2),
    FUNCTION 4 ixbrin_bloom_options(internal);
CREATE OPERATOR CLASS int4_bloom_ops
    FOR TYPE int4 USING ixbrin FAMILY integer_bloom_ops AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 btint4cmp(int4, int4),
    FUNCTION 2 hashint4(int4),
    FUNCTION 4 ixbrin_bloom_options(internal);
CREATE OPERATOR CLASS int8_bloom_ops
    FOR TYPE int8 USING ixbrin FAMILY integer_bloom_ops AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 btint8cmp(int8, int8),
    FUNCTION 2 hashint8(int8),
    FUNCTION 4 ixbrin_bloom_options(internal);
ALTER OPERATOR FAMILY integer_bloom_ops USING ixbrin ADD
    OPERATOR 1 < (int2, int4),
    OPERATOR 2 <= (int2, int4),
    OPERATOR 3 = (int2, int4),
    OPERATOR 4 >= (int2, int4),
    OPERATOR 5 > (int2, int4),
    FUNCTION 1 (int2, int4) btint24cmp(int2, int4),
    OPERATOR 1 < (int2, int8),
    OPERATOR 2 <= (int2, int8),
    OPERATOR 3 = (int2, int8),
    OPERATOR 4 >= (int2, int8),
    OPERATOR 5 > (int2, int8),
    FUNCTION 1 (int2, int8) btint28cmp(int2, int8),
    OPERATOR 1 < (int4, int2),
    OPERATOR 2 <= (int4, int2),
    OPERATOR 3 = (int4, int2),
    OPERATOR 4 >= (int4, int2),
    OPERATOR 5 > (int4, int2),
    FUNCTION 1 (int4, int2) btint42cmp(int4, int2),
    OPERATOR 1 < (int4, int8),
    OPERATOR 2 <= (int4, int8),
    OPERATOR 3 = (int4, int8),
    OPERATOR 4 >= (int4, int8),
    OPERATOR 5 > (int4, int8),
    FUNCTION 1 (int4, int8) btint48cmp(int4, int8),
    OPERATOR 1 < (int8, int2),
    OPERATOR 2 <= (int8, int2),
    OPERATOR 3 = (int8, int2),
    OPERATOR 4 >= (int8, int2),
    OPERATOR 5 > (int8, int2),
    FUNCTION 1 (int8, int2) btint82cmp(int8, int2),
    OPERATOR 1 < (int8, int4),
    OPERATOR 2 <= (int8, int4),
    OPERATOR 3 = (int8, int4),
    OPERATOR 4 >= (int8, int4),
    OPERATOR 5 > (int8, int4),
    FUNCTION 1 (int8, int4) btint84cmp(int8, int4);
CREATE OPERATOR FAMILY float_bloom_ops USING ixbrin;
CREATE OPERATOR CLASS float4_bloom_ops
    FOR TYPE float4 USING ixbrin FAMILY float_bloom_ops AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 btfloat4cmp(float4, float4),
    FUNCTION 2 hashfloat4(float4),
    FUNCTION 4 ixbrin_bloom_options(internal);
CREATE OPERATOR CLASS float8_bloom_ops
    FOR TYPE float8 USING ixbrin FAMILY float_bloom_ops AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 btfloat8cmp(float8, float8),
    FUNCTION 2 hashfloat8(float8),
    FUNCTION 4 ixbrin_bloom_options(internal);
ALTER OPERATOR FAMILY float_bloom_ops USING ixbrin ADD
    OPERATOR 1 < (float4, float8),
    OPERATOR 2 <= (float4, float8),
    OPERATOR 3 = (float4, float8),
    OPERATOR 4 >= (float4, float8),
    OPERATOR 5 > (float4, float8),
    FUNCTION 1 (float4, float8) btfloat48cmp(float4, float8),
    OPERATOR 1 < (float8, float4),
    OPERATOR 2 <= (float8, float4),
    OPERATOR 3 = (float8, float4),
    OPERATOR 4 >= (float8, float4),
    OPERATOR 5 > (float8, float4),
    FUNCTION 1 (float8, float4) btfloat84cmp(float8, float4);
CREATE OPERATOR CLASS numeric_bloom_ops
    FOR TYPE numeric USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 numeric_cmp(numeric, numeric),
    FUNCTION 2 hash_numeric(numeric),
    FUNCTION 4 ixbrin_bloom_options(internal);
CREATE OPERATOR CLASS text_bloom_ops
    FOR TYPE text USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 bttextcmp(text, text),
    FUNCTION 2 hashtext(text),
    FUNCTION 4 ixbrin_bloom_options(internal);
CREATE OPERATOR CLASS bpchar_bloom_ops
    FOR TYPE bpchar USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 bpcharcmp(bpchar, bpchar),
    FUNCTION 2 hashbpchar(bpchar),
    FUNCTION 4 ixbrin_bloom_options(internal);
CREATE OPERATOR CLASS name_bloom_ops
    FOR TYPE name USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 btnamecmp(name, name),
    FUNCTION 2 hashname(name),
    FUNCTION 4 ixbrin_bloom_options(internal);
CREATE OPERATOR CLASS char_bloom_ops
    FOR TYPE "char" USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 btcharcmp("char", "char"),
    FUNCTION 2 hashchar("char"),
    FUNCTION 4 ixbrin_bloom_options(internal);
CREATE OPERATOR CLASS bytea_bloom_ops
    FOR TYPE bytea USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 byteacmp(bytea, bytea),
    FUNCTION 2 hashvarlena(internal),
    FUNCTION 4 ixbrin_bloom_options(internal);
CREATE OPERATOR CLASS date_bloom_ops
    FOR TYPE date USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 date_cmp(date, date),
    FUNCTION 2 hashint4(int4),
    FUNCTION 4 ixbrin_bloom_options(internal);
CREATE OPERATOR CLASS time_bloom_ops
    FOR TYPE time USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 time_cmp(time, time),
    FUNCTION 2 time_hash(time),
    FUNCTION 4 ixbrin_bloom_options(internal);
CREATE OPERATOR CLASS timetz_bloom_ops
    FOR TYPE timetz USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 timetz_cmp(timetz, timetz),
    FUNCTION 2 timetz_hash(timetz),
    FUNCTION 4 ixbrin_bloom_options(internal);
CREATE OPERATOR CLASS timestamp_bloom_ops
    FOR TYPE timestamp USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 timestamp_cmp(timestamp, timestamp),
    FUNCTION 2 timestamp_hash(timestamp),
    FUNCTION 4 ixbrin_bloom_options(internal);
CREATE OPERATOR CLASS timestamptz_bloom_ops
    FOR TYPE timestamptz USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 timestamptz_cmp(timestamptz, timestamptz),
    FUNCTION 2 timestamp_hash(timestamp),
    FUNCTION 4 ixbrin_bloom_options(internal);
CREATE OPERATOR CLASS interval_bloom_ops
    FOR TYPE interval USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 interval_cmp(interval, interval),
    FUNCTION 2 interval_hash(interval),
    FUNCTION 4 ixbrin_bloom_options(internal);
CREATE OPERATOR CLASS uuid_bloom_ops
    FOR TYPE uuid USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 uuid_cmp(uuid, uuid),
    FUNCTION 2 uuid_hash(uuid),
    FUNCTION 4 ixbrin_bloom_options(internal);
CREATE OPERATOR CLASS inet_bloom_ops
    FOR TYPE inet USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 network_cmp(inet, inet),
    FUNCTION 2 hashinet(inet),
    FUNCTION 4 ixbrin_bloom_options(internal);
CREATE OPERATOR CLASS macaddr_bloom_ops
    FOR TYPE macaddr USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 macaddr_cmp(macaddr, macaddr),
    FUNCTION 2 hashmacaddr(macaddr),
    FUNCTION 4 ixbrin_bloom_options(internal);
CREATE OPERATOR CLASS oid_bloom_ops
    FOR TYPE oid USING ixbrin AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 btoidcmp(oid, oid),
    FUNCTION 2 hashoid(oid),
    FUNCTION 4 ixbrin_bloom_options(internal);
