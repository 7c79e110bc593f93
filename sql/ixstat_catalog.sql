-- ixstat installs into its own schema beside contrib pgstattuple, with the
-- same function signatures, result columns and privileges.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgstattuple;
CREATE EXTENSION IF NOT EXISTS ixstat;
RESET client_min_messages;

SELECT extname, extversion, nspname, extrelocatable
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE extname = 'ixstat';

-- Every contrib function has an ixstat twin with identical arguments,
-- result columns and ACL; what ixstat adds (1.1: index_stats,
-- index_stats_sample, report_pages, report_findings, index_report,
-- cluster_index_report) is listed after.
WITH c AS (
  SELECT p.proname, oidvectortypes(p.proargtypes) AS args,
         pg_get_function_result(p.oid) AS result, p.proacl::text AS acl,
         p.proisstrict, p.proparallel, p.provolatile
    FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
   WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'pgstattuple')),
i AS (
  SELECT p.proname, oidvectortypes(p.proargtypes) AS args,
         pg_get_function_result(p.oid) AS result, p.proacl::text AS acl,
         p.proisstrict, p.proparallel, p.provolatile
    FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
   WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ixstat'))
SELECT coalesce(c.proname, i.proname) AS proname, coalesce(c.args, i.args) AS in_args,
       c.result IS NOT DISTINCT FROM i.result AS same_result,
       c.acl IS NOT DISTINCT FROM i.acl AS same_acl,
       (c.proisstrict, c.proparallel, c.provolatile) IS NOT DISTINCT FROM
       (i.proisstrict, i.proparallel, i.provolatile) AS same_flags
  FROM c LEFT JOIN i USING (proname, args)
 ORDER BY 1, 2;
SELECT p.oid::regprocedure AS added
  FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ixstat')
   AND p.proname NOT IN (SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace)
 ORDER BY p.oid::regprocedure::text COLLATE "C";

-- Not executable by PUBLIC; executable by pg_stat_scan_tables.
CREATE ROLE ixstat_nobody;
CREATE ROLE ixstat_monitor IN ROLE pg_stat_scan_tables;
SELECT p.oid::regprocedure AS function,
       has_function_privilege('ixstat_nobody', p.oid, 'EXECUTE') AS nobody,
       has_function_privilege('ixstat_monitor', p.oid, 'EXECUTE') AS monitor
  FROM pg_proc p WHERE p.pronamespace = 'ixstat'::regnamespace
 ORDER BY p.oid::regprocedure::text COLLATE "C";

CREATE TABLE ixstat_priv (a int);
GRANT SELECT ON ixstat_priv TO ixstat_nobody;
GRANT USAGE ON SCHEMA ixstat TO ixstat_nobody;
SET ROLE ixstat_nobody;
SELECT tuple_count FROM public.pgstattuple('ixstat_priv');
SELECT tuple_count FROM ixstat.pgstattuple('ixstat_priv');
RESET ROLE;
REVOKE USAGE ON SCHEMA ixstat FROM ixstat_nobody;
SET ROLE ixstat_monitor;
SELECT tuple_count FROM ixstat.pgstattuple('ixstat_priv');
RESET ROLE;
DROP TABLE ixstat_priv;
DROP ROLE ixstat_nobody;
DROP ROLE ixstat_monitor;

-- The extension can be dropped and created again; its schema stays.
DROP EXTENSION ixstat;
SELECT count(*) FROM pg_namespace WHERE nspname = 'ixstat';
CREATE EXTENSION ixstat;

-- It refuses a schema "ixstat" that another role owns, that holds objects
-- already (a squatter's, which would survive a change of owner), or in
-- which another role may create them: such a role could add functions that
-- superusers would then call.
DROP EXTENSION ixstat;
CREATE ROLE ixstat_squatter;
ALTER SCHEMA ixstat OWNER TO ixstat_squatter;
CREATE EXTENSION ixstat;
SET ROLE ixstat_squatter;
CREATE FUNCTION ixstat.pgstattuple(oid) RETURNS int LANGUAGE sql AS 'SELECT 1';
RESET ROLE;
ALTER SCHEMA ixstat OWNER TO CURRENT_USER;
CREATE EXTENSION ixstat;
DROP FUNCTION ixstat.pgstattuple(oid);
GRANT CREATE ON SCHEMA ixstat TO ixstat_squatter;
CREATE EXTENSION ixstat;
REVOKE CREATE ON SCHEMA ixstat FROM ixstat_squatter;
SELECT count(*) FROM pg_extension WHERE extname = 'ixstat';
CREATE EXTENSION ixstat;
SELECT count(*) FROM pg_extension WHERE extname = 'ixstat';
DROP ROLE ixstat_squatter;
