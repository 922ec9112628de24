-- Schema 7: operations of long file work (compress, decompress, pull, a delete of a tree) beside the power
-- actions: what kind an operation is, the path it works on, how far it came (bytes and files; -1 = unknown
-- total) and, for one refused, the problem a request would have got (HTTP status and type slug).
ALTER TABLE operations ADD COLUMN kind TEXT NOT NULL DEFAULT 'power' CHECK (kind IN ('power', 'files'));
ALTER TABLE operations ADD COLUMN path TEXT;
ALTER TABLE operations ADD COLUMN bytes_done INTEGER;
ALTER TABLE operations ADD COLUMN bytes_total INTEGER;
ALTER TABLE operations ADD COLUMN files_done INTEGER;
ALTER TABLE operations ADD COLUMN files_total INTEGER;
ALTER TABLE operations ADD COLUMN problem_status INTEGER;
ALTER TABLE operations ADD COLUMN problem_type TEXT;
