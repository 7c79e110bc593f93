\echo Use "CREATE EXTENSION ixpack_test" to load this file. \quit

-- Test-only: nothing here is for PUBLIC (the test runner is a superuser).

-- Throw from C++ below an SQL-callable function.  kind is one of:
--   runtime_error  a std::runtime_error
--   bad_alloc      a real allocation failure through the palloc allocator
--   unknown        a thrown int (no std::exception)
--   pg_error       a PostgreSQL ERROR (SQLSTATE 22012) raised through pg_call
--                  while a C++ object with a destructor is alive
CREATE FUNCTION throw_cxx(kind text) RETURNS void
AS 'MODULE_PATHNAME', 'ixpack_test_throw_cxx' LANGUAGE C STRICT;

-- How many guarded C++ scopes were unwound by their destructor in this
-- backend: proves an error unwound C++ frames rather than skipping them.
CREATE FUNCTION destructors_run() RETURNS bigint
AS 'MODULE_PATHNAME', 'ixpack_test_destructors_run' LANGUAGE C STRICT;

-- A C++ loop that grows a palloc-backed vector and polls for interrupts
-- until `seconds` have passed; returns the number of iterations.
CREATE FUNCTION spin_cxx(seconds float8) RETURNS bigint
AS 'MODULE_PATHNAME', 'ixpack_test_spin_cxx' LANGUAGE C STRICT;

-- Sum 1..n in a palloc-backed std::vector.
CREATE FUNCTION palloc_vector_sum(n int) RETURNS bigint
AS 'MODULE_PATHNAME', 'ixpack_test_palloc_vector_sum' LANGUAGE C STRICT;

-- amvalidate's btree-style rules (src/pg/opclass_validate.hpp) applied to
-- any operator class: true if usable, an INFO per problem.
CREATE FUNCTION validate_btree_style(opclass oid) RETURNS boolean
AS 'MODULE_PATHNAME', 'ixpack_test_validate_btree_style' LANGUAGE C STRICT;

-- The differential check every access method's pg_regress files use: run
-- `query` with the planner forced to `scan` ('Bitmap Index Scan', 'Index
-- Scan', forward or backward, or 'Index Only Scan') on an index of this
-- pack's access methods,
-- then by sequential scan, and compare the rows in the order the query
-- returns them (give it an ORDER BY, or compare an ordered scan's own
-- order).  Returns 'same (N rows)', 'same (N rows, proven empty)' when the
-- planner needed no scan at all, or what differs: the rows, a plan without
-- the expected scan, or one through an index of another access method.
CREATE FUNCTION index_matches_seqscan(query text, scan text DEFAULT 'Bitmap Index Scan') RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  plan text;
  plan_idx text;
  plan_seq text;
  line text;
  result_rows text[];
  by_index text[];
  by_seq text[];
  expect text;
  settings text[] := ARRAY['enable_seqscan', 'enable_indexscan', 'enable_indexonlyscan', 'enable_bitmapscan'];
  saved text[];
  forced text[];
BEGIN
  expect := CASE scan WHEN 'Bitmap Index Scan' THEN '%Bitmap Index Scan on%'
                      WHEN 'Index Scan' THEN '%Index Scan using%'
                      WHEN 'Index Only Scan' THEN '%Index Only Scan using%' END;
  IF expect IS NULL THEN
    RAISE EXCEPTION 'scan must be ''Bitmap Index Scan'', ''Index Scan'' or ''Index Only Scan'', not %', scan;
  END IF;
  saved := ARRAY(SELECT current_setting(s) FROM unnest(settings) s);
  forced := ARRAY['off', (scan = 'Index Scan')::text, (scan = 'Index Only Scan')::text,
                  (scan = 'Bitmap Index Scan')::text];
  -- Pass 1 through the index, pass 2 by sequential scan.
  FOR pass IN 1 .. 2 LOOP
    FOR i IN 1 .. 4 LOOP
      PERFORM set_config(settings[i], CASE WHEN pass = 1 THEN forced[i] ELSE (i = 1)::text END, true);
    END LOOP;
    plan := '';
    FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP
      plan := plan || line || ' ';
    END LOOP;
    EXECUTE format('SELECT array_agg(r::text) FROM (%s) r', query) INTO result_rows;
    IF pass = 1 THEN
      plan_idx := plan; by_index := result_rows;
    ELSE
      plan_seq := plan; by_seq := result_rows;
    END IF;
  END LOOP;
  FOR i IN 1 .. 4 LOOP
    PERFORM set_config(settings[i], saved[i], true);
  END LOOP;

  -- (an ordered scan may run backward)
  IF scan = 'Index Scan' AND plan_idx LIKE '%Index Scan Backward using%' THEN
    expect := '%Index Scan Backward using%';
  END IF;
  IF plan_idx NOT LIKE expect AND plan_idx NOT LIKE '%One-Time Filter: false%' THEN
    RETURN 'NO ' || upper(scan) || ': ' || plan_idx;
  END IF;
  IF EXISTS (SELECT 1
               FROM regexp_matches(plan_idx, '(?:Scan using|Bitmap Index Scan on) ("[^"]+"|[^ ]+)', 'g') m
               LEFT JOIN pg_class c ON c.oid = to_regclass(m[1])
               LEFT JOIN pg_am a ON a.oid = c.relam
              WHERE a.amname IS NULL OR a.amname NOT IN ('ixbloom', 'ixbrin', 'ixlearn')) THEN
    RETURN 'NOT AN INDEXPACK INDEX: ' || plan_idx;
  END IF;
  IF (plan_seq NOT LIKE '%Seq Scan on%' OR plan_seq LIKE '%Index%') AND plan_seq NOT LIKE '%One-Time Filter: false%' THEN
    RETURN 'NO SEQ SCAN: ' || plan_seq;
  END IF;
  IF by_index IS DISTINCT FROM by_seq THEN
    RETURN format('DIFF index=%s seq=%s', coalesce(by_index, '{}'), coalesce(by_seq, '{}'));
  END IF;
  RETURN format('same (%s rows%s)', coalesce(cardinality(by_seq), 0),
                CASE WHEN plan_idx LIKE expect THEN '' ELSE ', proven empty' END);
END $$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA @extschema@ FROM PUBLIC;
