-- TokenQuota PostgreSQL schema, version 5: a profile carries its calendar and its extra limits (DESIGN §7), as in the
-- SQLite store (see its migration "profile_limits"). limits holds one limit per line in the text form
-- meter/window[:algorithm]=amount[@model]; existing profiles keep only their standard limits and the default calendar.

ALTER TABLE {schema}.consumption_profiles
    ADD COLUMN time_zone VARCHAR(64) NOT NULL DEFAULT 'UTC',
    ADD COLUMN anchor_day INTEGER NOT NULL DEFAULT 1 CHECK (anchor_day BETWEEN 1 AND 31),
    ADD COLUMN limits TEXT NOT NULL DEFAULT '';
