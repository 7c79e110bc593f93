#!/usr/bin/env bash
# demo.sh — README command 1: set everything up and run the main job.
#
# Installs what a fresh Debian 12 machine lacks, builds and installs every
# extension, starts a throwaway cluster in a temp dir, loads a demo table
# with bloat, and prints what each indexpack extension gives next to
# PostgreSQL's own module on the same relations.  Stops what it started.
#
#   bash test/demo.sh        # as root; DEMO_ROWS=... to change the table size
set -euo pipefail
cd "$(dirname "$0")/.."
DEMO_ROWS="${DEMO_ROWS:-2000000}"

bash test/install-deps.sh
export PATH="$(pg_config --bindir):$PATH"
echo "== build and install"
make -s
make -s install >/dev/null

source test/cluster.sh
trap cluster_stop EXIT
cluster_start "autovacuum = off"
echo "== throwaway cluster on port $PGPORT in $CLUSTER_DIR"

psql -X -q -v ON_ERROR_STOP=1 -v rows="$DEMO_ROWS" <<'SQL'
CREATE EXTENSION pgstattuple;
CREATE EXTENSION ixstat;
CREATE SCHEMA demo;

\echo == demo data: :rows orders, 30% deleted, 10% updated, no VACUUM yet
CREATE TABLE orders (id bigint, customer int, status text, note text);
INSERT INTO orders
SELECT g, g % 50000, (ARRAY['new','paid','shipped','returned'])[1 + g % 4], md5(g::text)
  FROM generate_series(1, :rows) g;
CREATE INDEX orders_id ON orders (id);
CREATE INDEX orders_customer_hash ON orders USING hash (customer);
DELETE FROM orders WHERE id % 10 < 3;
UPDATE orders SET status = 'archived' WHERE id % 10 = 5;

-- Run one function both ways, report the rows side by side, whether they
-- are identical, and the time each took (server-side, median of 3).
CREATE FUNCTION demo.side_by_side(fn text, rel text)
RETURNS TABLE (impl text, result text, ms numeric) LANGUAGE plpgsql AS $$
DECLARE r text; t timestamptz; samples numeric[];
BEGIN
  FOREACH impl IN ARRAY ARRAY['public', 'ixstat'] LOOP
    samples := '{}';
    FOR i IN 1..3 LOOP
      t := clock_timestamp();
      EXECUTE format('SELECT row(s.*)::text FROM %I.%I(%L::regclass) s', impl, fn, rel) INTO r;
      samples := samples || (extract(epoch FROM clock_timestamp() - t) * 1000)::numeric;
    END LOOP;
    result := r;
    ms := round((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(samples) x)::numeric, 2);
    impl := CASE impl WHEN 'public' THEN 'contrib pgstattuple' ELSE 'ixstat' END;
    RETURN NEXT;
  END LOOP;
END $$;

\echo
\echo == pgstattuple(orders): bloat of the table, contrib vs ixstat
SELECT * FROM demo.side_by_side('pgstattuple', 'orders');
\echo
\echo == pgstatindex(orders_id)
SELECT * FROM demo.side_by_side('pgstatindex', 'orders_id');
\echo
\echo == pgstattuple(orders_id): index tuples
SELECT * FROM demo.side_by_side('pgstattuple', 'orders_id');
\echo
\echo == pgstathashindex(orders_customer_hash)
SELECT * FROM demo.side_by_side('pgstathashindex', 'orders_customer_hash');
SQL

psql -X -q -c "VACUUM orders"
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
\echo
\echo == after VACUUM: pgstattuple_approx(orders) uses the visibility map
SELECT * FROM demo.side_by_side('pgstattuple_approx', 'orders');
SQL

echo
echo "== buffers: contrib reads every heap page twice, ixstat once (cold cache each)"
for impl in public ixstat; do
    as_pg "$PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -w -m fast restart -l "$CLUSTER_LOG" >/dev/null
    printf '%-8s ' "$impl"
    psql -X -At -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT * FROM $impl.pgstattuple('orders')" | grep -m1 Buffers
done
echo
echo "== identical numbers, one pass over the heap; see docs/ixstat.md and docs/benchmarks.md"

