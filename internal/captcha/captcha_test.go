package captcha

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"github.com/gatehouse/gatehouse/internal/testenv"
	"image/png"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
	"github.com/gatehouse/gatehouse/internal/store/kv/memkv"
	"github.com/mojocn/base64Captcha"
)

// clock is the shared settable test clock.
type clock = testenv.Clock

// bytesOf is an endless source of one byte value: predictable "entropy".
type bytesOf byte

func (b bytesOf) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

type failing struct{}

func (failing) Read([]byte) (int, error) { return 0, errors.New("no entropy today") }

func newCaptcha(t testing.TB) (*Captcha, *memkv.Store, *clock) {
	clk := testenv.NewClock(time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC))
	kv := memkv.New(memkv.Options{Now: clk.Now})
	t.Cleanup(func() { kv.Close() })
	return &Captcha{KV: kv, Now: clk.Now}, kv, clk
}

// answerOf reads the stored answer of a challenge without consuming it, as only a test may.
func answerOf(t testing.TB, kv store.Values, id string) string {
	t.Helper()
	v, err := kv.Get(context.Background(), keyPrefix+id)
	if err != nil {
		t.Fatalf("stored answer of %s: %v", id, err)
	}
	_, answer, ok := decode(v)
	if !ok {
		t.Fatalf("stored value %q does not decode", v)
	}
	return answer
}

