-- TokenQuota SQLite schema, version 7: money (DESIGN §7, "Money"): the price catalogue and usage by model. One row per model filter (an exact id
-- or a prefix ending in '*') and the instant its price takes effect (Unix milliseconds); prices are whole nano-units
-- (10^-9 of the installation's currency) per million tokens. A NULL cached-input or reasoning price means "as input"
-- or "as output".

CREATE TABLE tokenquota_model_prices (
    model                 VARCHAR(200) NOT NULL,
    effective_from        INTEGER NOT NULL,
    input_nano            INTEGER NOT NULL CHECK (input_nano >= 0),
    cached_input_nano     INTEGER NULL CHECK (cached_input_nano >= 0),
    output_nano           INTEGER NOT NULL CHECK (output_nano >= 0),
    reasoning_nano        INTEGER NULL CHECK (reasoning_nano >= 0),
    PRIMARY KEY (model, effective_from)
) WITHOUT ROWID;

-- Usage by user, month and model (ids lower-cased), written with the usage of every record and commit that names a model:
-- who spent what on which model. Cached input tokens are part of input_tokens and reasoning tokens part of output_tokens,
-- as providers report them; cost_nano is the cost priced at the time of each call (0 for an unpriced model).
CREATE TABLE tokenquota_model_usage (
    user_id             VARCHAR(128) NOT NULL,
    period              VARCHAR(7) NOT NULL,
    model               VARCHAR(200) NOT NULL,
    calls               INTEGER NOT NULL,
    input_tokens        INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL,
    output_tokens       INTEGER NOT NULL,
    reasoning_tokens    INTEGER NOT NULL,
    cost_nano           INTEGER NOT NULL,
    PRIMARY KEY (user_id, period, model)
) WITHOUT ROWID;

CREATE INDEX idx_tokenquota_model_usage_period ON tokenquota_model_usage (period, model);
