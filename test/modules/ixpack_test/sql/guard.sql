-- The C++/PostgreSQL boundary: every failure inside C++ becomes a clean
-- ERROR, C++ destructors run, and the session keeps working.
CREATE EXTENSION ixpack_test;
SET search_path = ixpack_test, public;

SELECT palloc_vector_sum(100000);
SELECT destructors_run() AS before \gset

-- A C++ exception: internal_error (XX000) with its message.
SELECT throw_cxx('runtime_error');
-- A failed allocation: out_of_memory (53200).
SELECT throw_cxx('bad_alloc');
-- Something that is not a std::exception.
SELECT throw_cxx('unknown');
-- A PostgreSQL error raised inside C++ keeps its SQLSTATE, message and hint.
SELECT throw_cxx('pg_error');

-- Each failure unwound its C++ scope (4 destructors).
SELECT destructors_run() - :before AS unwound;

-- SQLSTATEs as PL/pgSQL sees them.
DO $$
DECLARE kinds text[] := ARRAY['runtime_error', 'bad_alloc', 'unknown', 'pg_error'];
        k text; state text; hint text;
BEGIN
  FOREACH k IN ARRAY kinds LOOP
    BEGIN
      PERFORM ixpack_test.throw_cxx(k);
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, hint = PG_EXCEPTION_HINT;
      RAISE NOTICE '% -> % (hint: %)', k, state, hint;
    END;
  END LOOP;
END $$;

-- A subtransaction rolls back cleanly after a C++ error and the transaction
-- goes on.
BEGIN;
CREATE TABLE guard_t (a int);
SAVEPOINT s;
SELECT throw_cxx('pg_error');
ROLLBACK TO SAVEPOINT s;
INSERT INTO guard_t VALUES (1);
COMMIT;
SELECT * FROM guard_t;

-- statement_timeout interrupts a C++ loop through CHECK_FOR_INTERRUPTS.
SELECT destructors_run() AS before \gset
SET statement_timeout = '300ms';
SELECT spin_cxx(600);
RESET statement_timeout;
SELECT destructors_run() - :before AS unwound;

-- And the same for a long ixstat scan on a real table.
CREATE EXTENSION IF NOT EXISTS ixstat;
CREATE TABLE guard_big AS SELECT i, md5(i::text) AS m FROM generate_series(1, 300000) i;
SET statement_timeout = '5ms';
SELECT * FROM ixstat.pgstattuple('guard_big');
RESET statement_timeout;
SELECT tuple_count FROM ixstat.pgstattuple('guard_big');

-- The session is healthy.
SELECT 1 AS still_alive;
DROP TABLE guard_t, guard_big;
