package captcha

import (
	"context"
	"testing"

	"github.com/gatehouse/gatehouse/internal/store/kv/rediskv"
	"github.com/gatehouse/gatehouse/internal/testenv"
)

// The one-winner property rests on the store's GetDel; prove it on a real Redis too.
func TestRedis(t *testing.T) {
	kv, err := rediskv.Open(context.Background(), testenv.RedisURL(t), rediskv.Options{Prefix: testenv.Unique("t") + ":"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kv.Close() })
	c := &Captcha{KV: kv}

	ch := mustNew(t, c)
	answer := answerOf(t, kv, ch.ID)
	if !c.Check(context.Background(), ch.ID, answer) || c.Check(context.Background(), ch.ID, answer) {
		t.Fatal("the right answer must pass once, then never")
	}
	concurrentChecks(t, c, kv)
}
