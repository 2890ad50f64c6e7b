package adapter

// Artifact and Version name sgkit in the processor field of every bad row
// it writes (data.processor), as Snowplow components name themselves there.
// Version matches the bad-row schemas' pattern ^(\d+\.\d+\.\d+.*)$.
const (
	Artifact = "sgkit"
	Version  = "0.1.0"
)

// DefaultCollectorName is the collector field of a bad-row payload when the
// CollectorPayload does not name its collector. A Snowplow stream collector
// writes "<shortName>-<version>-<sink>", e.g. "ssc-3.4.0-kafka".
const DefaultCollectorName = "ssc-sgkit-" + Version
