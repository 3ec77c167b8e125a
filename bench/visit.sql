-- bench/run: one footfall visit per transaction, called as footfall
-- calls count_batch (src/db.c) with the shipped settings: counter
-- "default", a tracked visit with no previous key, the visit log on,
-- count_interval 0, max_counters 100; for pgbench -f.  The visitor is
-- the first 16 bytes of the SHA-256 of an integer (as footfall's
-- visitor key, the first 16 of an HMAC), drawn as
-- bench/visitors.lua draws addresses: one visit in ten from a hot set of
-- 200 returning visitors, the others from a pool of 2^20, so that most
-- visits are new.
\set hot random(1, 10)
\set v CASE WHEN :hot = 1 THEN random(1, 200) ELSE 1000 + random(0, 1048575) END
SELECT * FROM footfall_api.count_batch(ARRAY['default'], ARRAY['t'],
    ARRAY[substring(sha256(int8send(:v)) FROM 1 FOR 16)], NULL, ARRAY['/'], ARRAY[NULL::text],
    ARRAY['Firefox'], 86400, 0, 100, true);
