-- TokenQuota PostgreSQL schema, version 6: money (DESIGN §7, "Money"), as in the SQLite store (see its
-- migration "money"): one row per model filter and the instant its price takes effect (Unix milliseconds), prices
-- in whole nano-units per million tokens.

CREATE TABLE {schema}.tokenquota_model_prices (
    model                 VARCHAR(200) NOT NULL,
    effective_from        BIGINT NOT NULL,
    input_nano            BIGINT NOT NULL CHECK (input_nano >= 0),
    cached_input_nano     BIGINT NULL CHECK (cached_input_nano >= 0),
    output_nano           BIGINT NOT NULL CHECK (output_nano >= 0),
    reasoning_nano        BIGINT NULL CHECK (reasoning_nano >= 0),
    PRIMARY KEY (model, effective_from)
);

-- Usage by user, month and model, as in the SQLite store.
CREATE TABLE {schema}.tokenquota_model_usage (
    user_id             VARCHAR(128) NOT NULL,
    period              VARCHAR(7) NOT NULL,
    model               VARCHAR(200) NOT NULL,
    calls               BIGINT NOT NULL,
    input_tokens        BIGINT NOT NULL,
    cached_input_tokens BIGINT NOT NULL,
    output_tokens       BIGINT NOT NULL,
    reasoning_tokens    BIGINT NOT NULL,
    cost_nano           BIGINT NOT NULL,
    PRIMARY KEY (user_id, period, model)
);

CREATE INDEX idx_tokenquota_model_usage_period ON {schema}.tokenquota_model_usage (period, model);
