-- TokenQuota PostgreSQL schema, version 6: the price catalogue (DESIGN §7, "Money"), as in the SQLite store (see its
-- migration "model_prices"): one row per model filter and the instant its price takes effect (Unix milliseconds), prices
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
