package spec

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// keyOrder puts the members a reader looks for first; the others follow alphabetically.
var keyOrder = []string{
	"openapi", "info", "servers", "tags", "paths", "components",
	"title", "version", "url", "name", "in", "operationId", "summary", "description", "tags", "security",
	"required", "parameters", "requestBody", "responses", "x-error-codes",
	"$ref", "type", "const", "enum", "format", "pattern", "minimum", "maximum", "minLength", "maxLength", "default",
	"items", "properties", "additionalProperties", "allOf", "oneOf",
	"headers", "content", "schema",
}

func keyRank(k string) int {
	if i := slices.Index(keyOrder, k); i >= 0 {
		return i
	}
	return len(keyOrder)
}

// encode writes v as indented JSON with the members of objects in keyOrder and arrays of
// plain values on one line, so the document reads top-down.
func encode(b *bytes.Buffer, v any, indent string) error {
	switch x := v.(type) {
	case S:
		if len(x) == 0 {
			b.WriteString("{}")
			return nil
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, c string) int {
			if d := keyRank(a) - keyRank(c); d != 0 {
				return d
			}
			return strings.Compare(a, c)
		})
		b.WriteString("{\n")
		for i, k := range keys {
			b.WriteString(indent + "  ")
			if err := scalar(b, k); err != nil {
				return err
			}
			b.WriteString(": ")
			if err := encode(b, x[k], indent+"  "); err != nil {
				return err
			}
			if i < len(keys)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "}")
		return nil
	case []S:
		items := make([]any, len(x))
		for i := range x {
			items[i] = x[i]
		}
		return encodeArray(b, items, indent)
	}
	return scalar(b, v) // strings, numbers, booleans, nil, and slices of them
}

func encodeArray(b *bytes.Buffer, items []any, indent string) error {
	if len(items) == 0 {
		b.WriteString("[]")
		return nil
	}
	b.WriteString("[\n")
	for i, it := range items {
		b.WriteString(indent + "  ")
		if err := encode(b, it, indent+"  "); err != nil {
			return err
		}
		if i < len(items)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString(indent + "]")
	return nil
}

// scalar writes a value without line breaks (slices of strings or numbers fit on one line).
func scalar(b *bytes.Buffer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	out := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	out = bytes.ReplaceAll(out, []byte(`","`), []byte(`", "`))
	b.Write(out)
	return nil
}
