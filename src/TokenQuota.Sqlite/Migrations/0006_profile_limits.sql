-- TokenQuota SQLite schema, version 6: a profile carries its calendar and its extra limits (DESIGN §7).
-- limits holds one limit per line in the text form meter/window[:algorithm]=amount[@model]; existing profiles keep
-- only their standard limits and the default calendar (UTC, anchor day 1).

ALTER TABLE consumption_profiles ADD COLUMN time_zone VARCHAR(64) NOT NULL DEFAULT 'UTC';
ALTER TABLE consumption_profiles ADD COLUMN anchor_day INTEGER NOT NULL DEFAULT 1 CHECK (anchor_day BETWEEN 1 AND 31);
ALTER TABLE consumption_profiles ADD COLUMN limits TEXT NOT NULL DEFAULT '';
