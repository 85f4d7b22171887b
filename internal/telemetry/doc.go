// Package telemetry builds the Prometheus registry of a Gatehouse process: Go runtime and
// process collectors and gatehouse_build_info. Every component registers its own metrics on
// the registry it is given; nothing here is global, and the default registry is never used.
package telemetry
