#!/usr/bin/env bash
# Reproduces the performance tables of BENCHMARKS.md. Run from anywhere:
#   bench/run.sh            everything (embedded corpus, 100,000 generated cases, HTTP)
#   bench/run.sh small      in-process, embedded corpus
#   bench/run.sh large [N]  in-process, plus N generated cases (default 100000)
#   bench/run.sh http       over HTTP, embedded corpus
#   bench/run.sh serve [N]  over HTTP, N generated cases (default 100000): every
#                           endpoint of the 100k table, the floor in the same run
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
# serve measures every endpoint through the real server on N generated cases,
# with the floor server in the same run and the server's RSS after each row.
serve() {
  echo "## Over HTTP, $N generated cases"
  (cd .. && go build -o "$tmp/casebank" ./cmd/casebank)
  go build -o "$tmp/floor" ./floor
  go build -o "$tmp/load" ./load
  data="${BENCH_DIR:-$tmp}/serve-$N"
  if [ ! -e "$data/casebank.db" ]; then
    "$tmp/casebank" gen --n "$N" --seed 1 >"$tmp/gen.jsonl"
    printf "import + index of %s generated cases: " "$N"
    /usr/bin/time -f "%e s, peak RSS %M KiB" "$tmp/casebank" import --data "$data" "$tmp/gen.jsonl" 2>&1 >/dev/null | tail -1
    rm -f "$tmp/gen.jsonl"
  else
    echo "data directory $data (reused)"
  fi
  token=$("$tmp/casebank" token create --data "$data" --role editor --name "bench-$$" 2>/dev/null)
  # The write limiter would measure itself on suggest-tags: lift it.
  "$tmp/casebank" serve --addr 127.0.0.1:18080 --data "$data" --write-rate 1000000 --write-burst 1000000 >"$tmp/serve.log" 2>&1 &
  for _ in $(seq 3000); do curl -sf 127.0.0.1:18080/healthz >/dev/null && break; sleep 0.2; done
  # The tag model trains at start (about a minute at 100,000 cases): measure
  # after it, not beside it.
  for _ in $(seq 1200); do grep -q "tag suggester trained" "$tmp/serve.log" && break; sleep 0.5; done
  curl -s "127.0.0.1:18080/api/v1/search?kind=case&size=100&q=DeepSeek" | grep -o '"id":"[^"]*","kind":"case"' | cut -d'"' -f4 >"$tmp/ids"
  curl -s "127.0.0.1:18080/api/v1/search?kind=case&size=100&q=数据治理" | grep -o '"id":"[^"]*","kind":"case"' | cut -d'"' -f4 >>"$tmp/ids"
  echo '{"text":"某城商行依托DeepSeek大模型建设智能客服与信贷审批助手，并推进信创改造"}' >"$tmp/draft.json"
  size=$(curl -s '127.0.0.1:18080/api/v1/search?q=DeepSeek' | wc -c)
  "$tmp/floor" -addr 127.0.0.1:18081 -size "$size" >/dev/null &
  sleep 1
  echo "$(wc -l <"$tmp/ids") case ids; answer size: $size bytes; RSS of casebank serve after start: $(rss)"
  echo "| endpoint | connections | requests/s | p50 | p99 | errors | RSS after |"; echo "|---|---|---|---|---|---|---|"
  row() { local name="$1"; shift; printf "| %s " "$name"; "$tmp/load" "$@" -d 10s | tr -d '\n'; echo " $(rss) |"; }
  row "floor" -url http://127.0.0.1:18081 -path / -c 16
  row "search, every answer computed" -url http://127.0.0.1:18080 -c 16 -fresh
  row "search, cached" -url http://127.0.0.1:18080 -c 16
  row "case page /cases/{id}, every list computed" -url http://127.0.0.1:18080 -path "/cases/{id}" -ids "$tmp/ids" -c 4 -fresh
  row "/api/v1/cases/{id}/similar, every list computed" -url http://127.0.0.1:18080 -path "/api/v1/cases/{id}/similar" -ids "$tmp/ids" -c 4 -fresh
  # 200 cases in turn: after the first round each list is the kept one.
  row "case page /cases/{id}, repeat views" -url http://127.0.0.1:18080 -path "/cases/{id}" -ids "$tmp/ids" -c 4
  row "/api/v1/cases/{id}/similar, repeat views" -url http://127.0.0.1:18080 -path "/api/v1/cases/{id}/similar" -ids "$tmp/ids" -c 4
  row "/api/v1/stats" -url http://127.0.0.1:18080 -path /api/v1/stats -c 4
  row "/stats" -url http://127.0.0.1:18080 -path /stats -c 4
  row "POST /api/v1/suggest-tags" -url http://127.0.0.1:18080 -path /api/v1/suggest-tags -post "$tmp/draft.json" -token "$token" -c 4
}

case "$part" in
  all) small; large; http; serve ;;
  serve) serve ;;
  small) small ;;
  large) large ;;
  http) http ;;
  *) echo "usage: bench/run.sh [all|small|large [N]|http|serve [N]]" >&2; exit 2 ;;
esac
