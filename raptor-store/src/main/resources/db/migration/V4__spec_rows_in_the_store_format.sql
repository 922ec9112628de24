-- Schema 4: the spec column gets a format of the store's own (dev.raptor.store.row.SpecRow), no longer
-- the HTTP API's JSON, so that the API may change its documents without a migration. spec_format says
-- which form a row has: 1 = the API's spec JSON that schemas 1-3 wrote, 2 = SpecRow. The migration's
-- Java step (SpecRowsV4) rewrites the rows from 1 to 2 in this same transaction; a row it cannot read
-- stays at 1 and reads as unreadable, as it did before.

ALTER TABLE servers ADD COLUMN spec_format INTEGER NOT NULL DEFAULT 1 CHECK (spec_format >= 1);
