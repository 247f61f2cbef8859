-- TokenQuota SQLite schema, version 1.
-- Times are Unix milliseconds (UTC). The seed's tables keep their names and columns, so the seed's sqlite3
-- verification queries work on this file.

CREATE TABLE consumption_profiles (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    name                    VARCHAR(100) NOT NULL COLLATE NOCASE UNIQUE,
    description             TEXT,
    prompts_per_hour        INTEGER NOT NULL DEFAULT 100  CHECK (prompts_per_hour >= 0),
    prompts_per_day         INTEGER NOT NULL DEFAULT 1000 CHECK (prompts_per_day >= 0),
    config_changes_per_hour INTEGER NOT NULL DEFAULT 10   CHECK (config_changes_per_hour >= 0),
    input_tokens_per_month  INTEGER CHECK (input_tokens_per_month IS NULL OR input_tokens_per_month >= 0),   -- NULL = unlimited
    output_tokens_per_month INTEGER CHECK (output_tokens_per_month IS NULL OR output_tokens_per_month >= 0), -- NULL = unlimited
    is_default              BOOLEAN NOT NULL DEFAULT 0,
    is_active               BOOLEAN NOT NULL DEFAULT 1,
    created_at              INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL
);

-- At most one default profile, enforced by the database as well as by the core.
CREATE UNIQUE INDEX idx_consumption_profiles_single_default ON consumption_profiles (is_default) WHERE is_default = 1;

CREATE TABLE user_token_usage (
    id                 INTEGER PRIMARY KEY,
    user_id            VARCHAR(128) NOT NULL,
    period             VARCHAR(7) NOT NULL,  -- YYYY-MM, UTC
    input_tokens_used  INTEGER NOT NULL DEFAULT 0,
    output_tokens_used INTEGER NOT NULL DEFAULT 0,
    total_tokens_used  INTEGER NOT NULL DEFAULT 0,
    first_usage_at     INTEGER NOT NULL,
    last_usage_at      INTEGER NOT NULL
);

CREATE UNIQUE INDEX idx_user_token_usage_user_period ON user_token_usage (user_id, period);
CREATE INDEX idx_user_token_usage_period ON user_token_usage (period);

-- The library's own assignment table: it never touches a host's users table.
CREATE TABLE tokenquota_assignments (
    user_id     VARCHAR(128) NOT NULL PRIMARY KEY,
    profile_id  INTEGER NOT NULL REFERENCES consumption_profiles (id),
    assigned_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX idx_tokenquota_assignments_profile ON tokenquota_assignments (profile_id);

-- One counter per user and rate window (prompts_hourly, prompts_daily, config_hourly).
CREATE TABLE tokenquota_rate_windows (
    user_id       VARCHAR(128) NOT NULL,
    window_key    VARCHAR(32) NOT NULL,
    window_start  INTEGER NOT NULL,  -- Unix seconds
    request_count INTEGER NOT NULL,
    PRIMARY KEY (user_id, window_key)
) WITHOUT ROWID;

CREATE TABLE tokenquota_audit_log (
    id          INTEGER PRIMARY KEY,
    occurred_at INTEGER NOT NULL,
    actor       TEXT,
    action      TEXT NOT NULL,
    target      TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT
);

CREATE INDEX idx_tokenquota_audit_log_occurred_at ON tokenquota_audit_log (occurred_at);

-- config_version is incremented by every administrative change; caches compare it.
CREATE TABLE tokenquota_state (
    key   VARCHAR(64) NOT NULL PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO tokenquota_state (key, value) VALUES ('config_version', 1);

-- The four profiles of the seed, exactly; Free is the default. Seeded once: a later start never brings back a
-- profile an admin deleted.
INSERT INTO consumption_profiles
    (name, description, prompts_per_hour, prompts_per_day, config_changes_per_hour,
     input_tokens_per_month, output_tokens_per_month, is_default, is_active, created_at, updated_at)
VALUES
    ('Free',       'Free tier',                   50,   500,   5,  100000,  50000,   1, 1, $now, $now),
    ('Pro',        'Pro tier',                   200,  2000,  20,  500000,  250000,  0, 1, $now, $now),
    ('Enterprise', 'Enterprise tier',            500,  5000,  50, 2000000, 1000000,  0, 1, $now, $now),
    ('Unlimited',  'Unlimited tokens',          1000, 10000, 100,    NULL,    NULL,  0, 1, $now, $now);
