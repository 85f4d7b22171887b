package config

import (
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// OIDC configures the OpenID Connect provider (/oidc/*, discovery).
type OIDC struct {
	CodeTTL    time.Duration `koanf:"code_ttl"`     // lifetime of an authorization code
	AccessTTL  time.Duration `koanf:"access_ttl"`   // lifetime of an access token issued to a client
	IDTokenTTL time.Duration `koanf:"id_token_ttl"` // lifetime ("exp") of an ID token
}

func defaultOIDC() OIDC {
	return OIDC{CodeTTL: 60 * time.Second, AccessTTL: 15 * time.Minute, IDTokenTTL: time.Hour}
}

func (o OIDC) check(p *domain.Problems) {
	between(p, "oidc.code_ttl", o.CodeTTL, time.Second, 10*time.Minute)
	between(p, "oidc.access_ttl", o.AccessTTL, time.Minute, 24*time.Hour)
	between(p, "oidc.id_token_ttl", o.IDTokenTTL, time.Minute, 24*time.Hour)
}
