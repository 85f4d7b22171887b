package sqlstore

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Times are kept in UTC with microsecond precision in both dialects, the finest PostgreSQL
// keeps. SQLite stores them as TEXT in one fixed-width layout, so that text order is time
// order and range filters work on the index.
const sqliteTimeLayout = "2006-01-02T15:04:05.000000Z"

// normTime returns t as the store keeps it: UTC, truncated to the microsecond, without a
// monotonic reading. The zero time stays zero.
func normTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// timeArg encodes t as a statement argument of the dialect.
func (d *DB) timeArg(t time.Time) any {
	t = normTime(t)
	if d.dialect == SQLite {
		return t.Format(sqliteTimeLayout)
	}
	return t
}

// nullTimeArg is timeArg, with the zero time as NULL.
func (d *DB) nullTimeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return d.timeArg(t)
}

// timeDest scans a time of either dialect (timestamptz or TEXT) into *t; NULL becomes the
// zero time.
type timeDest struct{ t *time.Time }

func (s timeDest) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*s.t = time.Time{}
	case time.Time:
		*s.t = normTime(v)
	case string:
		return s.parse(v)
	case []byte:
		return s.parse(string(v))
	default:
		return fmt.Errorf("sqlstore: cannot scan %T into a time", v)
	}
	return nil
}

func (s timeDest) parse(v string) error {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return fmt.Errorf("sqlstore: bad stored time %q: %w", v, err)
	}
	*s.t = normTime(t)
	return nil
}

// encodeList encodes a string slice as a JSON array; nil and empty are "[]".
func encodeList(list []string) (string, error) {
	if len(list) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(list)
	return string(b), err
}

// decodeList decodes a JSON array; an empty one is nil.
func decodeList(raw string) ([]string, error) {
	var list []string
	if err := json.Unmarshal([]byte(raw), &list); err != nil {
		return nil, fmt.Errorf("sqlstore: bad stored list: %w", err)
	}
	if len(list) == 0 {
		return nil, nil
	}
	return list, nil
}

// encodeMap encodes a string map as a JSON object; nil and empty are "{}".
func encodeMap(m map[string]string) (string, error) {
	if len(m) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(m)
	return string(b), err
}

// decodeMap decodes a JSON object; an empty one is nil.
func decodeMap(raw string) (map[string]string, error) {
	var m map[string]string
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, fmt.Errorf("sqlstore: bad stored details: %w", err)
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}

// bytesArg passes an empty byte slice as NULL; bytesOut reads NULL and empty back as nil.
func bytesArg(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

func bytesOut(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// likePattern returns a LIKE pattern (used with ESCAPE '\') that matches values containing
// s; the wildcards % and _ and the escape character in s match only themselves.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// fold is the case folding of search: the stored *_fold columns and the query both go
// through it, so matching is case-insensitive beyond ASCII and the same in both dialects.
func fold(s string) string { return strings.ToLower(s) }

// args collects positional arguments for a statement built piece by piece, and names their
// placeholders ($1, $2 …, which both drivers accept).
type args []any

func (a *args) add(v any) string {
	*a = append(*a, v)
	return fmt.Sprintf("$%d", len(*a))
}
