package captcha

import (
	"bytes"
	"sync"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/mojocn/base64Captcha"
)

// The image size in pixels.
const (
	ImageWidth  = 240
	ImageHeight = 80
)

// fonts are the embedded base64Captcha fonts that are easy to read and hold every character of
// Alphabet (a test proves it).
var fonts = []string{"ApothecaryFont.ttf", "DENNEthree-dee.ttf", "RitaSmith.ttf", "actionj.ttf", "chromohv.ttf"}

// driver draws; it is built once because loading fonts costs time. DrawCaptcha only reads its
// fields, so one driver serves concurrent calls.
var driver = sync.OnceValue(func() *base64Captcha.DriverString {
	return base64Captcha.NewDriverString(ImageHeight, ImageWidth, 0,
		base64Captcha.OptionShowSlimeLine|base64Captcha.OptionShowSineLine,
		DefaultLength, Alphabet, nil, nil, fonts)
})

// draw renders answer as a PNG. Only the drawing is the library's: the answer is ours, and the
// library's generator and store are not used.
func draw(answer string) ([]byte, error) {
	item, err := driver().DrawCaptcha(answer)
	if err != nil {
		return nil, domain.Wrap(domain.CodeInternal, err, "captcha: drawing failed")
	}
	var buf bytes.Buffer
	buf.Grow(8 << 10)
	if _, err := item.WriteTo(&buf); err != nil {
		return nil, domain.Wrap(domain.CodeInternal, err, "captcha: encoding failed")
	}
	return buf.Bytes(), nil
}
