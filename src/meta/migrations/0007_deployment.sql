-- The deployment id (meta/deployment_store.h): one row, claimed at a
-- server's first start and written to every drive's strata-format.json, so a
-- server pointed at drives with another metadata store refuses to start.
CREATE TABLE deployment (
  singleton BIGINT NOT NULL PRIMARY KEY CHECK (singleton = 1),
  id TEXT NOT NULL,
  created_ms BIGINT NOT NULL
);
