// Package config owns Gatehouse's configuration: the typed schema (Config and its sections),
// the defaults, the loading of the layers — defaults, then a YAML file, then GATEHOUSE_*
// environment variables, then command-line flags, each overriding the one before — and the one
// validator that lists every problem at once.
//
// Every setting is named once, by the koanf tag of its field; the YAML key, the environment
// variable and the documentation (docs/configuration.md, checked by a test) all follow from it.
//
// The package reads only what it is given: the file named in LoadOptions or by --config, the
// environment passed in LoadOptions.Environ and the flag set. It opens no database, creates no
// file and holds no package-level state. Error messages never repeat the value of a secret or
// of a URL, which may hold a password.
package config
