-- Schema 11: a deleted server's files that its node could not remove at the delete (the node was down), written in
-- the same transaction as the delete and removed through the node once it answers again. A record names the volume
-- (the server's data directory as this daemon knows it) and the deleted server's generation (its creation time, epoch
-- ms): a later server that reuses the id is another generation, and a stale record never touches its files.
-- No foreign key to servers: the server is gone when its record is written.
CREATE TABLE pending_removals (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    server_id    TEXT    NOT NULL,
    generation   INTEGER NOT NULL,
    node         TEXT    NOT NULL,
    volume       TEXT    NOT NULL,
    image        TEXT    NOT NULL,
    since        INTEGER NOT NULL,
    attempts     INTEGER NOT NULL,
    next_attempt INTEGER NOT NULL,
    last_error   TEXT    NOT NULL,
    UNIQUE (node, volume, generation)
);
