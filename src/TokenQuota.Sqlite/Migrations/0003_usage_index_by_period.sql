-- TokenQuota SQLite schema, version 3: the usage table's unique key is indexed period first.
-- The hot rows of a usage table are the current month's. Indexed (user_id, period), each user's twelve months sit
-- side by side, so the current month's entries are spread over every page of the index; indexed (period, user_id),
-- they are contiguous: a check or a record for 100,000 users touches about a quarter of the index pages, which stay
-- in the connections' caches. The constraint is the same (one row per user and period); a user's history is served
-- by a second index, (user_id, period), which replaces the period-only index (the unique index now serves periods).

DROP INDEX idx_user_token_usage_user_period;
DROP INDEX idx_user_token_usage_period;
CREATE UNIQUE INDEX idx_user_token_usage_period_user ON user_token_usage (period, user_id);
CREATE INDEX idx_user_token_usage_user ON user_token_usage (user_id, period);
