-- TokenQuota SQLite schema, version 6: a profile's calendar and extra limits (DESIGN §7), kept beside the seed's
-- columns so that consumption_profiles keeps exactly the seed's shape. A profile without a row here has the default
-- calendar (UTC, anchor day 1) and only its standard limits, so every existing profile keeps what it had.
-- limits holds one limit per line in the text form meter/window[:algorithm]=amount[@model].

CREATE TABLE tokenquota_profile_limits (
    profile_id INTEGER PRIMARY KEY REFERENCES consumption_profiles (id) ON DELETE CASCADE,
    time_zone  VARCHAR(64) NOT NULL DEFAULT 'UTC',
    anchor_day INTEGER NOT NULL DEFAULT 1 CHECK (anchor_day BETWEEN 1 AND 31),
    limits     TEXT NOT NULL DEFAULT ''
);
