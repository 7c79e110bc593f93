/* control/ixbloom--1.0.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION ixbloom" to load this file. \quit

CREATE FUNCTION ixbloom_handler(internal)
RETURNS index_am_handler
AS 'MODULE_PATHNAME'
LANGUAGE C;

CREATE ACCESS METHOD ixbloom TYPE INDEX HANDLER ixbloom_handler;
COMMENT ON ACCESS METHOD ixbloom IS 'bit-sliced bloom signature index for equality on any subset of columns';

-- One default operator class per type: operator 1 is the type's equality,
-- function 1 its standard hash function, so that values equal under the
-- hash opclass (1.0 = 1.00, -0 = 0, NaN = NaN, collations) set equal bits.
-- varchar and cidr use text_ops and inet_ops, as hash indexes do.
--
-- As in hash indexes, the integer types share a family, and so do float4 and
-- float8, with cross-type equality: bigint_col = 42 (an integer) uses the
-- index.  Their hash functions agree across types for equal values, and a
-- scan hashes each key with the function of the key's own type.
CREATE OPERATOR FAMILY integer_ops USING ixbloom;
CREATE OPERATOR FAMILY float_ops USING ixbloom;

CREATE OPERATOR CLASS bool_ops
    DEFAULT FOR TYPE boolean USING ixbloom AS
    OPERATOR 1 =(boolean,boolean),
    FUNCTION 1 hashchar("char");

CREATE OPERATOR CLASS bpchar_ops
    DEFAULT FOR TYPE character USING ixbloom AS
    OPERATOR 1 =(character,character),
    FUNCTION 1 hashbpchar(character);

CREATE OPERATOR CLASS bytea_ops
    DEFAULT FOR TYPE bytea USING ixbloom AS
    OPERATOR 1 =(bytea,bytea),
    FUNCTION 1 hashvarlena(internal);

CREATE OPERATOR CLASS char_ops
    DEFAULT FOR TYPE "char" USING ixbloom AS
    OPERATOR 1 =("char","char"),
    FUNCTION 1 hashchar("char");

CREATE OPERATOR CLASS date_ops
    DEFAULT FOR TYPE date USING ixbloom AS
    OPERATOR 1 =(date,date),
    FUNCTION 1 hashint4(integer);

CREATE OPERATOR CLASS float4_ops
    DEFAULT FOR TYPE real USING ixbloom FAMILY float_ops AS
    OPERATOR 1 =(real,real),
    FUNCTION 1 hashfloat4(real);

CREATE OPERATOR CLASS float8_ops
    DEFAULT FOR TYPE double precision USING ixbloom FAMILY float_ops AS
    OPERATOR 1 =(double precision,double precision),
    FUNCTION 1 hashfloat8(double precision);

CREATE OPERATOR CLASS inet_ops
    DEFAULT FOR TYPE inet USING ixbloom AS
    OPERATOR 1 =(inet,inet),
    FUNCTION 1 hashinet(inet);

CREATE OPERATOR CLASS int2_ops
    DEFAULT FOR TYPE smallint USING ixbloom FAMILY integer_ops AS
    OPERATOR 1 =(smallint,smallint),
    FUNCTION 1 hashint2(smallint);

CREATE OPERATOR CLASS int4_ops
    DEFAULT FOR TYPE integer USING ixbloom FAMILY integer_ops AS
    OPERATOR 1 =(integer,integer),
    FUNCTION 1 hashint4(integer);

CREATE OPERATOR CLASS int8_ops
    DEFAULT FOR TYPE bigint USING ixbloom FAMILY integer_ops AS
    OPERATOR 1 =(bigint,bigint),
    FUNCTION 1 hashint8(bigint);

CREATE OPERATOR CLASS interval_ops
    DEFAULT FOR TYPE interval USING ixbloom AS
    OPERATOR 1 =(interval,interval),
    FUNCTION 1 interval_hash(interval);

CREATE OPERATOR CLASS jsonb_ops
    DEFAULT FOR TYPE jsonb USING ixbloom AS
    OPERATOR 1 =(jsonb,jsonb),
    FUNCTION 1 jsonb_hash(jsonb);

CREATE OPERATOR CLASS macaddr_ops
    DEFAULT FOR TYPE macaddr USING ixbloom AS
    OPERATOR 1 =(macaddr,macaddr),
    FUNCTION 1 hashmacaddr(macaddr);

CREATE OPERATOR CLASS macaddr8_ops
    DEFAULT FOR TYPE macaddr8 USING ixbloom AS
    OPERATOR 1 =(macaddr8,macaddr8),
    FUNCTION 1 hashmacaddr8(macaddr8);

CREATE OPERATOR CLASS name_ops
    DEFAULT FOR TYPE name USING ixbloom AS
    OPERATOR 1 =(name,name),
    FUNCTION 1 hashname(name);

CREATE OPERATOR CLASS numeric_ops
    DEFAULT FOR TYPE numeric USING ixbloom AS
    OPERATOR 1 =(numeric,numeric),
    FUNCTION 1 hash_numeric(numeric);

CREATE OPERATOR CLASS oid_ops
    DEFAULT FOR TYPE oid USING ixbloom AS
    OPERATOR 1 =(oid,oid),
    FUNCTION 1 hashoid(oid);

CREATE OPERATOR CLASS pg_lsn_ops
    DEFAULT FOR TYPE pg_lsn USING ixbloom AS
    OPERATOR 1 =(pg_lsn,pg_lsn),
    FUNCTION 1 pg_lsn_hash(pg_lsn);

CREATE OPERATOR CLASS text_ops
    DEFAULT FOR TYPE text USING ixbloom AS
    OPERATOR 1 =(text,text),
    FUNCTION 1 hashtext(text);

CREATE OPERATOR CLASS time_ops
    DEFAULT FOR TYPE time without time zone USING ixbloom AS
    OPERATOR 1 =(time without time zone,time without time zone),
    FUNCTION 1 time_hash(time without time zone);

CREATE OPERATOR CLASS timestamp_ops
    DEFAULT FOR TYPE timestamp without time zone USING ixbloom AS
    OPERATOR 1 =(timestamp without time zone,timestamp without time zone),
    FUNCTION 1 timestamp_hash(timestamp without time zone);

CREATE OPERATOR CLASS timestamptz_ops
    DEFAULT FOR TYPE timestamp with time zone USING ixbloom AS
    OPERATOR 1 =(timestamp with time zone,timestamp with time zone),
    FUNCTION 1 timestamp_hash(timestamp without time zone);

CREATE OPERATOR CLASS timetz_ops
    DEFAULT FOR TYPE time with time zone USING ixbloom AS
    OPERATOR 1 =(time with time zone,time with time zone),
    FUNCTION 1 timetz_hash(time with time zone);

CREATE OPERATOR CLASS uuid_ops
    DEFAULT FOR TYPE uuid USING ixbloom AS
    OPERATOR 1 =(uuid,uuid),
    FUNCTION 1 uuid_hash(uuid);

ALTER OPERATOR FAMILY integer_ops USING ixbloom ADD
    OPERATOR 1 =(smallint, integer),
    OPERATOR 1 =(smallint, bigint),
    OPERATOR 1 =(integer, smallint),
    OPERATOR 1 =(integer, bigint),
    OPERATOR 1 =(bigint, smallint),
    OPERATOR 1 =(bigint, integer);

ALTER OPERATOR FAMILY float_ops USING ixbloom ADD
    OPERATOR 1 =(real, double precision),
    OPERATOR 1 =(double precision, real);
