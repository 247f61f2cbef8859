-- TokenQuota PostgreSQL schema, version 5: a profile's calendar and extra limits (DESIGN §7), as in the SQLite store
-- (see its migration "profile_limits"), kept beside the seed's columns so that consumption_profiles keeps exactly the
-- seed's shape. A profile without a row here has the default calendar (UTC, anchor day 1) and only its standard limits.
-- limits holds one limit per line in the text form meter/window[:algorithm]=amount[@model].

CREATE TABLE {schema}.tokenquota_profile_limits (
    profile_id BIGINT PRIMARY KEY REFERENCES {schema}.consumption_profiles (id) ON DELETE CASCADE,
    time_zone  VARCHAR(64) NOT NULL DEFAULT 'UTC',
    anchor_day INTEGER NOT NULL DEFAULT 1 CHECK (anchor_day BETWEEN 1 AND 31),
    limits     TEXT NOT NULL DEFAULT ''
);

-- The counters of extra limits, as in the SQLite store: one row per user and limit, whatever the window.
CREATE TABLE {schema}.tokenquota_limit_counters (
    user_id      VARCHAR(128) NOT NULL,
    limit_key    VARCHAR(300) NOT NULL,
    window_start BIGINT NOT NULL,
    window_end   BIGINT NOT NULL,
    count        BIGINT NOT NULL,
    state        TEXT NULL,
    PRIMARY KEY (user_id, limit_key)
);

-- What each live reservation holds against extra limits (one row per reservation that meets any), read with the
-- reservation's own row so that a committed, released or expired reservation stops counting with it; rows left behind
-- are removed at the user's next reservation that meets extra limits.
CREATE TABLE {schema}.tokenquota_limit_holds (
    request_id VARCHAR(128) NOT NULL PRIMARY KEY,
    user_id    VARCHAR(128) NOT NULL,
    expires_at BIGINT NOT NULL,
    holds      TEXT NOT NULL
);

CREATE INDEX idx_tokenquota_limit_holds_user ON {schema}.tokenquota_limit_holds (user_id, expires_at);
