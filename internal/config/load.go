package config

import (
	"errors"
	"io/fs"
	stdmaps "maps"
	"slices"
	"strings"

	"github.com/go-viper/mapstructure/v2"
	"github.com/knadh/koanf/maps"
	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"
	"github.com/spf13/pflag"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// LoadOptions says where Load reads from. Every source is optional.
type LoadOptions struct {
	File    string         // YAML file to read; --config in Flags overrides it; "" → none
	Environ []string       // "NAME=value" entries as os.Environ returns them; only GATEHOUSE_* are read
	Flags   *pflag.FlagSet // a parsed flag set that BindFlags registered on; only flags set count
}

// settingFlag is a command-line flag that sets one setting.
type settingFlag struct{ name, key, usage string }

func settingFlags() []settingFlag {
	return []settingFlag{
		{"addr", "addr", "listen address, host:port"},
		{"data-dir", "data_dir", "directory of the SQLite database and the generated secret key"},
		{"database-url", "database_url", `database: sqlite:PATH or postgres://… ("" → SQLite in the data directory)`},
		{"redis-url", "redis_url", `session store: redis://, rediss://, redis-sentinel://, redis-cluster:// ("" → in-process)`},
		{"public-url", "public_url", `external base URL, such as https://sso.example.com ("" → from --addr)`},
		{"demo", "demo", "seed the demo system and the users jack, danny and smith"},
		{"log-level", "log.level", "log level: debug, info, warn or error"},
		{"log-format", "log.format", "log format: text or json"},
	}
}

// BindFlags registers on fs the flag --config, which names the YAML file, and the flags that
// set the most used settings. Their defaults are shown in the help, but only flags given on the
// command line override the other layers.
func BindFlags(fs *pflag.FlagSet) {
	s, d := newSchema(), Default()
	fs.String("config", "", "YAML configuration file")
	for _, f := range settingFlags() {
		l := s.byKey[f.key]
		usage := f.usage + " (" + l.env + ")"
		switch v := l.get(d).(type) {
		case bool:
			fs.Bool(f.name, v, usage)
		case string:
			fs.String(f.name, v, usage)
		}
	}
}

// Load returns the configuration of the layers defaults → YAML file → GATEHOUSE_* environment
// → flags, each overriding the one before, and validated. Its error lists every problem at once,
// one per line as "key: problem", where key is the YAML key, the environment variable or the
// flag that was wrong; errors.As finds in it a *domain.Error of code invalid_input whose Fields
// hold the same list.
//
// Unknown keys in the file and unknown GATEHOUSE_* variables are problems. An empty variable,
// and a key in the file without a value, count as not set.
func Load(opts LoadOptions) (Config, error) {
	s := newSchema()
	var p domain.Problems
	k := koanf.New(".")
	if err := k.Load(confmap.Provider(s.flatten(Default()), "."), nil); err != nil {
		p.Add("config", "%v", err)
	}
	path := opts.File
	if f := changedFlag(opts.Flags, "config"); f != nil {
		path = f.Value.String()
	}
	if path != "" {
		s.merge(k, s.readFile(path, &p), false, func(key string) string { return key }, &p)
	}
	s.merge(k, s.readEnv(opts.Environ, &p), true, func(key string) string { return s.byKey[key].env }, &p)
	s.merge(k, s.readFlags(opts.Flags), true, flagOf, &p)

	var c Config
	if err := k.UnmarshalWithConf("", &c, koanf.UnmarshalConf{DecoderConfig: decoderConfig(false, nil)}); err != nil {
		s.addDecodeErrors(err, func(key string) string { return key }, nil, &p)
	}
	p = append(p, c.problems()...)
	if err := newError(p); err != nil {
		return Config{}, err
	}
	return c, nil
}

// readFile returns the settings in a YAML file by dotted key, recording unknown keys as
// problems.
func (s schema) readFile(path string, p *domain.Problems) map[string]any {
	fk := koanf.New(".")
	if err := fk.Load(file.Provider(path), yaml.Parser()); err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			p.Add("config", "cannot read %s: %v", path, pe.Err)
		} else {
			p.Add("config", "%s is not valid YAML: %v", path, err)
		}
		return nil
	}
	out := map[string]any{}
	s.collect(fk.Raw(), "", out, p)
	return out
}

