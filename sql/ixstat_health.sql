-- ixstat.index_report(): each finding planted next to its near misses,
-- every suggestion executed, and the report clean afterwards.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ixstat;
RESET client_min_messages;
CREATE SCHEMA ixr;
SET search_path = ixr, public;
-- Small thresholds, so that small tables can show bloat.
SET ixstat.bloat_min_bytes = '256kB';
SELECT setseed(0.25);

-- Findings as the test shows them: detail holds sizes and times, so it is
-- checked apart; rows sorted for a stable listing.
CREATE VIEW report AS
  SELECT kind, severity, table_name, index_name, suggestion FROM ixstat.index_report('ixr');

-- Mark indexes as used: one index scan each, then flush the counters.
CREATE FUNCTION use_index(q text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  SET LOCAL enable_seqscan = off;
  EXECUTE q;
END $$;

-- unused and its near misses: a unique index and a primary key never
-- scanned are never "unused"; the replica identity index neither.
CREATE TABLE acct (id int PRIMARY KEY, email text, code int, note text, ri int NOT NULL);
CREATE UNIQUE INDEX acct_email ON acct (email);
CREATE INDEX acct_note ON acct (note);
CREATE UNIQUE INDEX acct_ri ON acct (ri);
ALTER TABLE acct REPLICA IDENTITY USING INDEX acct_ri;
INSERT INTO acct SELECT i, 'u' || i || '@x', i % 10, 'n' || i, i FROM generate_series(1, 1000) i;

-- redundant and its near misses.
CREATE TABLE ev (a int, b int, c text, d int, e int, f int);
INSERT INTO ev SELECT i % 100, i % 7, md5(i::text), i, i, i % 13 FROM generate_series(1, 2000) i;
CREATE INDEX ev_ab ON ev (a, b);
CREATE INDEX ev_a ON ev (a);                                  -- redundant: leads ev_ab
CREATE INDEX ev_a_partial ON ev (a) WHERE d > 10;              -- redundant too: ev_ab has no predicate
CREATE INDEX ev_f_partial_wide ON ev (f, a) WHERE a > 5;
CREATE INDEX ev_f ON ev (f);                                   -- not: the wider one is partial
CREATE INDEX ev_c_ab ON ev (c, a);
CREATE INDEX ev_c_pattern ON ev (c text_pattern_ops);          -- not: another opclass
CREATE INDEX ev_c_collate ON ev (c COLLATE "C");               -- not: another collation
CREATE INDEX ev_lower_c ON ev (lower(c));                      -- not: an expression
CREATE INDEX ev_b_desc ON ev (b DESC);
CREATE INDEX ev_b_desc_e ON ev (b, e);                         -- ev_b_desc is not redundant: DESC
CREATE INDEX ev_e_incl ON ev (e) INCLUDE (c);
CREATE INDEX ev_e_d ON ev (e, d);                              -- ev_e_incl is not: c not covered
CREATE UNIQUE INDEX ev_d_unique ON ev (d);
CREATE INDEX ev_d_e_nonunique ON ev (d, e);                    -- ev_d_unique is not: it is unique
-- duplicate: three copies of one definition, two reported, the oldest stays.
CREATE INDEX ev_dup1 ON ev (b, c);
CREATE INDEX ev_dup2 ON ev (b, c);
CREATE INDEX ev_dup3 ON ev (b, c);
CREATE INDEX ev_dup_desc ON ev (b, c DESC);                    -- not a copy: DESC

-- invalid: a CREATE UNIQUE INDEX CONCURRENTLY that fails on a duplicate key.
CREATE TABLE dupkeys (k int);
INSERT INTO dupkeys VALUES (1), (1), (2);
CREATE UNIQUE INDEX CONCURRENTLY dupkeys_k ON dupkeys (k);
SELECT indisvalid FROM pg_index WHERE indexrelid = 'dupkeys_k'::regclass;
DELETE FROM dupkeys WHERE ctid = (SELECT min(ctid) FROM dupkeys WHERE k = 1);

-- unindexed_fk: a two-column key covered by an index in the other column
-- order (covered), a key whose only index is partial (not covered).
CREATE TABLE parent (x int, y int, p int UNIQUE, PRIMARY KEY (x, y));
INSERT INTO parent SELECT i, i, i FROM generate_series(1, 100) i;
CREATE TABLE child (id int, x int, y int, p int,
                    FOREIGN KEY (x, y) REFERENCES parent, FOREIGN KEY (p) REFERENCES parent (p));
INSERT INTO child SELECT i, i % 100 + 1, i % 100 + 1, i % 100 + 1 FROM generate_series(1, 1000) i;
CREATE INDEX child_yx ON child (y, x);
CREATE INDEX child_p_partial ON child (p) WHERE p > 50;

-- bloated: a btree after a mass DELETE and VACUUM.
CREATE TABLE bl (id int, pad text) WITH (autovacuum_enabled = off);
INSERT INTO bl SELECT i, 'x' FROM generate_series(1, 60000) i;
CREATE INDEX bl_id ON bl (id);
DELETE FROM bl WHERE id % 10 <> 0;
VACUUM bl;

-- random_order: uuid keys inserted in random order, against the same keys
-- inserted in time order (increasing).
CREATE TABLE ids_random (u uuid, n int);
CREATE INDEX ids_random_u ON ids_random (u);
INSERT INTO ids_random SELECT md5(random()::text)::uuid, i FROM generate_series(1, 50000) i;
CREATE TABLE ids_time (u uuid, n int);
CREATE INDEX ids_time_u ON ids_time (u);
INSERT INTO ids_time SELECT lpad(to_hex(i), 32, '0')::uuid, i FROM generate_series(1, 50000) i;
ANALYZE ids_random, ids_time;

-- A partitioned table: its index is judged over its partitions' indexes
-- (one finding, for the parent; a partitioned index takes no
-- CONCURRENTLY), and so is its foreign key.
CREATE TABLE pt (id int, p int REFERENCES parent (p), v int) PARTITION BY RANGE (id);
CREATE TABLE pt_1 PARTITION OF pt FOR VALUES FROM (0) TO (1000);
CREATE TABLE pt_2 PARTITION OF pt FOR VALUES FROM (1000) TO (2000);
INSERT INTO pt SELECT i, i % 100 + 1, i FROM generate_series(0, 1999) i;
CREATE INDEX pt_v ON pt (v);

-- In use: these are scanned (the others never are).  Statistics first,
-- so that the plans do not depend on when autovacuum analyzes.
ANALYZE ev, child, bl;
SELECT use_index('SELECT count(*) FROM ev WHERE a = 1 AND b = 1');
SELECT use_index('SELECT count(*) FROM ev WHERE c = ''x'' AND a = 1');
SELECT use_index('SELECT count(*) FROM ev WHERE d = 3 AND e = 3');
SELECT use_index('SELECT count(*) FROM bl WHERE id = 10');
SELECT use_index('SELECT count(*) FROM child WHERE y = 1 AND x = 1');
SELECT use_index('SELECT count(*) FROM ids_random WHERE u = ''00000000-0000-0000-0000-000000000001''');
SELECT use_index('SELECT count(*) FROM ids_time WHERE u = ''00000000-0000-0000-0000-000000000001''');
SELECT pg_stat_force_next_flush();

SELECT kind, severity, table_name, index_name, suggestion FROM report ORDER BY kind, index_name::text;

-- The report's own order: severity, then bytes to gain.
SELECT bool_and(rank >= lag_rank) AS ordered_by_severity
  FROM (SELECT CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END AS rank,
               lag(CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, 1, 0) OVER (ORDER BY n) AS lag_rank
          FROM ixstat.index_report('ixr') WITH ORDINALITY r(kind, severity, t, i, detail, suggestion, n)) s;

-- What detail says, without sizes and times.
SELECT kind, index_name,
       detail ~ 'per server' AS per_server, detail ~ 'statistics were last reset' AS reset_time
  FROM ixstat.index_report('ixr') WHERE kind = 'unused' AND index_name = 'ixr.acct_note'::regclass;
SELECT kind, index_name, detail ~ 'ev_dup1, which stays' AS names_keeper
  FROM ixstat.index_report('ixr') WHERE kind = 'duplicate' ORDER BY 2::text;
SELECT kind, detail ~ 'the table is \d+ kB' AS gives_size, detail ~ 'references ixr.parent' AS names_parent
  FROM ixstat.index_report('ixr') WHERE kind = 'unindexed_fk';
SELECT kind, index_name, detail ~ 'uuid' AS names_type, detail ~ '% full' AS gives_fill
  FROM ixstat.index_report('ixr') WHERE kind = 'random_order';
SELECT kind, index_name, detail ~ 'estimated from 64 sampled pages' AS sampled
  FROM ixstat.index_report('ixr') WHERE kind = 'bloated';
SELECT kind, index_name, detail ~ 'every page read' AS deep
  FROM ixstat.index_report('ixr', deep => true) WHERE kind = 'bloated';

-- min_table_bytes leaves small tables out; a pattern that matches nothing
-- reports nothing.
SELECT count(*) FROM ixstat.index_report('ixr', min_table_bytes => 1024 * 1024 * 1024);
SELECT count(*) FROM ixstat.index_report('no_such_schema');

-- The cluster report needs Citus.
SELECT * FROM ixstat.cluster_index_report();

-- Privileges: pg_monitor may run it; a plain role may not.
CREATE ROLE ixr_plain;
CREATE ROLE ixr_monitor IN ROLE pg_monitor;
SET ROLE ixr_plain;
SELECT count(*) FROM ixstat.index_report('ixr');
RESET ROLE;
SET ROLE ixr_monitor;
SELECT kind, count(*) FROM ixstat.index_report('ixr') GROUP BY kind ORDER BY kind;
RESET ROLE;
DROP ROLE ixr_plain;
DROP ROLE ixr_monitor;

-- Run every suggestion, in the report's order; then the new foreign-key
-- indexes serve a DELETE on the referenced table (their first scans), and
-- the report is clean.
SELECT suggestion FROM ixstat.index_report('ixr') \gexec
INSERT INTO parent VALUES (101, 101, 101);
SET enable_seqscan = off;
DELETE FROM parent WHERE x = 101;
RESET enable_seqscan;
SELECT pg_stat_force_next_flush();
SELECT kind, severity, table_name, index_name, suggestion FROM report ORDER BY kind, index_name::text;

RESET search_path;
DROP SCHEMA ixr CASCADE;
