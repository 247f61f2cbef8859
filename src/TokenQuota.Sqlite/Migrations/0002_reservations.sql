-- TokenQuota SQLite schema, version 2: reservations.
-- A held reservation counts against its user's period until it is committed, released or its expires_at passes.
-- Committed rows are kept (state 'committed', with the actual amounts) so a retried commit never counts twice;
-- they are purged a day after commit.

CREATE TABLE tokenquota_reservations (
    request_id    VARCHAR(128) NOT NULL PRIMARY KEY,
    user_id       VARCHAR(128) NOT NULL,
    period        VARCHAR(7) NOT NULL,
    input_tokens  INTEGER NOT NULL CHECK (input_tokens >= 0),
    output_tokens INTEGER NOT NULL CHECK (output_tokens >= 0),
    state         VARCHAR(16) NOT NULL CHECK (state IN ('held', 'committed')),
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    committed_at  INTEGER
) WITHOUT ROWID;

CREATE INDEX idx_tokenquota_reservations_user ON tokenquota_reservations (user_id, state, period, expires_at);