echo
echo "== ixbloom vs contrib bloom: $((DEMO_ROWS / 2)) events, 6 columns, equal signature length (80 bits)"
psql -X -q -v ON_ERROR_STOP=1 -v rows="$((DEMO_ROWS / 2))" <<'SQL'
CREATE EXTENSION bloom;
CREATE EXTENSION ixbloom;
CREATE TABLE events AS
SELECT g AS id, (hashint4(g) & 2147483647) % 100000 AS user_id, (hashint4(g + 1) & 2147483647) % 20 AS kind,
       (hashint4(g + 2) & 2147483647) % 200 AS country, (hashint4(g + 3) & 2147483647) % 1000 AS device,
       (hashint4(g + 4) & 2147483647) % 50000 AS campaign
  FROM generate_series(1, :rows) g;
VACUUM ANALYZE events;
SELECT user_id AS u, kind AS k, country AS c FROM events WHERE id = 777 \gset

CREATE FUNCTION demo.index_report(method text, q text)
RETURNS TABLE (index_method text, size text, build_ms numeric, rows bigint, index_buffers text, ms numeric)
LANGUAGE plpgsql AS $$
DECLARE t timestamptz; plan json; node json;
BEGIN
  t := clock_timestamp();
  EXECUTE format('CREATE INDEX events_idx ON events USING %s (user_id, kind, country, device, campaign) WITH (length = 80)', method);
  build_ms := round((extract(epoch FROM clock_timestamp() - t) * 1000)::numeric, 0);
  size := pg_size_pretty(pg_relation_size('events_idx'));
  SET LOCAL enable_seqscan = off;
  EXECUTE 'EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ' || q INTO plan;
  node := plan -> 0 -> 'Plan' -> 'Plans' -> 0;
  rows := (plan -> 0 -> 'Plan' ->> 'Actual Rows')::bigint;
  index_buffers := (node ->> 'Shared Hit Blocks')::int + (node ->> 'Shared Read Blocks')::int;
  ms := round((plan -> 0 ->> 'Execution Time')::numeric, 2);
  index_method := method;
  DROP INDEX events_idx;
  RETURN NEXT;
END $$;

\echo query: user_id = :u AND kind = :k AND country = :c
SELECT * FROM demo.index_report('bloom', format('SELECT * FROM events WHERE user_id = %s AND kind = %s AND country = %s', :u, :k, :c))
UNION ALL
SELECT * FROM demo.index_report('ixbloom', format('SELECT * FROM events WHERE user_id = %s AND kind = %s AND country = %s', :u, :k, :c));

-- Without options, ixbloom sizes its signature from the statistics; what a
-- user builds instead is one btree per column (the planner ANDs them).
CREATE FUNCTION demo.sized_report(side text, q text)
RETURNS TABLE (indexes text, size text, build_ms numeric, rows bigint, index_buffers bigint, ms numeric)
LANGUAGE plpgsql AS $$
DECLARE t timestamptz; plan jsonb; c text;
BEGIN
  t := clock_timestamp();
  IF side = 'ixbloom' THEN
    CREATE INDEX events_sized ON events USING ixbloom (user_id, kind, country, device, campaign);
    indexes := (SELECT format('ixbloom (%s bits, from %s)', sig_bits, sized_from) FROM ixbloom_metapage('events_sized'));
  ELSE
    FOREACH c IN ARRAY '{user_id,kind,country,device,campaign}'::text[] LOOP
      EXECUTE format('CREATE INDEX %I ON events (%I)', 'events_bt_' || c, c);
    END LOOP;
    indexes := '5 btrees';
  END IF;
  build_ms := round((extract(epoch FROM clock_timestamp() - t) * 1000)::numeric, 0);
  size := pg_size_pretty((SELECT sum(pg_relation_size(indexrelid)) FROM pg_index WHERE indrelid = 'events'::regclass));
  SET LOCAL enable_seqscan = off;
  SET LOCAL enable_indexscan = off;
  EXECUTE 'EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ' || q INTO plan;
  rows := (plan -> 0 -> 'Plan' ->> 'Actual Rows')::bigint;
  index_buffers := (SELECT sum((n ->> 'Shared Hit Blocks')::bigint + (n ->> 'Shared Read Blocks')::bigint)
                      FROM jsonb_path_query(plan -> 0 -> 'Plan', 'strict $.** ? (exists (@."Node Type"))') n
                     WHERE n ->> 'Node Type' = 'Bitmap Index Scan');
  ms := round((plan -> 0 ->> 'Execution Time')::numeric, 2);
  FOR c IN SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = 'events'::regclass LOOP
    EXECUTE 'DROP INDEX ' || c;
  END LOOP;
  RETURN NEXT;
