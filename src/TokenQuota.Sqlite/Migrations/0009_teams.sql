-- TokenQuota SQLite schema, version 9: teams and organisations (DESIGN §7, "Subject levels"). A user is in at most one
-- team (the primary key of tokenquota_team_members), a team in at most one organisation. A team's and an
-- organisation's counters live in tokenquota_limit_counters under a subject id that no user id can take.

CREATE TABLE tokenquota_organisations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       VARCHAR(100) NOT NULL UNIQUE COLLATE NOCASE,
    profile_id INTEGER NULL REFERENCES consumption_profiles (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE tokenquota_teams (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            VARCHAR(100) NOT NULL UNIQUE COLLATE NOCASE,
    organisation_id INTEGER NULL REFERENCES tokenquota_organisations (id),
    profile_id      INTEGER NULL REFERENCES consumption_profiles (id),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

CREATE INDEX idx_tokenquota_teams_organisation ON tokenquota_teams (organisation_id);

CREATE TABLE tokenquota_team_members (
    user_id   VARCHAR(128) NOT NULL PRIMARY KEY,
    team_id   INTEGER NOT NULL REFERENCES tokenquota_teams (id),
    joined_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX idx_tokenquota_team_members_team ON tokenquota_team_members (team_id, user_id);

-- What live reservations hold against a team's or an organisation's limits: one row per subject and reservation,
-- read by every member's reservation and, like tokenquota_limit_holds, counting only while the reservation is held.
CREATE TABLE tokenquota_subject_holds (
    subject    VARCHAR(64) NOT NULL,
    request_id VARCHAR(128) NOT NULL,
    expires_at INTEGER NOT NULL,
    holds      TEXT NOT NULL,
    PRIMARY KEY (subject, request_id)
) WITHOUT ROWID;

CREATE INDEX idx_tokenquota_subject_holds_expiry ON tokenquota_subject_holds (subject, expires_at);
