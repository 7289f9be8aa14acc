#!/bin/sh
# qr-corpus.sh — regenerate the QR decoder comparison for docs/PERFORMANCE.md.
#
# Decodes the ZXing black-box QR corpus (shipped in gozxing's module) and the
# synthetic business-card set at 0°, 90°, 180° and 270° with Fieldbook's
# decoder, plain gozxing and zbarimg, and writes the Markdown table to
# $1 (default qr-report.md). Needs zbarimg (Debian zbar-tools). Run it on
# an otherwise idle machine: the table includes timings.
#
# Also prints the per-strategy measurement behind the strategy order in
# data/card/qr/qr.go, and the decode benchmarks.
set -eu
out=$(realpath -m "${1:-qr-report.md}")
cd "$(dirname "$0")/.."
command -v zbarimg >/dev/null || { echo "qr-corpus.sh: zbarimg not found (apt-get install zbar-tools)" >&2; exit 1; }
CI=1 FIELDBOOK_QR_REPORT="$out" go test -count=1 -run '^TestCorpus$' ./data/card/qr
FIELDBOOK_QR_STRATEGIES=1 go test -count=1 -v -run '^TestStrategyValue$' ./data/card/qr | sed -n '/images$/,/missed by all/p'
go test -count=1 -run '^$' -bench BenchmarkDecode -benchtime 2s ./data/card/qr
echo "table written to $out"
