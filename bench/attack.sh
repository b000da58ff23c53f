#!/usr/bin/env bash
# Error-path benchmark (issue 14): a hostile value against `lexval serve`.
# The value is a 2 MiB app.bsky.feed.post whose langs holds 524,000 invalid
# items. The script starts the server on loopback with the shared lexicon
# corpus and measures, in one run:
#
#   1. one hostile request alone: time, status and size of the answer;
#   2. valid traffic alone (refreshSession outputs, 32 connections);
#   3. the same valid traffic while four clients loop the hostile request:
#      the valid rate kept (issue 14's goal: at least half), what the
#      attackers were answered, and the server's peak RSS (goal: under
#      300 MB) and CPU.
#
#   bench/attack.sh [DURATION_SECONDS]      (default 20, per load phase)
#
# LEXVAL_BIN runs that binary instead of building the checkout (to measure
# an older build the same way); LEXVAL_FLAGS adds server flags; the server's
# environment (GOGC, GOMEMLIMIT, ...) is the script's. The load generator is
# hey (`go install github.com/rakyll/hey@v0.1.5`, or `go run` of it); it
# shares the cores with the server, so compare rates within one run.
# LEXVAL_SHARED locates ../shared.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
shared=${LEXVAL_SHARED:-$root/../shared}
lexicons=$shared/atproto/lexicons
duration=${1:-20}
port=${PORT:-18081}
base="http://127.0.0.1:$port"
url="$base/api/v1/validate"
[ -d "$lexicons" ] || { echo "attack.sh: $lexicons not found (set LEXVAL_SHARED)" >&2; exit 2; }

work=$(mktemp -d)
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

bin=${LEXVAL_BIN:-}
if [ -z "$bin" ]; then
	(cd "$root" && CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$work/lexval" .)
	bin=$work/lexval
fi
if command -v hey > /dev/null; then
	hey=(hey)
else
	hey=(go run github.com/rakyll/hey@v0.1.5)
fi

# The hostile body: as many invalid items as fit in the default 2 MiB limit.
# HOSTILE_ITEM changes the item (default "!", an invalid language tag):
# {"a":1}, say, for the input that costs the most memory per byte (a map
# each).
item=${HOSTILE_ITEM:-'"!"'}
prefix='{"schema":"app.bsky.feed.post","value":{"$type":"app.bsky.feed.post","text":"hi","createdAt":"2024-11-26T12:00:00.000Z","langs":['
suffix=']}}'
items=$(((2097152 - ${#prefix} - ${#suffix} + 1) / (${#item} + 1)))
{
	printf '%s' "$prefix"
	awk -v n="$items" -v item="$item" 'BEGIN { for (i = 0; i < n; i++) printf "%s%s", (i ? "," : ""), item }'
	printf '%s' "$suffix"
} > "$work/hostile.json"
echo "hostile body: $(wc -c < "$work/hostile.json") bytes, $items invalid langs items ($item)"
cat > "$work/valid.json" <<'JSON'
{"schema":"com.atproto.server.refreshSession","target":"output","value":{"accessJwt":"eyJ0eXAiOiJhdCtqd3QiLCJhbGciOiJFUzI1NksifQ.eyJzY29wZSI6ImNvbS5hdHByb3RvLmFjY2VzcyIsInN1YiI6ImRpZDpwbGM6Nm1zaTNwajdrcnppaDVxeHF0cnl4bHp3In0.c2lnbmF0dXJl","refreshJwt":"eyJ0eXAiOiJyZWZyZXNoK2p3dCIsImFsZyI6IkVTMjU2SyJ9.eyJzY29wZSI6ImNvbS5hdHByb3RvLnJlZnJlc2giLCJzdWIiOiJkaWQ6cGxjOjZtc2kzcGo3a3J6aWg1cXhxdHJ5eGx6dyJ9.c2lnbmF0dXJl","handle":"alice.bsky.social","did":"did:plc:6msi3pj7krzih5qxqtryxlzw","active":true,"didDoc":{"@context":["https://www.w3.org/ns/did/v1"],"id":"did:plc:6msi3pj7krzih5qxqtryxlzw"}}}
JSON

# shellcheck disable=SC2086 # LEXVAL_FLAGS is a list of flags
"$bin" serve --addr "127.0.0.1:$port" --lexicons "$lexicons" --log-format json --log-level error ${LEXVAL_FLAGS:-} 2> "$work/server.log" &
pid=$!
for _ in $(seq 100); do
	curl -fsS "$base/readyz" > /dev/null 2>&1 && break
	sleep 0.1
done
curl -fsS "$base/readyz" > /dev/null || { cat "$work/server.log" >&2; exit 1; }

status() { awk -v k="$1" '$1 == k":" {printf "%d MB", $2/1024}' "/proc/$pid/status"; }
cpu() { awk '{printf "%.1f", ($14 + $15) / 100}' "/proc/$pid/stat"; }
post() { curl -sS -o "$work/answer.json" -w '%{http_code} %{time_total}' -H 'Content-Type: application/json' --data-binary @"$1" "$url"; }

echo "== one hostile request alone (3 times)"
post "$work/valid.json" > /dev/null # compile the schemas first
post "$work/hostile.json" > /dev/null
for _ in 1 2 3; do
	read -r code secs <<< "$(post "$work/hostile.json")"
	echo "RESULT hostile status=$code time=${secs}s answer=$(wc -c < "$work/answer.json")B truncated=$(grep -o '"errorsTruncated":true' "$work/answer.json" | wc -l) count=$(sed -n 's/.*"errorCount":\([0-9]*\).*/\1/p' "$work/answer.json")"
done
echo "server RSS after: $(status VmRSS) (peak $(status VmHWM))"

# load NAME ARGS...: one hey run, one RESULT line (rate, p99, status codes).
load() {
	local name=$1
	shift
	(cd "$here" && "${hey[@]}" "$@") > "$work/$name.out"
	awk -v name="$name" '
		/Requests\/sec:/ { rps = $2 }
		/ 99%+ in / { p99 = $3 * 1000 }
		/^  \[[0-9]+\]/ { codes = codes " " substr($1, 2, 3) "x" $2 }
		END { printf "RESULT %s req/s=%.0f p99=%.1fms codes:%s\n", name, rps, p99, codes }
	' "$work/$name.out"
}
valid_load() { load "$1" -z "${duration}s" -c 32 -m POST -T application/json -D "$work/valid.json" "$url"; }

echo "== valid traffic alone (${duration}s, 32 connections)"
alone=$(valid_load valid-alone)
echo "$alone"
echo "== valid traffic with four clients looping the hostile request (${duration}s)"
cpu0=$(cpu)
load attackers -z "$((duration + 2))s" -c 4 -m POST -T application/json -D "$work/hostile.json" "$url" > "$work/attackers.txt" &
attackers=$!
sleep 1
attacked=$(valid_load valid-attacked)
echo "$attacked"
wait "$attackers"
cat "$work/attackers.txt"
cpu1=$(cpu)
echo "server CPU during the attack: $(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN{print b-a}')s"
echo "server RSS after: $(status VmRSS) (peak $(status VmHWM))"
rate() { sed -n 's|.* req/s=\([0-9]*\).*|\1|p' <<< "$1"; }
awk -v a="$(rate "$alone")" -v b="$(rate "$attacked")" 'BEGIN { printf "RATIO valid rate under attack / alone: %.2f (goal >= 0.5)\n", b / a }'
