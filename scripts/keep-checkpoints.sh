#!/bin/sh
# Keeps copies of an entrylog server's signed log checkpoints outside its data folder, so that
# whoever holds that folder cannot later cut the log back unnoticed (docs/threat-model.md T39).
#
#   scripts/keep-checkpoints.sh URL DIR
#
# Fetches URL/api/checkpoints and writes each checkpoint not kept yet to DIR as its own file
# (cp-<at>-<log>-<entries>.json, never rewritten), then DIR/all.json, every kept checkpoint as one JSON
# array. Run it from cron at least as often as ENTRYLOG_CHECKPOINT_MINUTES (default 60), e.g.
#
#   17 * * * *  /path/to/keep-checkpoints.sh https://entry.example.org /var/lib/entrylog-copies
#
# and prove later, on the server's data folder, that the logs only grew since every copy:
#
#   java -jar entrylog.jar verify --data DATA --against DIR/all.json
#
# Needs only sh and curl. CURL_OPTS is passed to curl (e.g. "--cacert ca.pem"). The checkpoints
# are signed (Ed25519, key at URL/api/keys), so where they were fetched from does not matter.
set -eu
if [ "$#" -ne 2 ]; then
  echo "usage: $0 URL DIR" >&2
  exit 2
fi
url="${1%/}"
dir="$2"
mkdir -p "$dir"
tmp="$dir/.fetch.$$"
trap 'rm -f "$tmp" "$tmp.lines" "$dir/.all.$$"' EXIT
# shellcheck disable=SC2086 # CURL_OPTS is split into options on purpose
curl -fsS --max-time 60 ${CURL_OPTS:-} "$url/api/checkpoints?limit=100" -o "$tmp"

# The answer is {"checkpoints":[{…},{…}]}: flat objects whose values hold no braces (base64url,
# numbers, instants), so one object per line is a plain text split.
sed -e 's/^{"checkpoints":\[//' -e 's/\]}[[:space:]]*$//' -e 's/},{/}|{/g' "$tmp" | tr '|' '\n' > "$tmp.lines"
added=0
while IFS= read -r cp || [ -n "$cp" ]; do
  case "$cp" in
    '{'*'"signature"'*'}') ;;
    *) continue ;;
  esac
  log=$(printf '%s' "$cp" | sed -n 's/.*"log":"\([a-z_]*\)".*/\1/p')
  at=$(printf '%s' "$cp" | sed -n 's/.*"at":"\([0-9TZ:.-]*\)".*/\1/p' | tr -d ':')
  entries=$(printf '%s' "$cp" | sed -n 's/.*"entries":\([0-9]*\).*/\1/p')
  [ -n "$log" ] && [ -n "$at" ] && [ -n "$entries" ] || continue
  file="$dir/cp-$at-$log-$entries.json"
  if [ ! -e "$file" ]; then
    printf '%s\n' "$cp" > "$file"
    added=$((added + 1))
  fi
done < "$tmp.lines"

# every kept checkpoint as one array, the form `verify --against` reads
{
  printf '['
  first=1
  for f in "$dir"/cp-*.json; do
    [ -e "$f" ] || continue
    if [ "$first" -eq 0 ]; then printf ','; fi
    first=0
    tr -d '\n' < "$f"
  done
  printf ']\n'
} > "$dir/.all.$$"
mv "$dir/.all.$$" "$dir/all.json"
echo "kept $added new checkpoint(s) in $dir"
