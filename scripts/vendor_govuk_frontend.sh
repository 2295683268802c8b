#!/usr/bin/env bash
# Refreshes the vendored GOV.UK Frontend assets in static/vendor/govuk-frontend/ from the npm
# registry. Maintainers only (needs npm); the site itself never fetches anything.
#
# The GDS Transport typeface is licensed for service.gov.uk domains only, so the fonts are left
# out and the stylesheet falls back to Arial, as the Design System advises for other domains.
set -euo pipefail
version="${1:-5.14.0}"
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="$here/static/vendor/govuk-frontend"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "govuk-frontend@$version" >/dev/null && tar xzf govuk-frontend-*.tgz)
src="$work/package/dist/govuk"
rm -rf "$dest" && mkdir -p "$dest/assets/images"
sed -E -e 's/@font-face\{font-family:GDS Transport;[^}]*\}//g' \
       -e 's/font-family:GDS Transport,/font-family:/g' \
       -e 's#url\(/assets/#url(assets/#g' \
       -e 's#/\*\# sourceMappingURL=[^*]*\*/##' \
       "$src/govuk-frontend.min.css" > "$dest/govuk-frontend.min.css"
sed -e 's#//\# sourceMappingURL=.*##' "$src/govuk-frontend.min.js" > "$dest/govuk-frontend.min.js"
cp "$src/assets/images/"{favicon.ico,favicon.svg,govuk-crest.svg} "$dest/assets/images/"
printf "GOV.UK Frontend %s, (c) Crown copyright, MIT licence: see its package README.\n" "$version" > "$dest/LICENSE.txt"
echo "$version" > "$dest/VERSION"
echo "GOV.UK Frontend $version vendored into $dest"
