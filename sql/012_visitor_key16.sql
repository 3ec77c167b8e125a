-- footfall upgrade step 012: a visitor's stored key is the first 16
-- bytes of its HMAC-SHA256 (128 bits) instead of all 32.  With a
-- million visitors the primary key's index, which every counted visit
-- probes and writes at a random place, shrinks from 73 to 50 MB, and
-- the table with its indexes from 175 to 137 MB (doc/bench.md), so more
-- of it stays in shared buffers.  128 bits keep two visitors' keys
-- apart: among a billion visitors in one window, the odds that any two
-- share a key are below 10^-20.
--
-- The stored keys are cut to their first 16 bytes, which is what
-- footfall now computes for the same visitor under the same key, so
-- every visitor keeps its window.  Should two stored keys share their
-- first 16 bytes, the one counted last is kept (one visitor, as it
-- would have been had it been stored so).  count_batch (functions.sql)
-- cuts the 32-byte keys of a footfall still running the binary from
-- before this step the same way.
--
-- Between this step's commit and functions.sql's, the count_batch of
-- before this step fails the batches that it is called for (their
-- 32-byte keys break the new CHECK): those visits are answered with an
-- error, none counted twice or lost unanswered.  Idempotent.
ALTER TABLE footfall.visitor DROP CONSTRAINT IF EXISTS visitor_hash_check;
DELETE FROM footfall.visitor v
 USING footfall.visitor w
 WHERE octet_length(v.hash) = 32 AND octet_length(w.hash) = 32
   AND substring(v.hash FROM 1 FOR 16) = substring(w.hash FROM 1 FOR 16)
   AND (v.counted_at, v.hash) < (w.counted_at, w.hash);
UPDATE footfall.visitor SET hash = substring(hash FROM 1 FOR 16)
 WHERE octet_length(hash) = 32;
ALTER TABLE footfall.visitor
    ADD CONSTRAINT visitor_hash_check CHECK (octet_length(hash) = 16);
