-- amvalidate's btree-style rules (src/pg/opclass_validate.hpp), which the
-- ordered access methods (ixbrin, ixlearn) use: operators 1..5 numbered like
-- btree, a comparison function 1 for every type pair, every pair of the
-- family's types present.  Checked here on btree's own classes, which meet
-- them, and on malformed copies, which must not.
CREATE EXTENSION IF NOT EXISTS ixpack_test;
SET search_path = ixpack_test, public;

-- Every btree class of the catalog: the same verdict as btree's own
-- validator (all of them valid, with sort support, in_range and
-- equalimage functions among them).
SELECT count(*) AS btree_classes,
       count(*) FILTER (WHERE validate_btree_style(c.oid) IS DISTINCT FROM amvalidate(c.oid)) AS disagree,
       count(*) FILTER (WHERE validate_btree_style(c.oid)) AS valid
  FROM pg_opclass c JOIN pg_am a ON a.oid = c.opcmethod
 WHERE a.amname = 'btree';

-- A class missing an operator.
CREATE OPERATOR FAMILY bad_missing USING btree;
CREATE OPERATOR CLASS bad_missing_ops FOR TYPE int4 USING btree FAMILY bad_missing AS
    OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=,
    FUNCTION 1 btint4cmp(int4, int4);
SELECT validate_btree_style(oid) FROM pg_opclass WHERE opcname = 'bad_missing_ops';

-- A class without its comparison function.
CREATE OPERATOR FAMILY bad_nocmp USING btree;
CREATE OPERATOR CLASS bad_nocmp_ops FOR TYPE int4 USING btree FAMILY bad_nocmp AS
    OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >;
SELECT validate_btree_style(oid) FROM pg_opclass WHERE opcname = 'bad_nocmp_ops';

-- A comparison function of the wrong signature.
CREATE OPERATOR FAMILY bad_sig USING btree;
CREATE OPERATOR CLASS bad_sig_ops FOR TYPE int4 USING btree FAMILY bad_sig AS
    OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >,
    FUNCTION 1 btint8cmp(int8, int8);
SELECT validate_btree_style(oid) FROM pg_opclass WHERE opcname = 'bad_sig_ops';

-- A family with int4 and int8 but no int4-int8 operators.
CREATE OPERATOR FAMILY bad_cross USING btree;
CREATE OPERATOR CLASS bad_cross4_ops FOR TYPE int4 USING btree FAMILY bad_cross AS
    OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >, FUNCTION 1 btint4cmp(int4, int4);
CREATE OPERATOR CLASS bad_cross8_ops FOR TYPE int8 USING btree FAMILY bad_cross AS
    OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >, FUNCTION 1 btint8cmp(int8, int8);
SELECT validate_btree_style(oid) FROM pg_opclass WHERE opcname = 'bad_cross4_ops';

-- Each malformed class, as btree's own validator sees it.
SELECT c.opcname, amvalidate(c.oid) FROM pg_opclass c WHERE c.opcname LIKE 'bad\_%' ORDER BY 1;

DROP OPERATOR FAMILY bad_missing USING btree;
DROP OPERATOR FAMILY bad_nocmp USING btree;
DROP OPERATOR FAMILY bad_sig USING btree;
DROP OPERATOR FAMILY bad_cross USING btree;
