-- TokenQuota SQLite schema, version 7: the price catalogue (DESIGN §7, "Money"). One row per model filter (an exact id
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
