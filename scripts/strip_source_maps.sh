#!/usr/bin/env bash
# Remove source-map comments from built or vendored JS / CSS files, in place.
# Usage: bash scripts/strip_source_maps.sh FILE...
#
# The maps are not shipped, and ManifestStaticFilesStorage (collectstatic in production) refuses
# a file whose `sourceMappingURL` names a missing file. Only whole comment lines are removed, the
# lines Django's storage matches: rrweb-player's bundled PostCSS has the same words in strings.
set -euo pipefail

for file in "$@"; do
    sed -i \
        -e '/^\/\/[#@] sourceMappingURL=[^"'"'"'`+]*$/d' \
        -e 's#^/\*[#@][ \t]sourceMappingURL=[^*"+]*\*/$##' \
        "$file"
    # The same patterns as django.contrib.staticfiles.storage.HashedFilesMixin: if one is left
    # (say a new build puts the comment mid-line), stop rather than ship a failing deploy.
    if grep -nE '^//# sourceMappingURL=|^/\*#[ 	]sourceMappingURL=.*\*/$' "$file"; then
        echo "$file still names a source map; collectstatic would fail" >&2
        exit 1
    fi
done
