package gateway

import (
	"errors"
	"strings"
)

// Errors of NormalizePath. Each refuses a path that some server would read differently from
// the way the rules read it.
var (
	ErrEncodedSlash  = errors.New("the path holds an encoded slash (%2F) or backslash (%5C)")
	ErrBackslash     = errors.New("the path holds a backslash")
	ErrControl       = errors.New("the path holds a control character")
	ErrBadEscape     = errors.New("the path holds a malformed percent-escape")
	ErrNotAbsolute   = errors.New("the path does not start with /")
	ErrPathTooLong   = errors.New("the path is longer than 8 KiB")
	maxPathLen       = 8 << 10
	hexDigits        = "0123456789ABCDEF"
	unreservedMarker = "-._~"
)

// NormalizePath turns the escaped path of a request (without its query) into the one form the
// rules are matched against, so that no spelling of a path reaches a rule other than the one
// the upstream server will apply:
//
//   - percent-encoded unreserved characters (RFC 3986 §2.3: letters, digits, - . _ ~) are
//     decoded ("%2e%2e" is ".."), other escapes kept with upper-case hex (§6.2.2.1);
//   - an encoded slash or backslash, a backslash, a control character or a malformed escape
//     is refused: servers disagree on what they mean;
//   - matrix parameters (";jsessionid=…", "..;") are dropped from each segment, as servlet
//     containers drop them before they route;
//   - empty segments ("//") and "." are removed and ".." resolved (RFC 3986 §5.2.4), never
//     above the root;
//   - a trailing slash is kept.
//
// Case is left alone; Rules decide whether it matters.
func NormalizePath(escaped string) (string, error) {
	if escaped == "" {
		return "/", nil
	}
	if len(escaped) > maxPathLen {
		return "", ErrPathTooLong
	}
	if escaped[0] != '/' {
		return "", ErrNotAbsolute
	}
	var b strings.Builder
	b.Grow(len(escaped))
	for i := 0; i < len(escaped); i++ {
		c := escaped[i]
		switch {
		case c == '\\':
			return "", ErrBackslash
		case c < 0x20 || c == 0x7f:
			return "", ErrControl
		case c == '%':
			if i+2 >= len(escaped) || !isHex(escaped[i+1]) || !isHex(escaped[i+2]) {
				return "", ErrBadEscape
			}
			v := unhex(escaped[i+1])<<4 | unhex(escaped[i+2])
			i += 2
			switch {
			case v == '/' || v == '\\':
				return "", ErrEncodedSlash
			case v < 0x20 || v == 0x7f:
				return "", ErrControl
			case isUnreserved(v):
				b.WriteByte(v)
			default:
				b.WriteByte('%')
				b.WriteByte(hexDigits[v>>4])
				b.WriteByte(hexDigits[v&15])
			}
		default:
			b.WriteByte(c)
		}
	}
	return cleanSegments(b.String()), nil
}

// cleanSegments drops matrix parameters, empty and "." segments, and resolves "..".
func cleanSegments(p string) string {
	trailing := strings.HasSuffix(p, "/")
	segs := make([]string, 0, 8)
	for seg := range strings.SplitSeq(p, "/") {
		if i := strings.IndexByte(seg, ';'); i >= 0 {
			seg = seg[:i]
		}
		switch seg {
		case "", ".":
		case "..":
			if len(segs) > 0 {
				segs = segs[:len(segs)-1]
			}
		default:
			segs = append(segs, seg)
		}
	}
	out := "/" + strings.Join(segs, "/")
	if trailing && out != "/" {
		out += "/"
	}
	return out
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

func isUnreserved(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(unreservedMarker, c) >= 0
}