END $$;

\echo
\echo ixbloom with no options (sized from the statistics) vs one btree per column, same query:
SELECT * FROM demo.sized_report('ixbloom', format('SELECT * FROM events WHERE user_id = %s AND kind = %s AND country = %s', :u, :k, :c))
UNION ALL
SELECT * FROM demo.sized_report('btrees', format('SELECT * FROM events WHERE user_id = %s AND kind = %s AND country = %s', :u, :k, :c));
SQL
echo "== ixbloom reads only the slices its bits select; see docs/ixbloom.md, bench/ixbloom_bench.sh and bench/ixbloom_btree_bench.sh"

echo
echo "== ixbrin vs BRIN vs btree: a time series of $DEMO_ROWS rows"
psql -X -q -v ON_ERROR_STOP=1 -v rows="$DEMO_ROWS" <<'SQL'
CREATE EXTENSION ixbrin;
CREATE TABLE metrics (ts timestamptz, device_id int, value float8) WITH (autovacuum_enabled = off);
INSERT INTO metrics
SELECT '2026-01-01'::timestamptz + g * interval '1 s' + (hashint4(g) & 7) * interval '1 s', (g / 1000) % 1000,
       (hashint4(g + 1) & 1023) / 1024.0
  FROM generate_series(1, :rows) g;
VACUUM ANALYZE metrics;
CREATE INDEX metrics_brin ON metrics USING brin (ts);
CREATE INDEX metrics_ixbrin ON metrics USING ixbrin (ts);
CREATE INDEX metrics_btree ON metrics USING btree (ts);
-- New rows after the indexes, no VACUUM: BRIN leaves their ranges unsummarized.
INSERT INTO metrics
SELECT '2026-01-01'::timestamptz + g * interval '1 s', (g / 1000) % 1000, 0.5
  FROM generate_series(:rows + 1, :rows + :rows / 10) g;

-- Run q through one index (the others hidden in a rolled-back
-- subtransaction): the plan's top nodes, its buffers and time.
CREATE FUNCTION demo.through(idx text, q text, OUT index_used text, OUT plan text, OUT buffers bigint, OUT ms numeric)
LANGUAGE plpgsql AS $$
DECLARE j json;
BEGIN
  BEGIN
    UPDATE pg_index SET indisvalid = false WHERE indrelid = 'metrics'::regclass AND indexrelid <> idx::regclass;
    EXECUTE 'EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ' || q INTO j;
    index_used := idx;
    plan := (SELECT string_agg(x ->> 'Node Type', ' / ') FROM jsonb_path_query(j::jsonb, 'strict $.**') x
              WHERE jsonb_typeof(x) = 'object' AND x ? 'Node Type');
    buffers := (j -> 0 -> 'Plan' ->> 'Shared Hit Blocks')::bigint + (j -> 0 -> 'Plan' ->> 'Shared Read Blocks')::bigint;
    ms := round((j -> 0 ->> 'Execution Time')::numeric, 2);
    RAISE EXCEPTION USING ERRCODE = 'DMRBK';
  EXCEPTION WHEN SQLSTATE 'DMRBK' THEN NULL;
  END;
END $$;

\echo
\echo index sizes
SELECT relname AS index, pg_size_pretty(pg_relation_size(oid)) AS size FROM pg_class
 WHERE relname IN ('metrics_brin', 'metrics_ixbrin', 'metrics_btree') ORDER BY pg_relation_size(oid);
SELECT max(ts) - interval '10 minutes' AS recent FROM metrics \gset
\echo
\echo the newest 10 minutes, after the appends (BRIN reads its whole unsummarized tail)
SELECT (demo.through(i, format('SELECT count(*) FROM metrics WHERE ts > %L', :'recent'))).*
  FROM unnest('{metrics_brin,metrics_ixbrin,metrics_btree}'::text[]) i;
