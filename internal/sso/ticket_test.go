package sso

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
)

func TestWellFormedTicket(t *testing.T) {
	good := strings.Repeat("a", 2*ticketBytes)
	for _, c := range []struct {
		kind Kind
		t    string
		want bool
	}{
		{KindSSO, good, true},
		{KindCAS, "ST-" + good, true},
		{KindSSO, "ST-" + good, false},
		{KindCAS, good, false},
		{KindSSO, good[1:], false},
		{KindSSO, good + "A", false},
		{KindSSO, good[1:] + "=", false},
		{KindSSO, good[1:] + "/", false},
		{KindSSO, good[1:] + "_", false}, // base64url's '_' is no ticket character (CAS 3.0 §3.7)
		{KindSSO, good[1:] + "A", false}, // lower-case hex only
		{KindCAS, "ST-" + good[1:] + "-", false},
		{KindSSO, "", false},
		{KindCAS, "ST-", false},
	} {
		if got := wellFormedTicket(c.kind, c.t); got != c.want {
			t.Errorf("wellFormedTicket(%s, %q) = %v", c.kind, c.t, got)
		}
	}
}

// TestTicketCharacters: every issued ticket uses only CAS 3.0 §3.7's characters.
func TestTicketCharacters(t *testing.T) {
	for i := 0; i < 200; i++ {
		b := make([]byte, ticketBytes)
		for j := range b {
			b[j] = byte(i*31 + j*7)
		}
		tk := ticketEncoding(b)
		if strings.Trim(tk, "0123456789abcdef") != "" || !wellFormedTicket(KindSSO, tk) {
			t.Fatalf("ticket %q", tk)
		}
	}
}

func TestChallenge(t *testing.T) {
	verifier := strings.Repeat("abcdefgh-._~", 4)
	sum := sha256.Sum256([]byte(verifier))
	challenge := base64.RawURLEncoding.EncodeToString(sum[:])
	if err := ValidChallenge(challenge, "S256"); err != nil {
		t.Fatal(err)
	}
	if err := ValidChallenge("", ""); err != nil {
		t.Fatal(err)
	}
	for _, c := range [][2]string{{challenge, "plain"}, {challenge, ""}, {"", "S256"}, {challenge[1:], "S256"}, {challenge[1:] + "+", "S256"}} {
		if ValidChallenge(c[0], c[1]) == nil {
			t.Errorf("ValidChallenge(%q, %q) accepted", c[0], c[1])
		}
	}
	if !verifierMatches(verifier, challenge) {
		t.Fatal("the right verifier does not match")
	}
	for _, v := range []string{"", verifier + "x", verifier[:42], strings.Repeat("a", 129), verifier[:len(verifier)-1] + " "} {
		if verifierMatches(v, challenge) {
			t.Errorf("verifier %q matched", v)
		}
	}
}

func TestSoleAudience(t *testing.T) {
	jwt := func(payload string) string {
		return "e30." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".sig"
	}
	for _, c := range []struct {
		tok, want string
		ok        bool
	}{
		{jwt(`{"aud":["alpha"]}`), "alpha", true},
		{jwt(`{"aud":"alpha"}`), "alpha", true},
		{jwt(`{"aud":["gatehouse"]}`), "", false},
		{jwt(`{"aud":["alpha","beta"]}`), "", false},
		{jwt(`{"aud":["gatehouse","alpha"]}`), "", false},
		{jwt(`{"aud":["Alpha"]}`), "", false},
		{jwt(`{}`), "", false},
		{jwt(`not json`), "", false},
		{"a.b", "", false},
		{"", "", false},
	} {
		got, ok := soleAudience(c.tok)
		if got != c.want || ok != c.ok {
			t.Errorf("soleAudience(%q) = %q, %v", c.tok, got, ok)
		}
	}
}
