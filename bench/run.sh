#!/usr/bin/env bash
# Compares `sgkit load` with the vegeta CLI against the same local sink, at
# the same rate and worker settings, and prints the throughput, p99 latency
# and CPU time per request ratios (sgkit ÷ vegeta). vegeta sends one static
# target, while sgkit generates every body as it sends.
#
# usage: bench/run.sh [RATE] [DURATION] [WORKERS]
#   RATE      requests per second, 0 for as fast as the workers allow (default 0)
#   DURATION  length of each run, e.g. 10s (default 10s)
#   WORKERS   worker count of both senders (default 10)
# ROUNDS=n in the environment repeats the pair n times (default 1),
# alternating which sender goes first, and prints the median ratios.
set -euo pipefail
cd "$(dirname "$0")/.."

rate=${1:-0}
duration=${2:-10s}
workers=${3:-10}
rounds=${ROUNDS:-1}
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
go build -o "$bin/bench-compare" ./bench/compare
go build -o "$bin/bench-target" ./bench/target
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

# vegeta's static target: the first realistic v1 request of the same plan.
"$bin/sgkit" send --dump -n 1 --seed 1 --run-id bench | "$bin/bench-target" "$sink" >"$out/targets.json"

# vegeta needs a worker cap for an unpaced attack, as sgkit sets itself.
cap=()
if [[ "$rate" == 0 ]]; then cap=(-max-workers "$workers"); fi

run_vegeta() {
	"$bin/vegeta" attack -format json -targets "$out/targets.json" -rate "$rate" \
		-duration "$duration" -workers "$workers" "${cap[@]}" >"$out/vegeta.bin" 2>"$out/vegeta.log"
}
run_sgkit() {
	"$bin/sgkit" load --collector "$sink" --rate "$rate" --duration "$duration" \
		--workers "$workers" --seed 1 --run-id bench --results "$out/sgkit.bin" \
		>/dev/null 2>"$out/sgkit.log"
}

# cpu runs a sender and prints the user plus system CPU time it used.
cpu() {
	local TIMEFORMAT='%3U %3S' times
	times=$( { time "$@"; } 2>&1)
	awk '{printf "%.3fs", $1 + $2}' <<<"$times"
}

echo "sink $sink; rate $rate/s (0 = unpaced), duration $duration, workers $workers, $rounds round(s); $(nproc) CPUs, load average $(cut -d' ' -f1 /proc/loadavg)"
for round in $(seq "$rounds"); do
	if ((round % 2)); then
		vegeta_cpu=$(cpu run_vegeta)
		sgkit_cpu=$(cpu run_sgkit)
	else
		sgkit_cpu=$(cpu run_sgkit)
		vegeta_cpu=$(cpu run_vegeta)
	fi
	echo "round $round"
	"$bin/bench-compare" -vegeta-cpu "$vegeta_cpu" -sgkit-cpu "$sgkit_cpu" "$out/vegeta.bin" "$out/sgkit.bin" | tee "$out/round$round.txt"
done

if ((rounds > 1)); then
	median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
	echo "median throughput ratio (sgkit ÷ vegeta): $(grep -h '^throughput ratio' "$out"/round*.txt | awk '{print $NF}' | median)"
	echo "median p99 latency ratio (sgkit ÷ vegeta): $(grep -h '^p99 latency ratio' "$out"/round*.txt | awk '{print $NF}' | median)"
	echo "median CPU per request ratio (sgkit ÷ vegeta): $(grep -h '^CPU per request ratio' "$out"/round*.txt | awk '{print $NF}' | median)"
fi
