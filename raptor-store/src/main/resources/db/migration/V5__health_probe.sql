-- Schema 5: one row that deep health rewrites to prove the store takes a durable write
-- (GET /api/v1/health?deep=true, the "store" check). Nothing reads it but that check.
CREATE TABLE health_probe (
    id         INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    written_at INTEGER NOT NULL                        -- epoch milliseconds, UTC
);
