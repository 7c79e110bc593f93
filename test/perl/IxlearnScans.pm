# IxlearnScans.pm — the SQL the ixlearn TAP tests (015, 016, 017) compare
# an index scan with a sequential scan through: each test reports what it
# needs (an md5 of the rows, the index named, errors caught) on top of it.
package IxlearnScans;

use strict;
use warnings;
use Exporter 'import';

our @EXPORT = qw($scan_rows_sql);

# ixl_scan_rows(query, scan): the query's plan (on one line) and its rows
# (as text, in the order returned) with the planner forced to one scan
# kind ('Index Scan', 'Index Only Scan', 'Bitmap Index Scan'; NULL: a
# sequential scan); the settings are restored after.
# ixl_scan_pattern(scan): the LIKE pattern a plan of that kind matches.
our $scan_rows_sql = q{
CREATE FUNCTION ixl_scan_rows(query text, scan text, OUT plan text, OUT rows text[])
LANGUAGE plpgsql AS $$
DECLARE
  line text;
  settings text[] := ARRAY['enable_seqscan', 'enable_indexscan', 'enable_indexonlyscan', 'enable_bitmapscan'];
  saved text[] := ARRAY(SELECT current_setting(s) FROM unnest(settings) s);
BEGIN
  PERFORM set_config('enable_seqscan', (scan IS NULL)::text, true);
  PERFORM set_config('enable_indexscan', coalesce(scan = 'Index Scan', false)::text, true);
  PERFORM set_config('enable_indexonlyscan', coalesce(scan = 'Index Only Scan', false)::text, true);
  PERFORM set_config('enable_bitmapscan', coalesce(scan = 'Bitmap Index Scan', false)::text, true);
  plan := '';
  IF scan IS NOT NULL THEN
    FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP plan := plan || line || ' '; END LOOP;
  END IF;
  EXECUTE format('SELECT array_agg(r::text) FROM (%s) r', query) INTO rows;
  FOR i IN 1 .. 4 LOOP PERFORM set_config(settings[i], saved[i], true); END LOOP;
END $$;
CREATE FUNCTION ixl_scan_pattern(scan text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE scan WHEN 'Bitmap Index Scan' THEN '%Bitmap Index Scan on%'
                   WHEN 'Index Scan' THEN '%Index Scan%using%'
                   WHEN 'Index Only Scan' THEN '%Index Only Scan%using%' END
$$;
};

1;