\echo
\echo ORDER BY ts DESC LIMIT 10, as the planner runs it (BRIN cannot: a seq scan and a sort)
SELECT (demo.through(i, 'SELECT * FROM metrics ORDER BY ts DESC LIMIT 10')).*
  FROM unnest('{metrics_brin,metrics_ixbrin,metrics_btree}'::text[]) i;
\echo
\echo after deleting the oldest 20% and VACUUM: summaries exact (ixbrin_check reports nothing)
DELETE FROM metrics WHERE ts < '2026-01-01'::timestamptz + (:rows / 5) * interval '1 s';
VACUUM metrics;
SELECT count(*) AS inexact_summaries FROM ixbrin_check('metrics_ixbrin');
SQL
echo "== ixbrin stays fresh, tightens after VACUUM and serves ORDER BY ... LIMIT; see docs/ixbrin.md and bench/ixbrin_bench.sh"

echo
echo "== ixlearn vs btree: $DEMO_ROWS int8 keys in insert order, and as many random uuids"
psql -X -q -v ON_ERROR_STOP=1 -v rows="$DEMO_ROWS" <<'SQL'
CREATE EXTENSION ixlearn;
CREATE TABLE accounts (id int8, owner uuid, balance numeric) WITH (autovacuum_enabled = off);
INSERT INTO accounts SELECT g, gen_random_uuid(), g % 1000 FROM generate_series(1, :rows) g;
VACUUM ANALYZE accounts;
CREATE INDEX accounts_id_btree ON accounts USING btree (id);
CREATE INDEX accounts_id_ixlearn ON accounts USING ixlearn (id);
CREATE INDEX accounts_owner_btree ON accounts USING btree (owner);
CREATE INDEX accounts_owner_ixlearn ON accounts USING ixlearn (owner);

-- Run q through one index (the others hidden in a rolled-back
-- subtransaction): the plan's top nodes, the index's buffers and the time.
CREATE FUNCTION demo.learn_through(idx text, q text, OUT index_used text, OUT plan text, OUT buffers bigint, OUT ms numeric)
LANGUAGE plpgsql AS $$
DECLARE j json;
BEGIN
  BEGIN
    UPDATE pg_index SET indisvalid = false WHERE indrelid = 'accounts'::regclass AND indexrelid <> idx::regclass;
    SET LOCAL enable_seqscan = off;
    SET LOCAL enable_bitmapscan = off;
    EXECUTE 'EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ' || q INTO j;
    index_used := idx;
    plan := (SELECT string_agg(x ->> 'Node Type', ' / ') FROM jsonb_path_query(j::jsonb, 'strict $.**') x
              WHERE jsonb_typeof(x) = 'object' AND x ? 'Node Type');
    buffers := (j -> 0 -> 'Plan' ->> 'Shared Hit Blocks')::bigint + (j -> 0 -> 'Plan' ->> 'Shared Read Blocks')::bigint;
    ms := round((j -> 0 ->> 'Execution Time')::numeric, 3);
    RAISE EXCEPTION USING ERRCODE = 'DMRBK';
  EXCEPTION WHEN SQLSTATE 'DMRBK' THEN NULL;
  END;
END $$;

\echo
\echo index sizes
SELECT relname AS index, pg_size_pretty(pg_relation_size(oid)) AS size,
       round(pg_relation_size(oid)::numeric / :rows, 1) AS bytes_per_row
  FROM pg_class WHERE relname LIKE 'accounts\_%' ORDER BY relname;
\echo
\echo the model above the ixlearn leaves (ixlearn_stats)
SELECT 'accounts_id_ixlearn' AS index, segments, epsilon, leaves, model_bytes, round(bytes_per_entry::numeric, 2) AS bytes_per_entry
  FROM ixlearn_stats('accounts_id_ixlearn')
UNION ALL
SELECT 'accounts_owner_ixlearn', segments, epsilon, leaves, model_bytes, round(bytes_per_entry::numeric, 2)
  FROM ixlearn_stats('accounts_owner_ixlearn');
