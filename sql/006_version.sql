-- footfall upgrade step 006: the record of the steps applied, so that
-- sql/apply runs only the ones a database lacks.  Idempotent.
CREATE TABLE IF NOT EXISTS footfall.schema_version (
	version		integer PRIMARY KEY,
	applied_at	timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE footfall.schema_version OWNER TO footfall_owner;
