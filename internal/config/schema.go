package config

import (
	"reflect"
	"slices"
	"strings"
	"time"
)

// EnvPrefix starts the name of every environment variable that sets a setting.
const EnvPrefix = "GATEHOUSE_"

var durationType = reflect.TypeFor[time.Duration]()

// leaf is one setting: its dotted key, its environment variable, its type and its place in
// Config.
type leaf struct {
	key   string // "http.read_timeout"
	env   string // "GATEHOUSE_HTTP__READ_TIMEOUT"
	typ   reflect.Type
	index []int
}

// get returns the value of the setting in c.
func (l leaf) get(c Config) any {
	return reflect.ValueOf(c).FieldByIndex(l.index).Interface()
}

// schema is the shape of Config read from its koanf tags: the settings, and the sections
// (nested structs) that hold them.
type schema struct {
	leaves   []leaf
	byKey    map[string]leaf
	byEnv    map[string]leaf
	sections map[string]bool
}

func newSchema() schema {
	s := schema{byKey: map[string]leaf{}, byEnv: map[string]leaf{}, sections: map[string]bool{}}
	s.walk(reflect.TypeFor[Config](), "", nil)
	return s
}

func (s *schema) walk(t reflect.Type, prefix string, index []int) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("koanf")
		if tag == "" || tag == "-" {
			continue
		}
		key, idx := prefix+tag, append(slices.Clone(index), i)
		if f.Type.Kind() == reflect.Struct {
			s.sections[key] = true
			s.walk(f.Type, key+".", idx)
			continue
		}
		l := leaf{key: key, env: envName(key), typ: f.Type, index: idx}
		s.leaves = append(s.leaves, l)
		s.byKey[key] = l
		s.byEnv[l.env] = l
	}
}

// envName returns the environment variable of a key: GATEHOUSE_, then the key in upper case
// with the dots of nesting written as "__".
func envName(key string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "__"))
}

// flatten returns c as a map from dotted key to value.
func (s schema) flatten(c Config) map[string]any {
	m := make(map[string]any, len(s.leaves))
	for _, l := range s.leaves {
		m[l.key] = l.get(c)
	}
	return m
}

// describe says what a value of type t must be, for problem messages.
func describe(t reflect.Type) string {
	switch {
	case t == durationType:
		return `a duration such as "30s", "5m" or "168h"`
	case t.Kind() == reflect.String:
		return "a string"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return "a whole number"
	case t.Kind() == reflect.Slice:
		return "a list of " + strings.TrimPrefix(describe(t.Elem()), "a ") + "s"
	}
	return "a " + t.String()
}
