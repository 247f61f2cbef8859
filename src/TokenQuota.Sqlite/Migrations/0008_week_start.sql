-- TokenQuota SQLite schema, version 8: the day a profile's weeks start (DESIGN §7, the calendar), as DayOfWeek's number
-- (Sunday 0, Monday 1). Every existing row keeps Monday, the day its week windows started on before.

ALTER TABLE tokenquota_profile_limits ADD COLUMN week_start INTEGER NOT NULL DEFAULT 1 CHECK (week_start BETWEEN 0 AND 6);
