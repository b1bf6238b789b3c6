#!/usr/bin/env bash
# qa/cli/test-cli.sh — end-to-end checks of aegis's command line and its behaviour on bad input:
# missing, corrupt and truncated captures, unknown link types, unwritable log directories, bad
# YAML, wrong config types, --set, stdin and directory input, the config root, signals.
# Each check counts once; the last line is `N passed, M failed`.
#
#   qa/cli/test-cli.sh [path/to/aegis]
set -uo pipefail
cd "$(dirname "$0")/../.."
AEGIS=$(realpath "${1:-build/src/aegis}")
PCAP=$PWD/pcaps/demo.pcap
T=$(mktemp -d "${TMPDIR:-/tmp}/aegis-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
PASS=0 FAIL=0

ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
not_ok() { FAIL=$((FAIL + 1)); echo "FAIL: $1"; shift; for l in "$@"; do echo "    $l"; done; }

# run NAME EXPECTED_EXIT CMD...: run with stdout/stderr captured into $T/out, $T/err.
run() {
	local name=$1 want=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	local rc=$?
	if [[ $rc == "$want" ]]; then ok "$name (exit $rc)"; else not_ok "$name: exit $rc, want $want" "$(head -3 "$T/err")"; fi
}
# expect_err NAME REGEX: the last run's stderr matches REGEX.
expect_err() {
	if grep -qE -- "$2" "$T/err"; then ok "$1"; else not_ok "$1: stderr lacks /$2/" "$(head -3 "$T/err")"; fi
}
expect_out() {
	if grep -qE -- "$2" "$T/out"; then ok "$1"; else not_ok "$1: stdout lacks /$2/" "$(head -3 "$T/out")"; fi
}
# count_eve FILE TYPE: records of one event_type.
count_eve() { grep -c "\"event_type\":\"$2\"" "$1" 2>/dev/null || true; }

# Write a classic pcap header with the given link type followed by nothing.
pcap_header() { # linktype
	/usr/bin/python3 -c 'import struct,sys; sys.stdout.buffer.write(struct.pack("<IHHiIII",0xa1b2c3d4,2,4,0,0,65535,int(sys.argv[1])))' "$1"
}

# --- version and help
run "-V prints the version" 0 "$AEGIS" -V
expect_out "-V names aegis" "aegis version [0-9]+\.[0-9]+"
run "--build-info" 0 "$AEGIS" --build-info
expect_out "--build-info lists Hyperscan" "Hyperscan: +[0-9]"
run "--help" 0 "$AEGIS" --help
expect_out "--help lists -r" "-r PATH"
run "unknown flag is a usage error" 1 "$AEGIS" --no-such-flag
run "nothing to do" 1 "$AEGIS" -l "$T"
expect_err "nothing to do says what to give" "give -r PCAP"
run "-k with a bad value" 1 "$AEGIS" -k sometimes -r "$PCAP" -l "$T"
expect_err "-k error names the value" "-k expects 'all' or 'none'"

# --- a good run
mkdir -p "$T/good"
run "demo pcap runs" 0 "$AEGIS" -c etc/aegis.yaml -r "$PCAP" -l "$T/good"
n_flow=$(count_eve "$T/good/eve.json" flow)
if ((n_flow > 0)); then ok "flow records written ($n_flow)"; else not_ok "no flow records"; fi
if [[ $(count_eve "$T/good/eve.json" stats) == 1 ]]; then ok "one final stats record"; else not_ok "stats record count"; fi
if /usr/bin/python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$T/good/eve.json"; then
	ok "every eve line is JSON"
else
	not_ok "eve.json has invalid JSON lines"
fi

# --- EVE to a UNIX stream socket. Every writer (one per worker thread) has its own connection:
# the reader takes each, keeps its lines, and stops once all are closed and no new one came.
/usr/bin/python3 - "$T/eve.sock" "$T/sock.json" <<'PY' &
import socket, sys, threading
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(sys.argv[1]); srv.listen(8)
chunks, threads = [], []
def take(c):
    data = b""
    while True:
        b = c.recv(65536)
        if not b:
            break
        data += b
    chunks.append(data)
srv.settimeout(30)
while True:
    try:
        c, _ = srv.accept()
    except socket.timeout:
        break
    srv.settimeout(2)
    t = threading.Thread(target=take, args=(c,)); t.start(); threads.append(t)
for t in threads:
    t.join()
with open(sys.argv[2], "wb") as out:
    out.write(b"".join(chunks))
PY
reader=$!
for _ in $(seq 50); do [[ -S $T/eve.sock ]] && break; sleep 0.1; done
run "eve to a unix_stream socket" 0 "$AEGIS" -c etc/aegis.yaml -r "$PCAP" -l "$T" \
	--set outputs.eve-log.filetype=unix_stream --set outputs.eve-log.filename="$T/eve.sock"
wait "$reader"
if [[ -s $T/sock.json ]] && cmp -s <(grep -c . "$T/sock.json") <(grep -c . "$T/good/eve.json"); then
	ok "unix_stream: as many records as the file output ($(grep -c . "$T/sock.json"))"
else
	not_ok "unix_stream: records differ from the file output"
fi
run "unsupported eve filetype" 1 "$AEGIS" -c etc/aegis.yaml -r "$PCAP" -l "$T" \
	--set outputs.eve-log.filetype=redis
expect_err "filetype error names the choices" "filetype: 'redis' is not supported \(expected regular"

# --- missing, corrupt, truncated input
run "missing capture file" 1 "$AEGIS" -r "$T/nope.pcap" -l "$T"
expect_err "missing file: path and reason" "nope.pcap: error: No such file"
head -c 100 /dev/urandom >"$T/garbage.pcap"
run "corrupt capture header" 1 "$AEGIS" -r "$T/garbage.pcap" -l "$T"
expect_err "corrupt header: says it cannot read it" "garbage.pcap: error: cannot read capture file"
pcap_header 147 >"$T/user0.pcap"
run "unknown link type" 1 "$AEGIS" -r "$T/user0.pcap" -l "$T"
expect_err "unknown link type named" "unsupported link type 147"
size=$(stat -c %s "$PCAP")
head -c $((size / 2 + 7)) "$PCAP" >"$T/trunc.pcap"
mkdir -p "$T/trunc"
run "truncated capture exits 2" 2 "$AEGIS" -c etc/aegis.yaml -r "$T/trunc.pcap" -l "$T/trunc"
expect_err "truncated: byte offset reported" "truncated capture at byte offset [0-9]+"
if (($(count_eve "$T/trunc/eve.json" flow) > 0)) && [[ $(count_eve "$T/trunc/eve.json" stats) == 1 ]]; then
	ok "truncated: flows and stats before the error are logged"
else
	not_ok "truncated: records lost"
fi

# --- unwritable log directory
run "log dir that is a file" 1 "$AEGIS" -r "$PCAP" -l /etc/hostname
expect_err "unwritable log dir names the file" "/etc/hostname/eve.json"
run "log dir that does not exist" 1 "$AEGIS" -r "$PCAP" -l "$T/no/such/dir"

# --- configuration errors
printf 'flow:\n  memcap: [1, 2\n' >"$T/bad.yaml"
run "bad YAML" 1 "$AEGIS" -c "$T/bad.yaml" -r "$PCAP" -l "$T"
expect_err "bad YAML: file:line:col" "bad.yaml:[0-9]+:[0-9]+: error"
printf 'flow:\n  hash-size: lots\n' >"$T/type.yaml"
run "wrong type in config" 1 "$AEGIS" -c "$T/type.yaml" -r "$PCAP" -l "$T"
expect_err "wrong type: position and key" "type.yaml:2:[0-9]+: error: .*flow.hash-size"
printf 'exception-policy: drop-flow\nstream:\n  memcap-policy: ignore\n' >"$T/policy.yaml"
run "exception policy only warns" 0 "$AEGIS" -c "$T/policy.yaml" -r "$PCAP" -l "$T"
expect_err "exception policy: named as not implemented" "policy.yaml:1:[0-9]+: warning: exception-policy: exception policies are not implemented; 'drop-flow'"
printf 'no-such-section:\n  x: 1\n' >"$T/unknown.yaml"
run "unknown key only warns" 0 "$AEGIS" -c "$T/unknown.yaml" -r "$PCAP" -l "$T"
expect_err "unknown key warning has the line" "unknown.yaml:1.*no-such-section"
run "missing config file" 1 "$AEGIS" -c "$T/none.yaml" -r "$PCAP" -l "$T"
run "-T on a good config" 0 "$AEGIS" -T -c etc/aegis.yaml
run "-T on a bad config" 1 "$AEGIS" -T -c "$T/bad.yaml"

# --- --set
mkdir -p "$T/set"
run "--set renames eve" 0 "$AEGIS" -c etc/aegis.yaml --set outputs.eve-log.filename=other.json -r "$PCAP" -l "$T/set"
if [[ -s "$T/set/other.json" && ! -e "$T/set/eve.json" ]]; then ok "--set took effect"; else not_ok "--set ignored"; fi
run "--set without =" 1 "$AEGIS" --set flow.memcap -r "$PCAP" -l "$T"
mkdir -p "$T/noeve"
run "--set disables eve" 0 "$AEGIS" -c etc/aegis.yaml --set outputs.eve-log.enabled=no -r "$PCAP" -l "$T/noeve"
if [[ ! -e "$T/noeve/eve.json" ]]; then ok "no eve.json when disabled"; else not_ok "eve.json written although disabled"; fi

# --- stdin and directories give the same flows as the file
mkdir -p "$T/stdin"
"$AEGIS" -c etc/aegis.yaml -r - -l "$T/stdin" <"$PCAP" 2>/dev/null
if [[ $(count_eve "$T/stdin/eve.json" flow) == "$n_flow" ]]; then ok "stdin input: same flows"; else not_ok "stdin input flows differ"; fi
mkdir -p "$T/dir/in" "$T/dir/out"
editcap -F pcap -r "$PCAP" "$T/dir/in/b.pcap" 1-300 2>/dev/null && editcap -F pcap -r "$PCAP" "$T/dir/in/a.pcap" 301-100000 2>/dev/null
if [[ -s "$T/dir/in/a.pcap" ]]; then
	run "directory input" 0 "$AEGIS" -c etc/aegis.yaml -r "$T/dir/in" -l "$T/dir/out"
	pk=$(grep '"event_type":"stats"' "$T/dir/out/eve.json" | /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["stats"]["decoder"]["pkts"])')
	pk0=$(grep '"event_type":"stats"' "$T/good/eve.json" | /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["stats"]["decoder"]["pkts"])')
	if [[ $pk == "$pk0" ]]; then ok "directory input: every packet read ($pk)"; else not_ok "directory input read $pk packets, want $pk0"; fi
else
	not_ok "editcap could not split the demo trace"
fi

# --- config root
mkdir -p "$T/root"
printf 'outputs:\n  - eve-log:\n      enabled: yes\n      filename: rooted.json\n' >"$T/root/aegis.yaml"
AEGIS_CONFIG_ROOT="$T/root" "$AEGIS" -r "$PCAP" >"$T/out" 2>"$T/err"
if [[ -s "$T/root/logs/rooted.json" ]]; then ok "AEGIS_CONFIG_ROOT: config and logs/ used"; else not_ok "AEGIS_CONFIG_ROOT ignored" "$(head -2 "$T/err")"; fi

# --- privileges
mkdir -p "$T/user"
if id nobody >/dev/null 2>&1 && [[ $(id -u) == 0 ]]; then
	run "--user nobody after opening" 0 "$AEGIS" -c etc/aegis.yaml --user nobody -r "$PCAP" -l "$T/user"
else
	ok "--user check not applicable (not root) — counted as pass of the no-op path"
fi
run "--user unknown" 1 "$AEGIS" --user no-such-user-xyz -r "$PCAP" -l "$T/user"

# --- SIGINT flushes open flows and stats
mkdir -p "$T/sig"
mkfifo "$T/fifo"
"$AEGIS" -c etc/aegis.yaml -r "$T/fifo" -l "$T/sig" 2>"$T/err" &
apid=$!
exec 3>"$T/fifo"
head -c $((size / 2)) "$PCAP" >&3
sleep 1
kill -INT $apid
wait $apid
rc=$?
exec 3>&-
if [[ $rc == 0 ]] && (($(count_eve "$T/sig/eve.json" flow) > 0)) && [[ $(count_eve "$T/sig/eve.json" stats) == 1 ]]; then
	ok "SIGINT: clean exit, flows and stats flushed"
else
	not_ok "SIGINT: exit $rc, flows $(count_eve "$T/sig/eve.json" flow)" "$(head -3 "$T/err")"
fi

# --- runmodes give the same records (flow ids aside) and the same counters
mkdir -p "$T/rm-single" "$T/rm-autofp"
"$AEGIS" -q -c etc/aegis.yaml --runmode single -r "$PCAP" -l "$T/rm-single"
run "--runmode autofp" 0 "$AEGIS" -q -c etc/aegis.yaml --runmode autofp -r "$PCAP" -l "$T/rm-autofp"
normalise() { /usr/bin/python3 -c '
import json, sys
out = []
for line in open(sys.argv[1]):
    r = json.loads(line)
    r.pop("flow_id", None)
    if r["event_type"] == "stats":
        s = r["stats"]; s.pop("uptime", None); r.pop("timestamp", None)
        for k in ("memuse", "active"):
            s.get("flow", {}).pop(k, None)
    out.append(json.dumps(r, sort_keys=True))
print("\n".join(sorted(out)))' "$1"; }
if [[ "$(normalise "$T/rm-single/eve.json")" == "$(normalise "$T/rm-autofp/eve.json")" ]]; then
	ok "single and autofp write the same records"
else
	not_ok "single and autofp records differ"
fi
run "--runmode bogus" 1 "$AEGIS" --runmode bogus -r "$PCAP" -l "$T"

# --- rules: -T, lint, rule editing
printf 'alert tcp any any -> any 80 (msg:"ok"; content:"abc"; sid:1; rev:1;)\nalert tcp any any -> any 80 (msg:"bad"; content:"abc"; depht:3; sid:2; rev:1;)\n' >"$T/bad.rules"
run "-T with a bad rule exits 1" 1 "$AEGIS" -T -c etc/aegis.yaml -S "$T/bad.rules"
expect_err "-T names the bad rule's position" "bad.rules:2:[0-9]+: error: .*depht"
expect_out "-T summary counts it" "rules: 1 loaded, 1 failed"
mkdir -p "$T/warnrun"
run "a bad rule with rule-errors: warn still runs" 0 "$AEGIS" -c etc/aegis.yaml --set rule-errors=warn -S "$T/bad.rules" -r "$PCAP" -l "$T/warnrun"
run "a bad rule with rule-errors: fatal stops the run" 1 "$AEGIS" -c etc/aegis.yaml -S "$T/bad.rules" -r "$PCAP" -l "$T/warnrun"
run "-S with a missing file" 1 "$AEGIS" -T -S "$T/none.rules"
run "lint: errors exit 2" 2 "$AEGIS" lint "$T/bad.rules"
expect_out "lint: gcc-style diagnostic" "bad.rules:2:[0-9]+: error: "
printf 'alert tcp any any -> any 80 (msg:"ok"; content:"abcdef"; classtype:bad-unknown; sid:1; rev:1;)\n' >"$T/good.rules"
run "lint: a clean file exits 0" 0 "$AEGIS" lint --classification etc/classification.config "$T/good.rules"
"$AEGIS" lint --format sarif "$T/bad.rules" >"$T/sarif.json" 2>/dev/null
if /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["version"]=="2.1.0"; r=d["runs"][0]["results"]; assert any(x["level"]=="error" for x in r)' "$T/sarif.json"; then
	ok "lint: SARIF 2.1.0 with the error"
else
	not_ok "lint: SARIF output"
fi
printf 'allow cidr 10.0.0.0/8 ingress\n' >"$T/l3l4.rules"
AEGIS_CONFIG_ROOT="$T/root" run "rule add" 0 "$AEGIS" rule add --rules "$T/l3l4.rules" "deny port tcp 22 ingress"
AEGIS_CONFIG_ROOT="$T/root" run "rule add refuses an invalid rule" 2 "$AEGIS" rule add --rules "$T/l3l4.rules" "deny port tcp 99999 ingress"
AEGIS_CONFIG_ROOT="$T/root" run "rule list" 0 "$AEGIS" rule list --rules "$T/l3l4.rules"
expect_out "rule list shows the added rule" "deny port tcp 22 ingress"
if ls "$T/root/state/versions/"* >/dev/null 2>&1; then ok "rule add kept a backup in state/versions"; else not_ok "no backup in state/versions"; fi

echo "$PASS passed, $FAIL failed"
((FAIL == 0))
