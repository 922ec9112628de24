-- Schema 1: servers with their spec and desired state, and the activity log.
-- Statements are separated by ';' at the end of a line; '--' starts a comment line.

CREATE TABLE servers (
    id         TEXT    NOT NULL PRIMARY KEY,             -- UUID, as ServerSpec.id
    name       TEXT    NOT NULL,                         -- copy of spec.name, for people using the sqlite3 shell
    spec       TEXT    NOT NULL,                         -- ServerSpecJson, the canonical JSON of the spec
    version    INTEGER NOT NULL CHECK (version >= 1),    -- bumped by every spec change
    desired    TEXT    NOT NULL CHECK (desired IN ('running', 'stopped')),
    created_at INTEGER NOT NULL,                         -- epoch milliseconds, UTC
    updated_at INTEGER NOT NULL
);

-- No foreign key to servers: a server's activity outlives the server.
CREATE TABLE activity (
    id      INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, -- never reused, so paging by id is stable
    server  TEXT    NOT NULL,
    at      INTEGER NOT NULL,                          -- epoch milliseconds, UTC
    type    TEXT    NOT NULL,
    message TEXT    NOT NULL,
    details TEXT    NOT NULL DEFAULT '{}'              -- JSON object of strings
);
