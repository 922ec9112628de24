-- Schema 6: SFTP/FTP users per server. A username is unique per server (the login name adds the server's
-- short id: <username>.<first 8 characters of the server id>), a user has a password hash or public keys or
-- both, permissions and an optional expiry. The logins of schema 2 move over with every permission; a login
-- already named <name>.<short id of its server> keeps its login name by becoming the user <name>.

CREATE TABLE sftp_users (
    server_id     TEXT    NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    username      TEXT    NOT NULL,
    password_hash TEXT,                                   -- $argon2id$..., pbkdf2-sha256$... (schema 2), $2b$... (imported); null: keys only
    public_keys   TEXT    NOT NULL DEFAULT '[]',          -- JSON array of OpenSSH authorized_keys lines
    permissions   TEXT    NOT NULL DEFAULT 'delete,read,write',
    expires_at    INTEGER,                                -- epoch milliseconds, UTC; null: never
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (server_id, username)
);

INSERT INTO sftp_users (server_id, username, password_hash, created_at, updated_at)
SELECT c.server_id,
       CASE WHEN length(c.username) > 9
                 AND substr(c.username, -9) = '.' || substr(c.server_id, 1, 8)
                 AND NOT EXISTS (SELECT 1 FROM sftp_credentials o
                                 WHERE o.server_id = c.server_id
                                   AND o.username = substr(c.username, 1, length(c.username) - 9))
            THEN substr(c.username, 1, length(c.username) - 9)
            ELSE c.username END,
       c.password_hash, c.created_at, c.updated_at
FROM sftp_credentials c;

DROP TABLE sftp_credentials;
