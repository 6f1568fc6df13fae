-- Identity (meta/identity_store.h, ARCHITECTURE.md section 6): users, access
-- keys, groups, policies and where they are attached, login sessions, and each
-- bucket's policy. Same shared SQL subset as 0001. Ids are made by the service
-- (random text), never by a sequence, so no hot counter sits on a write path.

-- A bucket's policy document (AWS policy JSON, validated before it is stored);
-- '' for none.
ALTER TABLE buckets ADD COLUMN policy TEXT NOT NULL DEFAULT '';

CREATE TABLE users (
  id TEXT NOT NULL PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  -- argon2id encoded hash; '' when the user has no password (keys only).
  password_hash TEXT NOT NULL,
  disabled BIGINT NOT NULL DEFAULT 0,
  created_ms BIGINT NOT NULL
);

CREATE TABLE access_keys (
  access_key TEXT NOT NULL PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id),
  -- The secret sealed under the server master key (auth/secret_box.h):
  -- never stored in the clear.
  sealed_secret TEXT NOT NULL,
  disabled BIGINT NOT NULL DEFAULT 0,
  created_ms BIGINT NOT NULL,
  description TEXT NOT NULL DEFAULT ''
);
CREATE INDEX access_keys_by_user ON access_keys (user_id, created_ms, access_key);

CREATE TABLE groups (
  name TEXT NOT NULL PRIMARY KEY,
  created_ms BIGINT NOT NULL
);

CREATE TABLE group_members (
  group_name TEXT NOT NULL REFERENCES groups (name),
  user_id TEXT NOT NULL REFERENCES users (id),
  PRIMARY KEY (group_name, user_id)
);
CREATE INDEX group_members_by_user ON group_members (user_id, group_name);

CREATE TABLE policies (
  name TEXT NOT NULL PRIMARY KEY,
  document TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL
);

-- No foreign key to policies: built-in policies (admin, readonly, ...) are
-- attached by name and have no row. principal_kind is 'user' (principal is a
-- user id) or 'group' (a group name).
CREATE TABLE policy_attachments (
  policy TEXT NOT NULL,
  principal_kind TEXT NOT NULL CHECK (principal_kind IN ('user', 'group')),
  principal TEXT NOT NULL,
  PRIMARY KEY (principal_kind, principal, policy)
);
CREATE INDEX policy_attachments_by_policy ON policy_attachments (policy);

-- Refresh tokens of login sessions, by the SHA-256 of the token (the token
-- itself is never stored). A family is one login and its rotations.
CREATE TABLE refresh_tokens (
  token_hash TEXT NOT NULL PRIMARY KEY,
  family_id TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users (id),
  issued_ms BIGINT NOT NULL,
  expires_ms BIGINT NOT NULL,
  spent BIGINT NOT NULL DEFAULT 0,
  revoked BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_by_user ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_ms);
