#!/usr/bin/env bash
# Compares `sgkit load` with the vegeta CLI against the same local sink, at
# the same rate and worker settings, one run each, and prints the
# throughput and p99 ratios (sgkit ÷ vegeta). vegeta sends one static
# target; sgkit generates every body as it sends.
#
# usage: bench/run.sh [RATE] [DURATION] [WORKERS]
#   RATE      requests per second, 0 for as fast as the workers allow (default 0)
#   DURATION  length of each run, e.g. 10s (default 10s)
#   WORKERS   worker count of both senders (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."

rate=${1:-0}
duration=${2:-10s}
workers=${3:-10}
bin=$PWD/bin
out=$(mktemp -d)
sink_pid=""
cleanup() {
	if [[ -n "$sink_pid" ]]; then kill "$sink_pid" 2>/dev/null || true; fi
	rm -rf "$out"
}
trap cleanup EXIT

mkdir -p "$bin"
go build -o "$bin/sgkit" ./cmd/sgkit
go build -o "$bin/bench-sink" ./bench/sink
if [[ ! -x "$bin/vegeta" ]]; then
	# bin/ is gitignored; the Go module proxy serves the CLI.
	GOBIN="$bin" go install github.com/tsenart/vegeta/v12@v12.13.0
fi

"$bin/bench-sink" >"$out/sink.url" 2>"$out/sink.log" &
sink_pid=$!
for _ in $(seq 50); do
	[[ -s "$out/sink.url" ]] && break
	sleep 0.1
done
sink=$(head -1 "$out/sink.url")
if [[ -z "$sink" ]]; then
	echo "bench: the sink did not start; see $out/sink.log" >&2
	exit 1
fi

# vegeta's static target: one realistic v1 request, as sgkit would send it.
"$bin/sgkit" send --dump -n 1 --seed 1 --run-id bench >"$out/request.json"
python3 - "$out" "$sink" <<'PY'
import json, sys
out, sink = sys.argv[1], sys.argv[2]
r = json.load(open(out + "/request.json"))
open(out + "/body", "w").write(r["body"])
with open(out + "/targets", "w") as t:
    t.write(f"POST {sink}{r['path']}?{r['query']}\nContent-Type: {r['contentType']}\n@{out}/body\n")
PY

# vegeta needs a worker cap for an unpaced attack, as sgkit sets itself.
cap=()
if [[ "$rate" == 0 ]]; then cap=(-max-workers "$workers"); fi

echo "sink $sink; rate $rate/s (0 = unpaced), duration $duration, workers $workers; $(nproc) CPUs"
"$bin/vegeta" attack -targets "$out/targets" -rate "$rate" -duration "$duration" \
	-workers "$workers" "${cap[@]}" >"$out/vegeta.bin"
"$bin/sgkit" load --collector "$sink" --rate "$rate" --duration "$duration" \
	--workers "$workers" --seed 1 --run-id bench --results "$out/sgkit.bin" >/dev/null 2>"$out/sgkit.log"
go run ./bench/compare "$out/vegeta.bin" "$out/sgkit.bin"
