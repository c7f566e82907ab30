#!/usr/bin/env bash
# Reproduces the tables of BENCHMARKS.md (performance). Run from the
# repository root or from bench/: bench/run.sh [N] (generated cases, default 100000).
set -euo pipefail
cd "$(dirname "$0")"
N="${1:-100000}"
tmp=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
echo "## In-process, embedded corpus"; go run ./search -n 0 -reps 50
echo "## In-process, $N generated cases"; go run ./search -n "$N" -reps 10

echo "## Over HTTP (embedded corpus)"
(cd .. && go build -o "$tmp/casebank" ./cmd/casebank)
go build -o "$tmp/floor" ./floor
go build -o "$tmp/load" ./load
"$tmp/casebank" serve --addr 127.0.0.1:18080 --data "$tmp/data" >"$tmp/serve.log" 2>&1 &
sleep 3
size=$(curl -s '127.0.0.1:18080/api/v1/search?q=DeepSeek' | wc -c)
"$tmp/floor" -addr 127.0.0.1:18081 -size "$size" >/dev/null &
sleep 1
echo "answer size: $size bytes; RSS of casebank serve after start: $(grep VmRSS /proc/$(pgrep -f "$tmp/casebank serve" | head -1)/status)"
echo "| target | connections | requests/s | p50 | p99 | errors |"; echo "|---|---|---|---|---|---|"
for c in 1 16 64; do
  printf "| floor "; "$tmp/load" -url http://127.0.0.1:18081 -path / -c "$c" -d 10s
  printf "| casebank "; "$tmp/load" -url http://127.0.0.1:18080 -c "$c" -d 10s
done
kill %1
"$tmp/casebank" token create --data "$tmp/data" --role editor --name load >"$tmp/token" 2>/dev/null
"$tmp/casebank" serve --addr 127.0.0.1:18080 --data "$tmp/data" >"$tmp/serve.log" 2>&1 &
sleep 3
echo "mixed 95% search / 5% writes:"
printf "| casebank mixed "; "$tmp/load" -url http://127.0.0.1:18080 -c 16 -d 10s -writes 0.05 -token "$(cat "$tmp/token")"
echo "RSS of casebank serve after the load: $(grep VmRSS /proc/$(pgrep -f "$tmp/casebank serve" | head -1)/status)"