func mustNew(t testing.TB, c *Captcha) Challenge {
	t.Helper()
	ch, err := c.New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func TestRightAnswerOnceThenNeverAgain(t *testing.T) {
	ctx := context.Background()
	c, kv, _ := newCaptcha(t)
	ch := mustNew(t, c)
	if ch.ExpiresIn != DefaultTTL {
		t.Errorf("ExpiresIn = %v, want %v", ch.ExpiresIn, DefaultTTL)
	}
	answer := answerOf(t, kv, ch.ID)
	if len(answer) != DefaultLength || strings.Trim(answer, Alphabet) != "" {
		t.Fatalf("answer %q: want %d characters of %q", answer, DefaultLength, Alphabet)
	}
	if !c.Check(ctx, ch.ID, answer) {
		t.Fatal("the right answer was refused")
	}
	if c.Check(ctx, ch.ID, answer) {
		t.Fatal("a replayed answer was accepted")
	}
	if _, err := kv.Get(ctx, keyPrefix+ch.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("the answer is still stored after its check: %v", err)
	}
}

func TestWrongAnswerConsumes(t *testing.T) {
	ctx := context.Background()
	c, kv, _ := newCaptcha(t)
	ch := mustNew(t, c)
	answer := answerOf(t, kv, ch.ID)
	wrong := "ZZZZZ"
	if answer == wrong {
		wrong = "YYYYY"
	}
	if c.Check(ctx, ch.ID, wrong) {
		t.Fatal("a wrong answer was accepted")
	}
	if c.Check(ctx, ch.ID, answer) {
		t.Fatal("the right answer was accepted after a wrong one consumed the challenge")
	}
}

func TestExpired(t *testing.T) {
	ctx := context.Background()
	c, kv, clk := newCaptcha(t)
	c.TTL = 30 * time.Second
	ch := mustNew(t, c)
	answer := answerOf(t, kv, ch.ID)
	clk.Add(30 * time.Second)
	if c.Check(ctx, ch.ID, answer) {
		t.Fatal("an expired answer was accepted")
	}

	// Just before the end it still works.
	ch = mustNew(t, c)
	answer = answerOf(t, kv, ch.ID)
	clk.Add(30*time.Second - time.Millisecond)
	if !c.Check(ctx, ch.ID, answer) {
		t.Fatal("an answer one millisecond before its expiry was refused")
	}
}

// The expiry stored with the answer holds even when the store's own expiry lags behind the
// Captcha's clock (a store on another clock, a Redis whose expiry is late).
func TestExpiredOnOwnClockWhenStoreLags(t *testing.T) {
	ctx := context.Background()
	kv := memkv.New(memkv.Options{}) // real time: the key lives for the full TTL
	t.Cleanup(func() { kv.Close() })
	clk := testenv.NewClock(time.Now())
	c := &Captcha{KV: kv, Now: clk.Now}
	ch := mustNew(t, c)
	answer := answerOf(t, kv, ch.ID)
	clk.Add(DefaultTTL)
	if c.Check(ctx, ch.ID, answer) {
		t.Fatal("an answer past its expiry on the Captcha's clock was accepted")
	}
}

func TestForeignID(t *testing.T) {
	ctx := context.Background()
	c, kv, _ := newCaptcha(t)
	ch := mustNew(t, c)
	answer := answerOf(t, kv, ch.ID)

	other, _, _ := newCaptcha(t) // another store: the id means nothing there
	if other.Check(ctx, ch.ID, answer) {
		t.Fatal("an id from another store was accepted")
	}
	never := base64.RawURLEncoding.EncodeToString(make([]byte, idBytes))
	if c.Check(ctx, never, answer) {
		t.Fatal("an id that was never issued was accepted")
	}
	for _, bad := range []string{ch.ID + ":x", "../" + ch.ID, ch.ID + " ", "ä"} {
		if c.Check(ctx, bad, answer) {
			t.Fatalf("malformed id %q was accepted", bad)
		}
	}
	if !c.Check(ctx, ch.ID, answer) {
		t.Fatal("foreign and malformed ids consumed the real challenge")
	}
}

func TestEmpty(t *testing.T) {
	ctx := context.Background()
	c, kv, _ := newCaptcha(t)
	ch := mustNew(t, c)
	answer := answerOf(t, kv, ch.ID)
	if c.Check(ctx, "", answer) {
		t.Fatal("an empty id was accepted")
	}
	if c.Check(ctx, ch.ID, "") || c.Check(ctx, ch.ID, "   ") {
		t.Fatal("an empty answer was accepted")
	}
	if c.Check(ctx, ch.ID, answer) {
		t.Fatal("an empty answer did not consume the challenge")
	}
}

func TestCaseInsensitive(t *testing.T) {
	ctx := context.Background()
	c, kv, _ := newCaptcha(t)
	for _, variant := range []func(string) string{
		strings.ToLower,
		func(s string) string { return strings.ToLower(s[:2]) + s[2:] },
		func(s string) string { return " " + strings.ToLower(s) + "\t" },
	} {
		ch := mustNew(t, c)
		answer := answerOf(t, kv, ch.ID)
		if !c.Check(ctx, ch.ID, variant(answer)) {
			t.Fatalf("answer %q given as %q was refused", answer, variant(answer))
		}
	}
}

func TestOversizedInputLeavesTheStoreAlone(t *testing.T) {
	ctx := context.Background()
	c, kv, clk := newCaptcha(t)
	// A stored challenge under a 65-byte id: a Check that touched the store would consume it.
	long := strings.Repeat("a", MaxIDBytes+1)
	if err := kv.Set(ctx, keyPrefix+long, encode(clk.Now().Add(time.Minute), "ABCDE"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if c.Check(ctx, long, "ABCDE") {
		t.Fatal("an id over 64 bytes was accepted")
	}
	if _, err := kv.Get(ctx, keyPrefix+long); err != nil {
		t.Fatalf("an oversized id reached the store: %v", err)
	}

	ch := mustNew(t, c)
	answer := answerOf(t, kv, ch.ID)
	if c.Check(ctx, ch.ID, answer+strings.Repeat(" ", MaxAnswerBytes)) {
		t.Fatal("an answer over 32 bytes was accepted")
	}
	if !c.Check(ctx, ch.ID, answer) {
		t.Fatal("an oversized answer consumed the challenge")
	}
}

func TestConcurrentChecksOneWinner(t *testing.T) {
	c, kv, _ := newCaptcha(t)
	concurrentChecks(t, c, kv)
}

// concurrentChecks presents one right answer 100 times at once: exactly one check may pass.
func concurrentChecks(t *testing.T, c *Captcha, kv store.Values) {
	ch := mustNew(t, c)
	answer := answerOf(t, kv, ch.ID)
	var wins atomic.Int32
	var start, done sync.WaitGroup
	start.Add(1)
	for range 100 {
		done.Go(func() {
			start.Wait()
			if c.Check(context.Background(), ch.ID, answer) {
				wins.Add(1)
			}
		})
	}
	start.Done()
	done.Wait()
	if n := wins.Load(); n != 1 {
		t.Fatalf("%d of 100 concurrent checks of one right answer passed, want exactly 1", n)
	}
}

func TestImageIsAPNG(t *testing.T) {
	c, _, _ := newCaptcha(t)
	ch := mustNew(t, c)
	const prefix = "data:image/png;base64,"
	if !strings.HasPrefix(ch.Image, prefix) {
		t.Fatalf("image starts %q, want %q", ch.Image[:min(len(ch.Image), 30)], prefix)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(ch.Image, prefix))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("the image is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != ImageWidth || b.Dy() != ImageHeight {
		t.Fatalf("image is %dx%d, want %dx%d", b.Dx(), b.Dy(), ImageWidth, ImageHeight)
	}
}

// The answer and the id come from the injected source, not from the library.
func TestAnswerAndIDComeFromRand(t *testing.T) {
	c, kv, _ := newCaptcha(t)
	c.Rand = bytesOf(0)
	ch := mustNew(t, c)
	if want := base64.RawURLEncoding.EncodeToString(make([]byte, idBytes)); ch.ID != want {
		t.Errorf("id = %q, want %q", ch.ID, want)
	}
	if got := answerOf(t, kv, ch.ID); got != strings.Repeat(Alphabet[:1], DefaultLength) {
		t.Errorf("answer = %q, want %q", got, strings.Repeat(Alphabet[:1], DefaultLength))
	}

	c.Length = MaxLength
	c.Rand = bytesOf(len(Alphabet) + 1) // folds to the second character
	ch = mustNew(t, c)
	if got := answerOf(t, kv, ch.ID); got != strings.Repeat(Alphabet[1:2], MaxLength) {
		t.Errorf("answer = %q, want %q", got, strings.Repeat(Alphabet[1:2], MaxLength))
	}
}

func TestBrokenRand(t *testing.T) {
	c, _, _ := newCaptcha(t)
	for name, r := range map[string]interface{ Read([]byte) (int, error) }{
		"failing":         failing{},
		"always-rejected": bytesOf(255), // 255 lies above the last whole multiple of 30
	} {
		c.Rand = r
		if _, err := c.New(context.Background()); domain.ErrorCode(err) != domain.CodeInternal {
			t.Errorf("%s source: err = %v, want an internal error", name, err)
		}
	}
}

func TestAnswersCoverTheAlphabet(t *testing.T) {
	c := &Captcha{}
	seen := map[rune]int{}
	for range 400 {
		a, err := c.answer(DefaultLength)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range a {
			seen[r]++
		}
	}
	for _, r := range Alphabet {
		if seen[r] == 0 {
			t.Errorf("2000 characters and never %q", r)
		}
	}
	if len(seen) != len(Alphabet) {
		t.Errorf("answers used %d characters, want the %d of the alphabet", len(seen), len(Alphabet))
	}
}

func TestSettingsChecked(t *testing.T) {
	for _, c := range []*Captcha{{Length: MinLength - 1}, {Length: MaxLength + 1}, {TTL: -time.Second}} {
		kv := memkv.New(memkv.Options{})
		c.KV = kv
		if _, err := c.New(context.Background()); domain.ErrorCode(err) != domain.CodeInternal {
			t.Errorf("Length %d, TTL %v: err = %v, want an internal error", c.Length, c.TTL, err)
		}
		kv.Close()
	}
}

func TestStoreDownReadsAsWrong(t *testing.T) {
	c, kv, _ := newCaptcha(t)
	ch := mustNew(t, c)
	answer := answerOf(t, kv, ch.ID)
	kv.Close()
	if c.Check(context.Background(), ch.ID, answer) {
		t.Fatal("a check passed with the store closed")
	}
	if _, err := c.New(context.Background()); domain.ErrorCode(err) != domain.CodeUnavailable {
		t.Fatalf("New with the store closed: %v, want unavailable", err)
	}
}

func TestPolicy(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Policy
		flagged bool // Required when the throttle asks
		plain   bool // Required when it does not
	}{
		{"", AfterFailures, true, false},
		{"after_failures", AfterFailures, true, false},
		{"always", Always, true, true},
		{"never", Never, false, false},
	} {
		p, err := ParsePolicy(tc.in)
		if err != nil || p != tc.want {
			t.Fatalf("ParsePolicy(%q) = %q, %v", tc.in, p, err)
		}
		if p.Required(true) != tc.flagged || p.Required(false) != tc.plain {
			t.Errorf("%s: Required(true, false) = %v, %v", p, p.Required(true), p.Required(false))
		}
	}
	if _, err := ParsePolicy("Always"); domain.ErrorCode(err) != domain.CodeInvalidInput {
		t.Errorf("ParsePolicy(Always): %v, want invalid input", err)
	}
}

func TestFontsCoverTheAlphabet(t *testing.T) {
	for _, name := range fonts {
		f := base64Captcha.DefaultEmbeddedFonts.LoadFontByName("fonts/" + name)
		for _, r := range Alphabet {
			if f.Index(r) == 0 {
				t.Errorf("font %s has no glyph for %q", name, r)
			}
		}
	}
}

func BenchmarkNew(b *testing.B) {
	c, _, _ := newCaptcha(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.New(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewParallel(b *testing.B) {
	c, _, _ := newCaptcha(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.New(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkCheck(b *testing.B) {
	c, kv, _ := newCaptcha(b)
	ctx := context.Background()
	ids := make([]string, 0, 1024)
	for range cap(ids) {
		ids = append(ids, mustNew(b, c).ID)
	}
	answer := answerOf(b, kv, ids[0])
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c.Check(ctx, ids[i%len(ids)], answer) // consumed after the first round: measures the miss path too
		i++
	}
}
