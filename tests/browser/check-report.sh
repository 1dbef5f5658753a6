#!/usr/bin/env bash
# Renders an HTML report produced by ModelCost.Core in headless Chromium and checks the screenshot.
# Installs nothing: without /usr/bin/chromium (Debian: apt-get install chromium) it says so and exits 0.
#
#   tests/browser/check-report.sh                 # generates report.html via the xunit test, screenshots it
#   tests/browser/check-report.sh path/report.html [out.png]
#
# Exit status: 0 = rendered and the PNG looks non-trivial (or Chromium absent), 1 = failure.
set -euo pipefail
cd "$(dirname "$0")/../.."

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  echo "skip: $CHROMIUM not found (apt-get install chromium to run the browser check)"
  exit 0
fi

work=$(mktemp -d)
profile=$(mktemp -d)
trap 'rm -rf "$work" "$profile"' EXIT

if [ $# -ge 1 ]; then
  report=$(realpath "$1")
else
  # The report generator is an xunit test: MODELCOST_REPORT_OUT=<dir> makes it write report.html and chart.svg there.
  MODELCOST_REPORT_OUT="$work" dotnet test tests/ModelCost.Core.Tests -c Release \
    --filter "FullyQualifiedName~ModelCost.Core.Tests.Reporting.HtmlReportTests.Save_writes_atomically" >"$work/test.log" 2>&1 \
    || { cat "$work/test.log"; echo "FAIL: could not generate the report"; exit 1; }
  report="$work/report.html"
fi
[ -s "$report" ] || { echo "FAIL: $report missing or empty"; exit 1; }
png=${2:-$work/report.png}

# No network: every flag below keeps Chromium from phoning home; the report itself has no external resources.
timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
  --user-data-dir="$profile" --screenshot="$png" --window-size=1280,2000 "file://$report" >"$work/chromium.log" 2>&1 \
  || { tail -n 20 "$work/chromium.log"; echo "FAIL: chromium exited with an error"; exit 1; }

[ -s "$png" ] || { echo "FAIL: no screenshot written"; exit 1; }
# PNG signature, then the IHDR size; a blank page compresses to a few KB, a real report is far larger.
sig=$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')
[ "$sig" = "89504e470d0a1a0a" ] || { echo "FAIL: $png is not a PNG"; exit 1; }
w=$(od -An -tu1 -j16 -N4 "$png" | awk '{print $1*16777216+$2*65536+$3*256+$4}')
h=$(od -An -tu1 -j20 -N4 "$png" | awk '{print $1*16777216+$2*65536+$3*256+$4}')
size=$(stat -c %s "$png")
echo "screenshot: $png (${w}x${h}, $size bytes)"
[ "$w" -ge 1000 ] && [ "$h" -ge 1000 ] || { echo "FAIL: unexpected screenshot size ${w}x${h}"; exit 1; }
[ "$size" -ge 40000 ] || { echo "FAIL: screenshot is only $size bytes: the page looks blank"; exit 1; }
echo "OK: report rendered in headless Chromium"
