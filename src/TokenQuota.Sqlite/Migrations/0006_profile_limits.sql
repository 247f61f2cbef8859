-- TokenQuota SQLite schema, version 6: a profile's calendar and extra limits (DESIGN §7), and their counters, kept beside the seed's
-- columns so that consumption_profiles keeps exactly the seed's shape. A profile without a row here has the default
-- calendar (UTC, anchor day 1) and only its standard limits, so every existing profile keeps what it had.
-- limits holds one limit per line in the text form meter/window[:algorithm]=amount[@model].

CREATE TABLE tokenquota_profile_limits (
    profile_id INTEGER PRIMARY KEY REFERENCES consumption_profiles (id) ON DELETE CASCADE,
    time_zone  VARCHAR(64) NOT NULL DEFAULT 'UTC',
    anchor_day INTEGER NOT NULL DEFAULT 1 CHECK (anchor_day BETWEEN 1 AND 31),
    limits     TEXT NOT NULL DEFAULT ''
);

-- The counters of extra limits: one row per user and limit (its text form without the amount), whatever the window;
-- window_start/window_end bound a fixed window's count, state holds a token bucket's or a sliding window's state.
CREATE TABLE tokenquota_limit_counters (
    user_id      VARCHAR(128) NOT NULL,
    limit_key    VARCHAR(300) NOT NULL,
    window_start INTEGER NOT NULL,
    window_end   INTEGER NOT NULL,
    count        INTEGER NOT NULL,
    state        TEXT NULL,
    PRIMARY KEY (user_id, limit_key)
) WITHOUT ROWID;

-- What each live reservation holds against extra limits (one row per reservation that meets any), read with the
-- reservation's own row so that a committed, released or expired reservation stops counting with it; rows left behind
-- are removed at the user's next reservation that meets extra limits.
CREATE TABLE tokenquota_limit_holds (
    request_id VARCHAR(128) NOT NULL PRIMARY KEY,
    user_id    VARCHAR(128) NOT NULL,
    expires_at INTEGER NOT NULL,
    holds      TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX idx_tokenquota_limit_holds_user ON tokenquota_limit_holds (user_id, expires_at);
