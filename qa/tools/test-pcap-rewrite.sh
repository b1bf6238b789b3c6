#!/bin/sh
# test-pcap-rewrite.sh — `make check` entry for qa/tools/test_pcap_rewrite.py: finds the built
# pcap-rewrite (build tree, run from the build directory) and a directory of Ethernet pcaps
# (the shared corpus, else pcaps/); exits 77 (skipped) when there are no pcaps to rewrite.
srcdir=${srcdir:-$(dirname "$0")/../..}
tool=qa/bench/pcap-rewrite
[ -x "$tool" ] || tool=${AEGIS_BUILD_DIR:-$srcdir/build}/qa/bench/pcap-rewrite
for dir in "$srcdir/../shared/corpus/traffic" "$srcdir/pcaps"; do
	if ls "$dir"/*.pcap >/dev/null 2>&1; then
		exec /usr/bin/python3 "$srcdir/qa/tools/test_pcap_rewrite.py" "$tool" "$dir"
	fi
done
echo "test-pcap-rewrite: no pcaps to rewrite, skipped"
exit 77
