-- Schema 8: templates (imported eggs) and what each server installs with.
-- A template is kept whole as a row document in the store's own form (TemplateRow); its id is the node's name for it.

CREATE TABLE templates (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    document    TEXT    NOT NULL,                          -- TemplateRow JSON (row format 1)
    imported_at INTEGER NOT NULL                           -- epoch milliseconds, UTC
);

-- A server's install script (from its template, or given with an install request) and how its last install went.
-- status: installing (written before the helper starts, so a crash leaves a row the next boot marks failed),
-- installed, failed.
CREATE TABLE server_installs (
    server_id   TEXT    NOT NULL PRIMARY KEY REFERENCES servers (id) ON DELETE CASCADE,
    template_id TEXT,
    image       TEXT,
    entrypoint  TEXT    NOT NULL,
    script      TEXT    NOT NULL,
    status      TEXT,                                      -- null: never installed
    reason      TEXT,
    started_at  INTEGER,
    finished_at INTEGER
);
