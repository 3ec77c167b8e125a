-- footfall upgrade step 007: the ids of committed batches, by which
-- footfall learns whether a batch whose commit answer was lost did
-- commit, on whichever server is the primary by then.  Idempotent.
CREATE TABLE IF NOT EXISTS footfall.batch (
	id		uuid PRIMARY KEY,
	at		timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE footfall.batch OWNER TO footfall_owner;
