-- Schema 9: game updates (the Atlas flow). A server's update source and the version its files hold; its history.

CREATE TABLE update_sources (
    server_id      TEXT    NOT NULL PRIMARY KEY REFERENCES servers (id) ON DELETE CASCADE,
    manifest       TEXT,                                   -- null: no source (the row keeps the version only)
    check_seconds  INTEGER,
    auto           INTEGER NOT NULL DEFAULT 0,
    preserve       TEXT    NOT NULL DEFAULT '',            -- paths, one per line
    ready_seconds  INTEGER,
    max_backups    INTEGER,
    version        TEXT                                    -- the version the files hold; null: never updated
);

-- One row per update; outcome running is written before anything is touched, so a crash leaves a row the next
-- boot settles (its stage says how far it got; backup_id names the backup to restore). Kept when the server is
-- deleted, like its backups.
CREATE TABLE update_history (
    id          TEXT    NOT NULL PRIMARY KEY,
    server_id   TEXT    NOT NULL,
    from_version TEXT,
    to_version  TEXT    NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    outcome     TEXT    NOT NULL,
    stage       TEXT    NOT NULL,
    backup_id   TEXT,
    reason      TEXT
);
CREATE INDEX update_history_server ON update_history (server_id, started_at);
