-- Schema 3: operations, the answers to power actions, deletes and spec applies that a client may
-- poll at GET /api/v1/operations/{opId}, so that the answer outlives a daemon restart.

-- No foreign key to servers: a delete's operation outlives the server it removed.
CREATE TABLE operations (
    id            TEXT    NOT NULL PRIMARY KEY,         -- UUID, the {opId}
    server_id     TEXT    NOT NULL,
    action        TEXT    NOT NULL,                     -- start, stop, restart, kill, delete, delete (forced), apply-spec
    status        TEXT    NOT NULL CHECK (status IN ('pending', 'done', 'superseded', 'failed')),
    created_at    INTEGER NOT NULL,                     -- epoch milliseconds, UTC
    finished_at   INTEGER,                              -- epoch milliseconds, UTC; null while pending
    state         TEXT,                                 -- done: the server's state after it
    superseded_by TEXT,                                 -- superseded: what made it moot
    reason        TEXT,                                 -- superseded, failed: why
    CHECK ((status = 'pending') = (finished_at IS NULL))
);

-- Pruning by age and count, and finding what a previous run left pending (finished_at IS NULL).
CREATE INDEX operations_by_finished_at ON operations (finished_at);
