#!/usr/bin/env bash
# Build cityux_analytics' tracker.min.js from tracker.js with the pinned terser (package.json).
# Usage: bash scripts/build_tracker.sh   (installs node_modules with `npm ci` when missing)
set -euo pipefail

cd "$(dirname "$0")/.."
STATIC=cityux_analytics/static/cityux_analytics

if [ ! -x node_modules/.bin/terser ]; then
    npm ci --no-audit --no-fund
fi

npx --no-install terser "$STATIC/tracker.js" \
    --compress passes=3,ecma=2017 \
    --mangle \
    --ecma 2017 \
    --comments false \
    --output "$STATIC/tracker.min.js"

# terser ends the file without a newline; add one so the committed file is a tidy text file.
printf '\n' >> "$STATIC/tracker.min.js"
# No map is written; the check keeps a future `--source-map` from breaking collectstatic.
bash scripts/strip_source_maps.sh "$STATIC/tracker.min.js"
echo "built $STATIC/tracker.min.js ($(wc -c < "$STATIC/tracker.min.js") bytes)"
