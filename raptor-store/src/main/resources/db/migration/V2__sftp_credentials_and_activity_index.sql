-- Schema 2: SFTP logins (one per server) and an index for paging a server's activity.

CREATE TABLE sftp_credentials (
    username      TEXT    NOT NULL PRIMARY KEY,
    server_id     TEXT    NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    password_hash TEXT    NOT NULL,                    -- pbkdf2-sha256$iterations$salt$hash, never the password
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE INDEX sftp_credentials_by_server ON sftp_credentials (server_id);

CREATE INDEX activity_by_server ON activity (server, id);
