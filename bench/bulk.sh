#!/usr/bin/env bash
# Bulk benchmark: `lexval validate --format json` over N generated
# app.bsky.feed.post records against indigo's atdata.UnmarshalJSON +
# lexicon.ValidateRecord over the same file (bench/indigo-bulk), and against
# a plain JSON scan of the same lines on the same cores (bench/jsonscan:
# encoding/json.Valid, nothing built), whole process: wall time, CPU time,
# max RSS. lexval and indigo must find the same number of invalid records.
# Issue 14's goals: lexval's wall time at most 0.35x indigo's (on as many
# goroutines as cores) and at most 3x the scan's.
#
#   bench/bulk.sh [N [RUNS]]     (N records, default 20000; RUNS per program, default 7)
#
# Each program runs RUNS times, interleaved, under GNU time; the medians are
# compared. hyperfine, when installed (apt-get install -y hyperfine), times
# them once more. LEXVAL_BIN measures that binary instead of building the
# checkout. The JSONL goes to a temp directory and is never committed.
# LEXVAL_SHARED locates ../shared.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
shared=${LEXVAL_SHARED:-$root/../shared}
lexicons=$shared/atproto/lexicons
n=${1:-20000}
runs=${2:-7}
[ -d "$lexicons" ] || { echo "bulk.sh: $lexicons not found (set LEXVAL_SHARED)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== build"
if [ -n "${LEXVAL_BIN:-}" ]; then
	cp "$LEXVAL_BIN" "$work/lexval"
else
	(cd "$root" && CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$work/lexval" .)
fi
(cd "$here" && go build -trimpath -o "$work/indigo-bulk" ./indigo-bulk && go build -o "$work/genposts" ./genposts && go build -trimpath -o "$work/jsonscan" ./jsonscan)
"$work/lexval" version
echo "cores: $(nproc), GOMAXPROCS default: $(nproc)"

echo "== generate $n records"
"$work/genposts" -n "$n" -o "$work/posts.jsonl"
ls -l "$work/posts.jsonl" | awk '{printf "%s: %.1f MB\n", $NF, $5/1e6}'

lexval_cmd="$work/lexval validate --lexicons $lexicons --format json $work/posts.jsonl"
indigo_cmd="$work/indigo-bulk -lexicons $lexicons $work/posts.jsonl"
indigo_par_cmd="$work/indigo-bulk -lexicons $lexicons -workers $(nproc) $work/posts.jsonl"
scan_cmd="$work/jsonscan $work/posts.jsonl"

echo "== same verdicts"
set +e
$lexval_cmd > "$work/lexval.jsonl"
code=$?
set -e
[ "$code" -le 1 ] || { echo "lexval exited $code" >&2; exit 1; }
lexval_invalid=$(grep -c '"valid":false' "$work/lexval.jsonl" || true)
lexval_total=$(wc -l < "$work/lexval.jsonl")
echo "lexval:      $lexval_total records, $lexval_invalid invalid (exit $code)"
echo "indigo-bulk: $($indigo_cmd 2>/dev/null)"

echo "jsonscan:    $($scan_cmd)"

# measure NAME COMMAND...: one run under GNU time, appended to NAME's file.
measure() {
	local name=$1; shift
	/usr/bin/time -f "%e %U %S %M" "$@" > /dev/null 2> "$work/time.txt" || true
	tail -n 1 "$work/time.txt" >> "$work/$name.times"
}
echo "== $runs runs each, interleaved (GNU time)"
for _ in $(seq "$runs"); do
	measure lexval $lexval_cmd
	measure indigo $indigo_cmd
	measure indigo-par $indigo_par_cmd
	measure jsonscan $scan_cmd
done
# median NAME FIELD: the median of a column (1 wall, 2 user, 3 sys, 4 max RSS KB).
median() { sort -n -k "$2" "$work/$1.times" | awk -v f="$2" '{v[NR] = $f} END {print v[int((NR + 1) / 2)]}'; }
for name in lexval indigo indigo-par jsonscan; do
	printf "%-12s wall %5.2f s (runs: %s)  user %5.2f s  sys %4.2f s  max RSS %3d MB\n" "$name" "$(median "$name" 1)" \
		"$(awk '{printf "%s ", $1}' "$work/$name.times")" "$(median "$name" 2)" "$(median "$name" 3)" "$(($(median "$name" 4) / 1024))"
done
awk -v l="$(median lexval 1)" -v i="$(median indigo 1)" -v p="$(median indigo-par 1)" -v s="$(median jsonscan 1)" 'BEGIN {
	printf "RATIO lexval / indigo (1 goroutine): %.2f; / indigo (%d goroutines): %.2f (goal <= 0.35); / jsonscan: %.2f (goal <= 3)\n", l / i, '"$(nproc)"', l / p, l / s }'

if command -v hyperfine > /dev/null; then
	echo "== hyperfine"
	hyperfine --warmup 1 --runs 5 -i -N \
		-n "lexval validate" "$lexval_cmd" \
		-n "indigo-bulk" "$indigo_cmd" \
		-n "indigo-bulk -workers $(nproc)" "$indigo_par_cmd" \
		-n "jsonscan" "$scan_cmd"
else
	echo "(hyperfine not installed: apt-get install -y hyperfine for repeated runs)"
fi
