-- TokenQuota SQLite schema, version 5: a running total of each user's held reservations, and indexes that keep every
-- reservation step independent of the user's history.
-- tokenquota_reserved_totals holds, per user and period, the sum of the estimates of that user's held rows in
-- tokenquota_reservations (expired or not): a hold adds to it, a commit, a release or the purge of an expired hold
-- takes its estimate back in the same transaction. A check reads the live reserved amount as that total less the
-- user's expired holds not yet purged, found through the index of held rows by expiry.
-- Committed rows (kept a day so that a retried commit never counts twice) are purged in the background through the
-- index of committed rows by commit time, never by the user's own reservation.

CREATE TABLE tokenquota_reserved_totals (
    user_id       VARCHAR(128) NOT NULL,
    period        VARCHAR(7) NOT NULL,
    input_tokens  INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    PRIMARY KEY (user_id, period)
) WITHOUT ROWID;

INSERT INTO tokenquota_reserved_totals (user_id, period, input_tokens, output_tokens)
SELECT user_id, period, SUM(input_tokens), SUM(output_tokens)
FROM tokenquota_reservations
WHERE state = 'held'
GROUP BY user_id, period;

DROP INDEX idx_tokenquota_reservations_user;

CREATE INDEX idx_tokenquota_reservations_held ON tokenquota_reservations (user_id, expires_at) WHERE state = 'held';

CREATE INDEX idx_tokenquota_reservations_committed ON tokenquota_reservations (committed_at) WHERE state = 'committed';
