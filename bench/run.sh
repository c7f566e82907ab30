#!/usr/bin/env bash
# Reproduces the performance tables of BENCHMARKS.md. Run from anywhere:
#   bench/run.sh            everything (embedded corpus, 100,000 generated cases, HTTP)
#   bench/run.sh small      in-process, embedded corpus
#   bench/run.sh large [N]  in-process, plus N generated cases (default 100000)
#   bench/run.sh http       over HTTP, embedded corpus
# BENCH_DIR=dir keeps the large corpus's data (casebank, FTS5, plain bleve)
# there and reuses it on the next run; the build rows then say "(reused)".
set -euo pipefail
cd "$(dirname "$0")"
part="${1:-all}"
N="${2:-100000}"
tmp=$(mktemp -d)
# The clean-up must not fail under set -e when no job is left (kill with no
# pid would), or the script exits 2 and leaves $tmp behind.
trap 'jobs -p | xargs -r kill 2>/dev/null; rm -rf "$tmp"; true' EXIT

small() { echo "## In-process, embedded corpus"; go run ./search -n 0 -reps 50; }
large() {
  echo "## In-process, $N generated cases"
  go run ./search -n "$N" -reps 10 ${BENCH_DIR:+-dir "$BENCH_DIR"}
}
rss() { grep VmRSS "/proc/$(pgrep -f "$tmp/casebank serve" | head -1)/status" | awk '{print $2/1024 " MiB"}'; }
http() {
  echo "## Over HTTP (embedded corpus)"
  (cd .. && go build -o "$tmp/casebank" ./cmd/casebank)
  go build -o "$tmp/floor" ./floor
  go build -o "$tmp/load" ./load
  "$tmp/casebank" serve --addr 127.0.0.1:18080 --data "$tmp/data" >"$tmp/serve.log" 2>&1 &
  for _ in $(seq 50); do curl -sf 127.0.0.1:18080/healthz >/dev/null && break; sleep 0.2; done
  size=$(curl -s '127.0.0.1:18080/api/v1/search?q=DeepSeek' | wc -c)
  "$tmp/floor" -addr 127.0.0.1:18081 -size "$size" >/dev/null &
  sleep 1
  echo "answer size: $size bytes; RSS of casebank serve after start: $(rss)"
  echo "| target | connections | requests/s | p50 | p99 | errors |"; echo "|---|---|---|---|---|---|"
  for c in 1 16 64; do
    printf "| floor "; "$tmp/load" -url http://127.0.0.1:18081 -path / -c "$c" -d 10s
    printf "| casebank "; "$tmp/load" -url http://127.0.0.1:18080 -c "$c" -d 10s
  done
  printf "| casebank, no result cache "; "$tmp/load" -url http://127.0.0.1:18080 -c 16 -d 10s -fresh
  echo "RSS of casebank serve after the read load: $(rss)"
  kill %1; wait %1 2>/dev/null || true
  # One editor token per connection: each token may write 50 times a second.
  for i in $(seq 16); do "$tmp/casebank" token create --data "$tmp/data" --role editor --name "load$i" 2>/dev/null; done | paste -sd, >"$tmp/token"
  "$tmp/casebank" serve --addr 127.0.0.1:18080 --data "$tmp/data" >"$tmp/serve.log" 2>&1 &
  for _ in $(seq 50); do curl -sf 127.0.0.1:18080/healthz >/dev/null && break; sleep 0.2; done
  echo "mixed 95% search / 5% writes:"
  printf "| casebank mixed "; "$tmp/load" -url http://127.0.0.1:18080 -c 16 -d 10s -writes 0.05 -token "$(cat "$tmp/token")"
  echo "RSS of casebank serve after the mixed load: $(rss)"
}
case "$part" in
  all) small; large; http ;;
  small) small ;;
  large) large ;;
  http) http ;;
  *) echo "usage: bench/run.sh [all|small|large [N]|http]" >&2; exit 2 ;;
esac
