#!/usr/bin/python3
"""fake-aegis.py — a stand-in for the aegis binary in qa/tools/test_verify.py.

It parses the command line scripts/verify builds, writes LOGDIR/eve.json with the records of
fake-eve.json from its working directory (the case folder) plus one `argv` record describing
what it was given, sleeps for fake-sleep seconds and exits with the status in fake-exit.
"""
import json
import os
import sys
import time


def main(argv):
    rec = {"event_type": "argv", "simulate_ips": "--simulate-ips" in argv,
           "env": os.environ.get("FAKE_ENV")}
    i = 0
    while i < len(argv):
        a = argv[i]
        val = argv[i + 1] if i + 1 < len(argv) else None
        if a in ("-l", "-r", "-c", "-S", "-k"):
            rec[{"-l": "log", "-r": "pcap", "-c": "config", "-S": "rules", "-k": "k"}[a]] = val
            i += 1
        elif a == "--set" and val is not None:
            key, _, v = val.partition("=")
            if key == "threshold-file":
                rec["threshold"] = v
            i += 1
        i += 1
    if not rec.get("log") or not os.path.isdir(rec["log"]):
        print("fake-aegis: error: -l LOGDIR missing", file=sys.stderr)
        return 1
    with open(os.path.join(rec["log"], "eve.json"), "w") as out:
        if os.path.exists("fake-eve.json"):
            with open("fake-eve.json") as f:
                out.write(f.read())
        out.write(json.dumps(rec) + "\n")
    if os.path.exists("fake-sleep"):
        with open("fake-sleep") as f:
            time.sleep(float(f.read()))
    if os.path.exists("fake-exit"):
        with open("fake-exit") as f:
            print("fake-aegis: error: exiting as told", file=sys.stderr)
            return int(f.read())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
