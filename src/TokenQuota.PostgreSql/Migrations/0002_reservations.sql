-- TokenQuota PostgreSQL schema, version 2: reservations (see the SQLite migration of the same number).

CREATE TABLE {schema}.tokenquota_reservations (
    request_id    VARCHAR(128) NOT NULL PRIMARY KEY,
    user_id       VARCHAR(128) NOT NULL,
    period        VARCHAR(7) NOT NULL,
    input_tokens  BIGINT NOT NULL CHECK (input_tokens >= 0),
    output_tokens BIGINT NOT NULL CHECK (output_tokens >= 0),
    state         VARCHAR(16) NOT NULL CHECK (state IN ('held', 'committed')),
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    committed_at  BIGINT
);

CREATE INDEX ix_tokenquota_reservations_user ON {schema}.tokenquota_reservations (user_id, state, period, expires_at);
