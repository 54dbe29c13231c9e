#!/bin/sh
# How the dashboard's chart library was vendored (it is served by the server itself; nothing is
# fetched at run time): Chart.js, pinned, from the npm registry, checked against its digest.
set -eu
VERSION=4.5.1
SHA256=48444a82d4edcb5bec0f1965faacdde18d9c17db3063d042abada2f705c9f54a
cd "$(dirname "$0")/.."
work=$(mktemp -d)
(cd "$work" && npm pack "chart.js@$VERSION" >/dev/null && tar xzf "chart.js-$VERSION.tgz")
echo "$SHA256  $work/package/dist/chart.umd.min.js" | sha256sum -c -
cp "$work/package/dist/chart.umd.min.js" src/main/resources/dashboard/vendor/chart.umd.min.js
cp "$work/package/LICENSE.md" src/main/resources/dashboard/vendor/chart.js-LICENSE.md
rm -rf "$work"