SELECT owner AS some_owner FROM accounts WHERE id = :rows / 3 \gset
\echo
\echo a point lookup by id, and by owner (buffers: index pages and the heap page)
SELECT (demo.learn_through(i, format('SELECT * FROM accounts WHERE id = %s', :rows / 2))).*
  FROM unnest('{accounts_id_btree,accounts_id_ixlearn}'::text[]) i
UNION ALL
SELECT (demo.learn_through(i, format('SELECT * FROM accounts WHERE owner = %L', :'some_owner'))).*
  FROM unnest('{accounts_owner_btree,accounts_owner_ixlearn}'::text[]) i;
\echo
\echo ORDER BY id DESC LIMIT 10 and a 1,000-row range
SELECT (demo.learn_through(i, 'SELECT * FROM accounts ORDER BY id DESC LIMIT 10')).*
  FROM unnest('{accounts_id_btree,accounts_id_ixlearn}'::text[]) i
UNION ALL
SELECT (demo.learn_through(i, 'SELECT * FROM accounts WHERE id BETWEEN 5000 AND 5999')).*
  FROM unnest('{accounts_id_btree,accounts_id_ixlearn}'::text[]) i;
\echo
\echo after 10% more rows with random ids, VACUUM retrains the model; ixlearn_check verifies it against the heap
INSERT INTO accounts SELECT (random() * :rows)::int8, gen_random_uuid(), 0 FROM generate_series(1, :rows / 10);
VACUUM accounts;
SELECT ixlearn_check('accounts_id_ixlearn', true) IS NOT NULL AS checked,
       (SELECT splits_since_model FROM ixlearn_stats('accounts_id_ixlearn')) AS splits_since_model;
SQL
echo "== ixlearn: btree's answers from a fraction of its pages; see docs/ixlearn.md and bench/ixlearn_bench.sh"

echo
echo "== ixstat.index_report: the health of this database, with problems planted in it"
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
-- A foreign key without an index, a copy of an index, an index that a
-- wider one makes redundant, and what a failed CREATE INDEX CONCURRENTLY
-- leaves behind; the demo's orders_id lost 30% of its rows above.
CREATE TABLE customers (id int PRIMARY KEY, email text);
INSERT INTO customers SELECT g, 'c' || g || '@example.com' FROM generate_series(1, 50000) g;
CREATE TABLE invoices (id int PRIMARY KEY, customer_id int REFERENCES customers, total numeric);
INSERT INTO invoices SELECT g, 1 + g % 50000, g % 1000 FROM generate_series(1, 200000) g;
CREATE INDEX invoices_total ON invoices (total);
CREATE INDEX invoices_total_copy ON invoices (total);
CREATE INDEX invoices_total_id ON invoices (total, id);
\set ON_ERROR_STOP 0
\echo (a CREATE UNIQUE INDEX CONCURRENTLY that fails on a duplicate email:)
INSERT INTO customers VALUES (50001, 'c1@example.com');
CREATE UNIQUE INDEX CONCURRENTLY customers_email ON customers (email);
\set ON_ERROR_STOP 1
\echo
\echo kind, severity, index, suggestion (detail says why, with sizes and the statistics reset time)
SELECT kind, severity, coalesce(index_name::text, table_name::text) AS "index (or table)", suggestion
  FROM ixstat.index_report();
\echo
\echo one finding in full
\x on
SELECT * FROM ixstat.index_report() WHERE kind = 'unindexed_fk';
\x off
\echo
\echo index_stats: the same columns for every access method
SELECT c.relname AS index, s.access_method, s.total_pages, s.leaf_pages, s.free_pages, s.live_entries,
       s.dead_entries, pg_size_pretty(s.free_bytes) AS free, s.avg_fill
  FROM pg_class c CROSS JOIN LATERAL ixstat.index_stats(c.oid) s
 WHERE c.relname IN ('orders_id', 'orders_customer_hash', 'metrics_brin', 'metrics_ixbrin', 'metrics_btree',
                     'accounts_id_btree', 'accounts_id_ixlearn')
 ORDER BY 1;
SQL
echo "== one call instead of five pasted recipes; see docs/ixstat.md (Health report)"
