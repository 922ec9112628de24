-- Schema 7: backups of servers' files, written before the archive is (status running), answered when it is
-- complete or has failed, so a daemon that dies mid-backup finds the row at boot, removes the half-written
-- archive it names and records why it failed.

-- No foreign key to servers: what happens to a deleted server's backups is the backup service's call.
CREATE TABLE backups (
    id          TEXT    NOT NULL PRIMARY KEY,          -- UUID, the {bid}
    server_id   TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,                      -- epoch milliseconds, UTC
    finished_at INTEGER,                               -- epoch milliseconds, UTC; null while running
    status      TEXT    NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
    size_bytes  INTEGER,                               -- completed: the archive's size
    sha256      TEXT,                                  -- completed: the archive's SHA-256, lower-case hex
    format      TEXT    NOT NULL,                      -- tar.zst (what Raptor writes), tar.gz (imported)
    adapter     TEXT    NOT NULL,                      -- where the archive lives: local, s3
    location    TEXT    NOT NULL,                      -- the archive's key within its adapter
    locked      INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),  -- 1: retention never prunes it
    reason      TEXT,                                  -- failed: why
    CHECK ((status = 'running') = (finished_at IS NULL)),
    CHECK (status <> 'completed' OR (size_bytes IS NOT NULL AND sha256 IS NOT NULL))
);

-- A server's backups, oldest first (listing, retention), and what a crash left running.
CREATE INDEX backups_by_server ON backups (server_id, created_at);
CREATE INDEX backups_running ON backups (status) WHERE status = 'running';
