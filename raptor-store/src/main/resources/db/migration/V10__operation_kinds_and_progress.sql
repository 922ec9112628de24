-- Schema 10: one row for every operation, whatever its kind: the power actions of schema 3, long file work
-- (compress, decompress, pull, a delete of a tree) and backups and restores (schema 7's backups table holds the
-- backups themselves; their operations were rows here already, told apart only by their action). Each row now
-- says what kind it is, the path it works on, how far it came (one progress model for every kind: the stage,
-- bytes and files done and in all, -1 = unknown total, and the average rate), the backup it made or restored and,
-- for one refused, the problem a request would have got (HTTP status and type slug).
ALTER TABLE operations ADD COLUMN kind TEXT NOT NULL DEFAULT 'power' CHECK (kind IN ('power', 'files', 'backup'));
-- Backups and restores recorded by schema 7 were the only operations with these actions.
UPDATE operations SET kind = 'backup' WHERE action IN ('backup', 'restore');
ALTER TABLE operations ADD COLUMN path TEXT;
ALTER TABLE operations ADD COLUMN stage TEXT;
ALTER TABLE operations ADD COLUMN bytes_done INTEGER;
ALTER TABLE operations ADD COLUMN bytes_total INTEGER;
ALTER TABLE operations ADD COLUMN files_done INTEGER;
ALTER TABLE operations ADD COLUMN files_total INTEGER;
ALTER TABLE operations ADD COLUMN bytes_per_second INTEGER;
ALTER TABLE operations ADD COLUMN backup_id TEXT;
ALTER TABLE operations ADD COLUMN problem_status INTEGER;
ALTER TABLE operations ADD COLUMN problem_type TEXT;
