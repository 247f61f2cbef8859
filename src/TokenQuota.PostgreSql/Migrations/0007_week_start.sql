-- TokenQuota PostgreSQL schema, version 7: the day a profile's weeks start, as in the SQLite store (see its migration
-- "week_start"). Every existing row keeps Monday.

ALTER TABLE {schema}.tokenquota_profile_limits ADD COLUMN week_start INTEGER NOT NULL DEFAULT 1 CHECK (week_start BETWEEN 0 AND 6);
