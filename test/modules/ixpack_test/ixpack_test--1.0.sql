\echo Use "CREATE EXTENSION ixpack_test" to load this file. \quit

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
