#!/usr/bin/env bash
# Copy the pinned rrweb recorder and player (package.json) into cityux_analytics' static files.
# Usage: bash scripts/vendor_rrweb.sh   (installs node_modules with `npm ci` when missing)
#
# The copies are kept in the repository so `pip install` needs no Node. Source-map comments are
# removed: the maps are not shipped, and ManifestStaticFilesStorage refuses missing maps.
set -euo pipefail

cd "$(dirname "$0")/.."
TARGET=cityux_analytics/static/cityux_analytics/vendor/rrweb
RECORD=node_modules/@rrweb/record
PLAYER=node_modules/rrweb-player

if [ ! -f "$RECORD/package.json" ] || [ ! -f "$PLAYER/package.json" ]; then
    npm ci --no-audit --no-fund
fi

version_of() {
    node -p "require('./$1/package.json').version"
}

rm -rf "$TARGET"
mkdir -p "$TARGET"
cp "$RECORD/umd/record.min.js" "$TARGET/record.min.js"
cp "$PLAYER/umd/rrweb-player.min.js" "$TARGET/rrweb-player.min.js"
cp "$PLAYER/dist/style.min.css" "$TARGET/rrweb-player.min.css"
bash scripts/strip_source_maps.sh "$TARGET"/*.js "$TARGET"/*.css

{
    echo "@rrweb/record $(version_of "$RECORD")"
    echo "rrweb-player $(version_of "$PLAYER")"
} > "$TARGET/VERSION"

# Neither npm package ships a LICENSE file; both declare MIT in package.json. Write the notice
# the MIT licence asks for, naming the packages and where their full history lives.
{
    echo "The files in this folder are unmodified builds (minus source-map comments) of:"
    echo
    for package in "$RECORD" "$PLAYER"; do
        node -p "const p = require('./$package/package.json'); \
            [p.name + ' ' + p.version, '  licence: ' + p.license, \
             '  author: ' + (p.author ? (p.author.name || p.author) : 'rrweb contributors'), \
             '  source: ' + (p.repository.url || p.repository)].join('\n')"
    done
    echo
    echo "rrweb is copyright (c) the rrweb contributors, released under the MIT License:"
    echo
    cat <<'MIT'
Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT
OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
MIT
} > "$TARGET/LICENSE"

echo "vendored rrweb into $TARGET:"
cat "$TARGET/VERSION"
