-- TokenQuota SQLite schema, version 4: a user's two prompt windows in one row.
-- Every prompt judges and charges its hourly and its daily window together. Kept as two rows of a table of windows by
-- key, each prompt wrote two rows; here both windows live in one row per user, so a prompt is one single-row write.
-- The other windows (configuration changes) stay in the table of
-- windows by key, renamed tokenquota_keyed_rate_windows. The view tokenquota_rate_windows shows every window as before,
-- one row per user and key (a prompt window with a start of 0 has never been charged and is not shown).

ALTER TABLE tokenquota_rate_windows RENAME TO tokenquota_keyed_rate_windows;

CREATE TABLE tokenquota_prompt_windows (
    user_id    VARCHAR(128) NOT NULL PRIMARY KEY,
    hour_start INTEGER NOT NULL,  -- Unix seconds: the start of the prompts_hourly window
    hour_count INTEGER NOT NULL,
    day_start  INTEGER NOT NULL,  -- Unix seconds: the start of the prompts_daily window
    day_count  INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO tokenquota_prompt_windows (user_id, hour_start, hour_count, day_start, day_count)
SELECT user_id,
       COALESCE(MAX(CASE WHEN window_key = 'prompts_hourly' THEN window_start END), 0),
       COALESCE(MAX(CASE WHEN window_key = 'prompts_hourly' THEN request_count END), 0),
       COALESCE(MAX(CASE WHEN window_key = 'prompts_daily' THEN window_start END), 0),
       COALESCE(MAX(CASE WHEN window_key = 'prompts_daily' THEN request_count END), 0)
FROM tokenquota_keyed_rate_windows
WHERE window_key IN ('prompts_hourly', 'prompts_daily')
GROUP BY user_id;

DELETE FROM tokenquota_keyed_rate_windows WHERE window_key IN ('prompts_hourly', 'prompts_daily');

CREATE VIEW tokenquota_rate_windows (user_id, window_key, window_start, request_count) AS
SELECT user_id, window_key, window_start, request_count FROM tokenquota_keyed_rate_windows
UNION ALL
SELECT user_id, 'prompts_hourly', hour_start, hour_count FROM tokenquota_prompt_windows WHERE hour_start <> 0
UNION ALL
SELECT user_id, 'prompts_daily', day_start, day_count FROM tokenquota_prompt_windows WHERE day_start <> 0;
