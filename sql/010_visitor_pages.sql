-- footfall upgrade step 010: a page's unique visitors are kept in the
-- visitor's own row (visitor.pages, the pages it was counted on in its
-- window) instead of a row per visitor and page (page_visitor, 008):
-- a new visitor's page then writes no row, and a batch's WAL shrinks
-- by a third (doc/bench.md).
-- What page_visitor knew of each visitor's current window is carried:
-- its rows are keyed by SHA-256(visitor hash || page id), so each
-- visitor and page is tried (a hash and a probe per pair, once).
-- Idempotent.
ALTER TABLE footfall.visitor
    ADD COLUMN IF NOT EXISTS pages integer[] NOT NULL DEFAULT '{}';
DO $$
BEGIN
	IF to_regclass('footfall.page_visitor') IS NULL THEN
		RETURN;
	END IF;
	UPDATE footfall.visitor v SET pages = m.pages
	  FROM (SELECT x.hash, array_agg(g.id ORDER BY g.id) AS pages
	      FROM footfall.visitor x CROSS JOIN footfall.page g
	      JOIN footfall.page_visitor pv
	          ON pv.hash = sha256(x.hash || int4send(g.id))
	     WHERE pv.counted_at >= x.counted_at
	     GROUP BY x.hash) m
	 WHERE v.hash = m.hash;
	DROP TABLE footfall.page_visitor;
END $$;
