-- Gatehouse schema, PostgreSQL dialect. Identifiers and codes use the "C" collation so that
-- ordering is byte order, as in SQLite. Times are timestamptz (microseconds). Keep this file
-- and migrations/sqlite/00001_init.sql in step.

-- +goose Up
CREATE TABLE users (
	id                  text COLLATE "C" NOT NULL PRIMARY KEY,
	username            text COLLATE "C" NOT NULL,
	display_name        text NOT NULL,
	email               text NOT NULL,
	status              text NOT NULL,
	password_hash       text NOT NULL,
	password_changed_at timestamptz,
	created_at          timestamptz NOT NULL,
	updated_at          timestamptz NOT NULL,
	version             bigint NOT NULL,
	-- lower-case copies (folded in Go, Unicode-aware) for case-insensitive search
	display_name_fold   text NOT NULL,
	email_fold          text NOT NULL,
	CONSTRAINT users_username_key UNIQUE (username)
);

CREATE TABLE systems (
	id            text COLLATE "C" NOT NULL PRIMARY KEY,
	name          text NOT NULL,
	secret_hash   bytea,
	redirect_uris text NOT NULL, -- JSON array
	logout_url    text NOT NULL,
	protocols     text NOT NULL, -- JSON array
	created_at    timestamptz NOT NULL,
	updated_at    timestamptz NOT NULL
);

CREATE TABLE roles (
	id          text COLLATE "C" NOT NULL PRIMARY KEY,
	system_id   text COLLATE "C" NOT NULL REFERENCES systems (id) ON DELETE CASCADE,
	name        text COLLATE "C" NOT NULL,
	description text NOT NULL,
	created_at  timestamptz NOT NULL,
	CONSTRAINT roles_system_id_name_key UNIQUE (system_id, name)
);

CREATE TABLE role_permissions (
	role_id text COLLATE "C" NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
	code    text COLLATE "C" NOT NULL,
	PRIMARY KEY (role_id, code)
);

CREATE TABLE user_roles (
	user_id text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	role_id text COLLATE "C" NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
	PRIMARY KEY (user_id, role_id)
);

CREATE INDEX user_roles_role_id ON user_roles (role_id);

CREATE TABLE audit_events (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at         timestamptz NOT NULL,
	type       text COLLATE "C" NOT NULL,
	actor_id   text COLLATE "C" NOT NULL,
	subject_id text COLLATE "C" NOT NULL,
	system_id  text COLLATE "C" NOT NULL,
	session_id text NOT NULL,
	ip         text NOT NULL,
	user_agent text NOT NULL,
	outcome    text NOT NULL,
	reason     text NOT NULL,
	details    jsonb NOT NULL
);

-- Each index ends in (at, id) or at, so "ORDER BY at DESC, id DESC" can walk it backwards.
CREATE INDEX audit_events_at ON audit_events (at, id);
CREATE INDEX audit_events_actor_id ON audit_events (actor_id, at);
CREATE INDEX audit_events_subject_id ON audit_events (subject_id, at);
CREATE INDEX audit_events_type ON audit_events (type, at);

CREATE TABLE signing_keys (
	id             text COLLATE "C" NOT NULL PRIMARY KEY,
	algorithm      text NOT NULL,
	private_sealed bytea,
	public_der     bytea,
	created_at     timestamptz NOT NULL,
	retired_at     timestamptz
);

-- +goose Down
DROP TABLE signing_keys;
DROP TABLE audit_events;
DROP TABLE user_roles;
DROP TABLE role_permissions;
DROP TABLE roles;
DROP TABLE systems;
DROP TABLE users;
