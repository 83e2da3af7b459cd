#!/usr/bin/env bash
# Build cityux_analytics' tracker.min.js from tracker.js with the pinned terser (package.json).
# Usage: bash scripts/build_tracker.sh           (installs node_modules with `npm ci` when missing)
#        bash scripts/build_tracker.sh --check   (exit 1 if the committed tracker.min.js is not
#                                                 the build of tracker.js; writes nothing)
set -euo pipefail

cd "$(dirname "$0")/.."
STATIC=cityux_analytics/static/cityux_analytics
OUTPUT="$STATIC/tracker.min.js"
CHECK=0
if [ "${1:-}" = "--check" ]; then
    CHECK=1
    OUTPUT="$(mktemp --suffix=.min.js)"
    trap 'rm -f "$OUTPUT"' EXIT
fi

if [ ! -x node_modules/.bin/terser ]; then
    npm ci --no-audit --no-fund
fi

npx --no-install terser "$STATIC/tracker.js" \
    --compress passes=3,ecma=2017 \
    --mangle \
    --ecma 2017 \
    --comments false \
    --output "$OUTPUT"

# terser ends the file without a newline; add one so the committed file is a tidy text file.
printf '\n' >> "$OUTPUT"
# No map is written; the check keeps a future `--source-map` from breaking collectstatic.
bash scripts/strip_source_maps.sh "$OUTPUT"

if [ "$CHECK" = 1 ]; then
    if ! cmp -s "$OUTPUT" "$STATIC/tracker.min.js"; then
        echo "$STATIC/tracker.min.js is not the build of tracker.js: run bash scripts/build_tracker.sh" >&2
        exit 1
    fi
    echo "$STATIC/tracker.min.js is the build of tracker.js"
    exit 0
fi
echo "built $OUTPUT ($(wc -c < "$OUTPUT") bytes)"