// collect flattens the nested map m of a file into out, recording unknown keys as problems.
func (s schema) collect(m map[string]any, prefix string, out map[string]any, p *domain.Problems) {
	for _, name := range slices.Sorted(stdmaps.Keys(m)) {
		key, v := prefix+name, m[name]
		_, isLeaf := s.byKey[key]
		switch {
		case strings.Contains(name, "."):
			p.Add(key, "unknown key")
		case v == nil: // "key:" with no value keeps what the defaults say
		case s.sections[key]:
			sub, ok := v.(map[string]any)
			if !ok {
				p.Add(key, "must be a mapping of settings")
				continue
			}
			s.collect(sub, key+".", out, p)
		case isLeaf:
			out[key] = v
		default:
			p.Add(key, "unknown key")
		}
	}
}

// readEnv returns the settings of GATEHOUSE_* variables by dotted key, recording unknown
// variables as problems. Other variables are ignored.
func (s schema) readEnv(environ []string, p *domain.Problems) map[string]any {
	out := map[string]any{}
	for _, kv := range environ {
		name, value, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, EnvPrefix) {
			continue
		}
		l, ok := s.byEnv[name]
		if !ok {
			p.Add(name, "unknown variable (no setting has this name)")
			continue
		}
		if value != "" {
			out[l.key] = value
		}
	}
	return out
}

// readFlags returns the settings of the flags set on the command line, as strings.
func (s schema) readFlags(fs *pflag.FlagSet) map[string]any {
	out := map[string]any{}
	for _, f := range settingFlags() {
		if fl := changedFlag(fs, f.name); fl != nil {
			out[f.key] = fl.Value.String()
		}
	}
	return out
}

func changedFlag(fs *pflag.FlagSet, name string) *pflag.Flag {
	if fs == nil {
		return nil
	}
	if f := fs.Lookup(name); f != nil && f.Changed {
		return f
	}
	return nil
}

// flagOf names the flag of a key, for problems.
func flagOf(key string) string {
	for _, f := range settingFlags() {
		if f.key == key {
			return "--" + f.name
		}
	}
	return key
}

// merge decodes the raw values of one layer, keyed by dotted key, into their types, records
// a problem for each that does not decode (named by name(key)), and merges the others into k.
// Decoding each layer on its own names every problem by its source, and a bad value is
// reported even when a later layer overrides it. weak admits strings for every type, as the
// environment and flags give.
func (s schema) merge(k *koanf.Koanf, raw map[string]any, weak bool, name func(string) string, p *domain.Problems) {
	if len(raw) == 0 {
		return
	}
	var scratch Config
	dec, err := mapstructure.NewDecoder(decoderConfig(weak, &scratch))
	if err != nil {
		p.Add("config", "%v", err)
		return
	}
	bad := map[string]bool{}
	if err := dec.Decode(maps.Unflatten(raw, ".")); err != nil {
		s.addDecodeErrors(err, name, bad, p)
	}
	typed := make(map[string]any, len(raw))
	for key := range raw {
		if l, ok := s.byKey[key]; ok && !bad[key] {
			typed[key] = l.get(scratch)
		}
	}
	if err := k.Load(confmap.Provider(typed, "."), nil); err != nil {
		p.Add("config", "%v", err)
	}
}

// addDecodeErrors records each error that mapstructure joined into err as a problem, and the
// key it is about in bad (when bad is not nil).
func (s schema) addDecodeErrors(err error, name func(string) string, bad map[string]bool, p *domain.Problems) {
	for _, e := range leafErrors(err) {
		var de *mapstructure.DecodeError
		if !errors.As(e, &de) {
			p.Add("config", "%v", e)
			continue
		}
		key, index, _ := strings.Cut(de.Name(), "[")
		if index != "" {
			index = "[" + index
		}
		if bad != nil {
			bad[key] = true
		}
		l, ok := s.byKey[key]
		if !ok {
			p.Add(de.Name(), "%v", de.Unwrap())
			continue
		}
		t := l.typ
		if index != "" {
			t = t.Elem()
		}
		p.Add(name(key)+index, "%s", problemOf(de.Unwrap(), t))
	}
}
