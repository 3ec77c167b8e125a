-- bench/run: one footfall visit per transaction, footfall's own SQL,
-- for pgbench -f.  The visitor is the SHA-256 of an integer (32 bytes,
-- as footfall's HMAC), drawn as bench/visitors.lua draws addresses: one
-- visit in ten from a hot set of 200 returning visitors, the others
-- from a pool of 2^20, so that most visits are new.
\set hot random(1, 10)
\set v CASE WHEN :hot = 1 THEN random(1, 200) ELSE 1000 + random(0, 1048575) END
SELECT * FROM footfall_api.record_visit(sha256(int8send(:v)), 86400);
