package token

import (
	"context"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// TestRotateIfRefusesWithoutChange: a family the caller does not accept is refused, and the
// refusal neither rotates nor revokes it.
func TestRotateIfRefusesWithoutChange(t *testing.T) {
	ctx := context.Background()
	r := newRefreshFixture(t, openMem).r
	const sid = "abcdefghijklmnopqrstuvwxyz"
	tok, _, err := r.Issue(ctx, Binding{SessionID: sid, UserID: "u", System: "shop", UserAgent: "ua"})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = r.RotateIf(ctx, tok, "ua", "", func(f *Family) bool { return f.Center })
	if domain.ErrorCode(err) != domain.CodeTokenInvalid {
		t.Fatalf("a sub-system family was accepted: %v", err)
	}
	next, fam, err := r.RotateIf(ctx, tok, "ua", "", func(f *Family) bool { return f.System == "shop" && !f.Center })
	if err != nil || next == "" || fam.Generation != 2 {
		t.Fatalf("the refused presentation changed the family: %v %+v", err, fam)
	}
	centerTok, _, err := r.Issue(ctx, Binding{SessionID: sid, UserID: "u", Center: true, UserAgent: "ua"})
	if err != nil {
		t.Fatal(err)
	}
	if _, fam, err := r.RotateIf(ctx, centerTok, "ua", "", func(f *Family) bool { return f.Center }); err != nil || !fam.Center {
		t.Fatalf("a center family was refused: %v", err)
	}
	if err := r.RevokeSession(ctx, sid); err != nil {
		t.Fatal(err)
	}
}
