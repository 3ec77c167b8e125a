-- footfall schema, migration 001.  Idempotent: safe to apply again.
-- Tables live in schema footfall, owned by footfall_owner, a role that
-- cannot log in.  The role footfall connects as is a member of
-- footfall_app, which may only EXECUTE the functions in footfall_api.
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'footfall_owner') THEN
		CREATE ROLE footfall_owner NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'footfall_app') THEN
		CREATE ROLE footfall_app NOLOGIN;
	END IF;
END $$;

CREATE SCHEMA IF NOT EXISTS footfall AUTHORIZATION footfall_owner;
CREATE SCHEMA IF NOT EXISTS footfall_api AUTHORIZATION footfall_owner;
REVOKE ALL ON SCHEMA footfall FROM PUBLIC;
REVOKE ALL ON SCHEMA footfall_api FROM PUBLIC;
GRANT USAGE ON SCHEMA footfall_api TO footfall_app;

-- One row per visitor hash (HMAC-SHA256, 32 bytes; never an address).
-- counted_at is when the visitor was last counted as unique.
CREATE TABLE IF NOT EXISTS footfall.visitor (
	hash		bytea PRIMARY KEY CHECK (octet_length(hash) = 32),
	counted_at	timestamptz NOT NULL
);
ALTER TABLE footfall.visitor OWNER TO footfall_owner;

-- The totals are spread over 64 rows so that concurrent visits do not
-- queue on one hot row; the numbers are the sums.
CREATE TABLE IF NOT EXISTS footfall.total (
	slot		smallint PRIMARY KEY CHECK (slot >= 0 AND slot < 64),
	visits		bigint NOT NULL DEFAULT 0 CHECK (visits >= 0),
	uniques		bigint NOT NULL DEFAULT 0 CHECK (uniques >= 0)
);
ALTER TABLE footfall.total OWNER TO footfall_owner;
INSERT INTO footfall.total (slot)
	SELECT generate_series(0, 63) ON CONFLICT DO NOTHING;
