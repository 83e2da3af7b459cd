#!/usr/bin/env bash
# Vendor Chart.js (the analytics reports' charts) into cityux_analytics' static files.
# Usage: bash scripts/vendor_chartjs.sh [version]
#
# npm installs the pinned release into a throwaway directory (the repository's package.json
# is for build tools only), then the UMD build, its licence and a VERSION file are copied.
# The source-map comment is removed: the map is not shipped, and ManifestStaticFilesStorage
# refuses missing maps.
set -euo pipefail

VERSION="${1:-4.6.1}"
cd "$(dirname "$0")/.."
TARGET=cityux_analytics/static/cityux_analytics/vendor/chartjs
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

npm install --prefix "$WORK" --no-save --no-audit --no-fund --ignore-scripts \
    "chart.js@$VERSION" >/dev/null
PACKAGE="$WORK/node_modules/chart.js"

installed="$(node -p "require('$PACKAGE/package.json').version")"
if [ "$installed" != "$VERSION" ]; then
    echo "asked for chart.js $VERSION, npm installed $installed" >&2
    exit 1
fi

# Chart.js 4 ships dist/chart.umd.min.js; some 4.x releases name it dist/chart.umd.js.
for candidate in chart.umd.min.js chart.umd.js; do
    if [ -f "$PACKAGE/dist/$candidate" ]; then
        BUILD="$PACKAGE/dist/$candidate"
        break
    fi
done
if [ -z "${BUILD:-}" ]; then
    echo "no UMD build found in chart.js $VERSION's dist/" >&2
    exit 1
fi

mkdir -p "$TARGET"
cp "$BUILD" "$TARGET/chart.umd.min.js"
bash scripts/strip_source_maps.sh "$TARGET/chart.umd.min.js"
cp "$PACKAGE/LICENSE.md" "$TARGET/LICENSE.md"
printf 'chart.js %s\n' "$VERSION" > "$TARGET/VERSION"
echo "vendored chart.js $VERSION into $TARGET ($(wc -c < "$TARGET/chart.umd.min.js") bytes)"
