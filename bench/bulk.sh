#!/usr/bin/env bash
# Bulk benchmark: `lexval validate --format json` over 100,000 generated
# app.bsky.feed.post records against indigo's atdata.UnmarshalJSON +
# lexicon.ValidateRecord over the same file (bench/indigo-bulk), whole
# process: wall time, CPU time, max RSS. Both must find the same number of
# invalid records.
#
#   bench/bulk.sh [N]        (N records, default 100000)
#
# Timing uses hyperfine when installed (apt-get install -y hyperfine), and
# GNU time (/usr/bin/time -v) for CPU and max RSS. The JSONL goes to a temp
# directory and is never committed. LEXVAL_SHARED locates ../shared.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
shared=${LEXVAL_SHARED:-$root/../shared}
lexicons=$shared/atproto/lexicons
n=${1:-100000}
[ -d "$lexicons" ] || { echo "bulk.sh: $lexicons not found (set LEXVAL_SHARED)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== build"
(cd "$root" && CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$work/lexval" .)
(cd "$here" && go build -trimpath -o "$work/indigo-bulk" ./indigo-bulk && go build -o "$work/genposts" ./genposts)
"$work/lexval" version
echo "cores: $(nproc), GOMAXPROCS default: $(nproc)"

echo "== generate $n records"
"$work/genposts" -n "$n" -o "$work/posts.jsonl"
ls -l "$work/posts.jsonl" | awk '{printf "%s: %.1f MB\n", $NF, $5/1e6}'

lexval_cmd="$work/lexval validate --lexicons $lexicons --format json $work/posts.jsonl"
indigo_cmd="$work/indigo-bulk -lexicons $lexicons $work/posts.jsonl"
indigo_par_cmd="$work/indigo-bulk -lexicons $lexicons -workers $(nproc) $work/posts.jsonl"

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

measure() { # name, command...: one run under GNU time
	local name=$1; shift
	/usr/bin/time -f "$name: wall %e s, user %U s, sys %S s, max RSS %M KB" "$@" > /dev/null 2> "$work/time.txt" || true
	tail -n 1 "$work/time.txt"
}
echo "== one run each (GNU time)"
measure "lexval validate" $lexval_cmd
measure "indigo-bulk (1 goroutine)" $indigo_cmd
measure "indigo-bulk ($(nproc) goroutines)" $indigo_par_cmd

if command -v hyperfine > /dev/null; then
	echo "== hyperfine"
	hyperfine --warmup 1 --runs 5 -i -N \
		-n "lexval validate" "$lexval_cmd" \
		-n "indigo-bulk" "$indigo_cmd" \
		-n "indigo-bulk -workers $(nproc)" "$indigo_par_cmd"
else
	echo "(hyperfine not installed: apt-get install -y hyperfine for repeated runs)"
fi
