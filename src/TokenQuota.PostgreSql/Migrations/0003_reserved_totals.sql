-- TokenQuota PostgreSQL schema, version 3: a running total of each user's held reservations, and indexes that keep
-- every reservation step independent of the user's history (see the SQLite migration "reserved_totals").

CREATE TABLE {schema}.tokenquota_reserved_totals (
    user_id       VARCHAR(128) NOT NULL,
    period        VARCHAR(7) NOT NULL,
    input_tokens  BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    PRIMARY KEY (user_id, period)
);

INSERT INTO {schema}.tokenquota_reserved_totals (user_id, period, input_tokens, output_tokens)
SELECT user_id, period, SUM(input_tokens), SUM(output_tokens)
FROM {schema}.tokenquota_reservations
WHERE state = 'held'
GROUP BY user_id, period;

DROP INDEX {schema}.ix_tokenquota_reservations_user;

CREATE INDEX ix_tokenquota_reservations_held ON {schema}.tokenquota_reservations (user_id, expires_at) WHERE state = 'held';

CREATE INDEX ix_tokenquota_reservations_committed ON {schema}.tokenquota_reservations (committed_at) WHERE state = 'committed';
