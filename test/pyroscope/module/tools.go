//go:build tools

// Pins the Pyroscope server command so `go mod tidy` keeps every module it needs.
package tools

import _ "github.com/grafana/pyroscope/cmd/pyroscope"
