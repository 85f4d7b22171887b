-- Gatehouse schema, SQLite dialect. Times are TEXT in one fixed-width UTC layout
-- (2006-01-02T15:04:05.000000Z), so that text order is time order. Keep this file and
-- migrations/postgres/00001_init.sql in step.

-- +goose Up
CREATE TABLE users (
	id                  TEXT NOT NULL PRIMARY KEY,
	username            TEXT NOT NULL,
	display_name        TEXT NOT NULL,
	email               TEXT NOT NULL,
	status              TEXT NOT NULL,
	password_hash       TEXT NOT NULL,
	password_changed_at TEXT,
	created_at          TEXT NOT NULL,
	updated_at          TEXT NOT NULL,
	version             INTEGER NOT NULL,
	-- lower-case copies (folded in Go, Unicode-aware) for case-insensitive search
	display_name_fold   TEXT NOT NULL,
	email_fold          TEXT NOT NULL,
	CONSTRAINT users_username_key UNIQUE (username)
) STRICT;

CREATE TABLE systems (
	id            TEXT NOT NULL PRIMARY KEY,
	name          TEXT NOT NULL,
	secret_hash   BLOB,
	redirect_uris TEXT NOT NULL, -- JSON array
	logout_url    TEXT NOT NULL,
	protocols     TEXT NOT NULL, -- JSON array
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL
) STRICT;

CREATE TABLE roles (
	id          TEXT NOT NULL PRIMARY KEY,
	system_id   TEXT NOT NULL REFERENCES systems (id) ON DELETE CASCADE,
	name        TEXT NOT NULL,
	description TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	CONSTRAINT roles_system_id_name_key UNIQUE (system_id, name)
) STRICT;

CREATE TABLE role_permissions (
	role_id TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
	code    TEXT NOT NULL,
	PRIMARY KEY (role_id, code)
) STRICT, WITHOUT ROWID;

CREATE TABLE user_roles (
	user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	role_id TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
	PRIMARY KEY (user_id, role_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX user_roles_role_id ON user_roles (role_id);

CREATE TABLE audit_events (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	at         TEXT NOT NULL,
	type       TEXT NOT NULL,
	actor_id   TEXT NOT NULL,
	subject_id TEXT NOT NULL,
	system_id  TEXT NOT NULL,
	session_id TEXT NOT NULL,
	ip         TEXT NOT NULL,
	user_agent TEXT NOT NULL,
	outcome    TEXT NOT NULL,
	reason     TEXT NOT NULL,
	details    TEXT NOT NULL -- JSON object
) STRICT;

-- Each index ends in the rowid (id), so "ORDER BY at DESC, id DESC" walks it backwards.
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_actor_id ON audit_events (actor_id, at);
CREATE INDEX audit_events_subject_id ON audit_events (subject_id, at);
CREATE INDEX audit_events_type ON audit_events (type, at);

CREATE TABLE signing_keys (
	id             TEXT NOT NULL PRIMARY KEY,
	algorithm      TEXT NOT NULL,
	private_sealed BLOB,
	public_der     BLOB,
	created_at     TEXT NOT NULL,
	retired_at     TEXT
) STRICT;

-- +goose Down
DROP TABLE signing_keys;
DROP TABLE audit_events;
DROP TABLE user_roles;
DROP TABLE role_permissions;
DROP TABLE roles;
DROP TABLE systems;
DROP TABLE users;
