-- OpenID Connect client settings of a system (domain.OIDCClient), as a JSON object.

-- +goose Up
ALTER TABLE systems ADD COLUMN oidc TEXT NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE systems DROP COLUMN oidc;
