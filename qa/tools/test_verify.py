#!/usr/bin/python3
"""test_verify.py — tests for scripts/verify: the matcher, requirements, and whole runs against
a fake aegis (qa/tools/fake-aegis.py) over a suite of cases built in a temporary directory.

Run: /usr/bin/python3 qa/tools/test_verify.py
"""
import importlib.machinery
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
VERIFY = os.path.join(TOP, "scripts", "verify")
FAKE = os.path.join(HERE, "fake-aegis.py")

_loader = importlib.machinery.SourceFileLoader("verify", VERIFY)
_spec = importlib.util.spec_from_loader("verify", _loader)
verify = importlib.util.module_from_spec(_spec)
_loader.exec_module(verify)

REC = {"event_type": "alert", "pcap_cnt": 3, "src_ip": "10.0.0.1",
       "alert": {"signature_id": 7, "metadata": {"tag": ["a", "b", "c"]}, "rev": None},
       "pcap_filename": "/x/y/input.pcap", "http": {"request_headers": [{}, {}]}}


class MatchTest(unittest.TestCase):
    def m(self, match):
        return verify.match_record(match, REC)

    def test_plain_and_dotted(self):
        self.assertTrue(self.m({"event_type": "alert", "alert.signature_id": 7}))
        self.assertFalse(self.m({"event_type": "alert", "alert.signature_id": 8}))
        self.assertFalse(self.m({"alert.nothere": 1}))

    def test_index_and_len(self):
        self.assertTrue(self.m({"alert.metadata.tag[1]": "b"}))
        self.assertFalse(self.m({"alert.metadata.tag[3]": "b"}))
        self.assertTrue(self.m({"alert.metadata.tag.__len": 3}))
        self.assertTrue(self.m({"http.request_headers.__len": 2}))
        self.assertFalse(self.m({"http.request_headers.__len": 9}))

    def test_string_ops(self):
        self.assertTrue(self.m({"pcap_filename.__endswith": "input.pcap"}))
        self.assertFalse(self.m({"pcap_filename.__endswith": "other.pcap"}))
        self.assertTrue(self.m({"pcap_filename.__startswith": "/x/"}))
        self.assertTrue(self.m({"src_ip.__find": "0.0"}))
        self.assertTrue(self.m({"alert.metadata.tag.__contains": "c"}))
        self.assertFalse(self.m({"pcap_cnt.__startswith": "3"}))  # not a string: no match
        self.assertFalse(self.m({"missing.__endswith": "x"}))

    def test_has_key(self):
        self.assertTrue(self.m({"has-key": "alert.metadata"}))
        self.assertFalse(self.m({"has-key": "alert.rev"}))  # null counts as absent
        self.assertTrue(self.m({"not-has-key": "flow"}))
        self.assertFalse(self.m({"not-has-key": "alert"}))

    def test_missing_equals_null(self):
        self.assertTrue(self.m({"nothere": None}))
        self.assertFalse(self.m({"event_type": None}))


class RequiresTest(unittest.TestCase):
    ctx = {"version": verify.parse_version(verify.COMPAT_VERSION), "features": {"HAVE_JA3"}}

    def ok(self, req):
        try:
            verify.check_requires(req, self.ctx)
            return True
        except verify.CaseSkip:
            return False

    def test_versions(self):
        self.assertTrue(self.ok({"min-version": "8.0.5"}))
        self.assertTrue(self.ok({"min-version": 7}))
        self.assertTrue(self.ok({"min-version": "7 "}))
        self.assertFalse(self.ok({"min-version": 9}))
        self.assertFalse(self.ok({"lt-version": 8}))
        self.assertFalse(self.ok({"lt-version": "8.0"}))
        self.assertTrue(self.ok({"lt-version": 9}))
        self.assertTrue(self.ok({"version": "8.0"}))
        self.assertFalse(self.ok({"version": "7"}))

    def test_features_and_unknown(self):
        self.assertTrue(self.ok({"features": ["HAVE_JA3"]}))
        self.assertFalse(self.ok({"features": ["HAVE_LUA"]}))
        self.assertFalse(self.ok({"script": ["true"]}))
        self.assertFalse(self.ok({"weird": 1}))


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(textwrap.dedent(text))


class RunTest(unittest.TestCase):
    """Whole runs of scripts/verify over a temporary suite."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        s = cls.suite = os.path.join(cls.tmp.name, "suite")
        alert = json.dumps({"event_type": "alert", "alert": {"signature_id": 1}})
        flow = json.dumps({"event_type": "flow", "flow": {"alerted": True}})
        # pass: one alert; the shell check is skipped, the case still passes on its filters
        write(s + "/good/test.yaml", """
            checks:
              - filter: {count: 1, match: {event_type: alert, alert.signature_id: 1}}
              - filter: {count: 1, match: {event_type: flow, flow.alerted: true}}
              - shell: {args: "cat fast.log | wc -l", expect: 1}
              - filter:
                  requires: {lt-version: 8}
                  count: 5
                  match: {event_type: alert}
            """)
        write(s + "/good/fake-eve.json", alert + "\n" + flow + "\n")
        write(s + "/good/input.pcap", "")
        write(s + "/good/test.rules", "alert ip any any -> any any (sid:1;)\n")
        # fail: count mismatch
        write(s + "/bad/test.yaml", """
            checks:
              - filter: {count: 2, match: {event_type: alert}}
            """)
        write(s + "/bad/fake-eve.json", alert + "\n")
        write(s + "/bad/input.pcap", "")
        # skip: version
        write(s + "/future/test.yaml", "requires: {min-version: 9}\nchecks: []\n")
        write(s + "/future/input.pcap", "")
        # pcap from another case folder is taken from this one; ${TEST_DIR} is expanded;
        # the case's own suricata.yaml is the config; "ips" in the name adds --simulate-ips
        write(s + "/borrow-ips/test.yaml", """
            pcap: ../other/input.pcap
            args:
              - -k none --set threshold-file=${TEST_DIR}/threshold.config
            env: {FAKE_ENV: hello}
            checks:
              - filter:
                  count: 1
                  match:
                    event_type: argv
                    pcap.__endswith: "/borrow-ips/input.pcap"
                    threshold.__endswith: "/borrow-ips/threshold.config"
                    config.__endswith: "/borrow-ips/suricata.yaml"
                    simulate_ips: true
                    env: hello
                    k: none
            """)
        write(s + "/borrow-ips/input.pcap", "")
        write(s + "/borrow-ips/suricata.yaml", "%YAML 1.1\n---\n")
        # exit status mismatch
        write(s + "/crash/test.yaml", "checks: []\n")
        write(s + "/crash/input.pcap", "")
        write(s + "/crash/fake-exit", "3")
        # all checks skipped -> SKIP
        write(s + "/shellonly/test.yaml", "checks:\n  - shell: {args: 'true'}\n")
        write(s + "/shellonly/input.pcap", "")
        # a timeout
        write(s + "/slow/test.yaml", "checks: []\n")
        write(s + "/slow/input.pcap", "")
        write(s + "/slow/fake-sleep", "5")
        # stats check
        write(s + "/stats/test.yaml", """
            checks:
              - stats: {decoder.pkts: 4}
            """)
        write(s + "/stats/fake-eve.json", json.dumps(
            {"event_type": "stats", "stats": {"decoder": {"pkts": 4}}}) + "\n")
        write(s + "/stats/input.pcap", "")
        write(s + "/INDEX.tsv", "case\tcategory\tpcap_files\ngood\ta\tinput.pcap\n"
              "bad\ta\tinput.pcap\nfuture\tb\tinput.pcap\n")
        cls.json = cls.run_verify("--json", "--timeout", "2")[1]
        cls.by = {r["name"]: r for r in json.loads(cls.json)["results"]}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def run_verify(cls, *args, env=None):
        proc = subprocess.run([sys.executable, VERIFY, "--aegis", FAKE, "--suite", cls.suite]
                              + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=dict(os.environ, **(env or {})), timeout=60)
        return proc.returncode, proc.stdout.decode(), proc.stderr.decode()

    def test_statuses(self):
        want = {"good": "PASS", "bad": "FAIL", "future": "SKIP", "borrow-ips": "PASS",
                "crash": "FAIL", "shellonly": "SKIP", "slow": "FAIL", "stats": "PASS"}
        got = {n: r["status"] for n, r in self.by.items()}
        self.assertEqual(got, want, json.dumps(self.by, indent=1))

    def test_reasons(self):
        self.assertIn("expected 2, got 1", self.by["bad"]["reason"])
        self.assertIn("version 9", self.by["future"]["reason"])
        self.assertIn("exit status 3", self.by["crash"]["reason"])
        self.assertIn("timed out", self.by["slow"]["reason"])
        self.assertIn("shell", self.by["shellonly"]["reason"])
        self.assertEqual(self.by["good"]["checks_passed"], 2)
        self.assertEqual(len(self.by["good"]["checks_skipped"]), 2)

    def test_categories(self):
        cats = json.loads(self.json)["categories"]
        self.assertEqual(cats["a"], {"PASS": 1, "FAIL": 1, "SKIP": 0})
        self.assertEqual(cats["b"], {"PASS": 0, "FAIL": 0, "SKIP": 1})

    def test_text_and_expected(self):
        exp = os.path.join(self.tmp.name, "expected")
        write(exp, "# must pass\ngood\nstats\n")
        rc, out, _ = self.run_verify("--expected", exp, "good", "stats", "bad")
        self.assertEqual(rc, 0, out)
        self.assertTrue(out.rstrip().endswith("2 passed, 1 failed, 0 skipped"), out)
        self.assertIn("category a: 1 passed, 1 failed, 0 skipped", out)
        write(exp, "good\nbad\n")
        rc, out, _ = self.run_verify("--expected", exp, "good", "bad")
        self.assertEqual(rc, 1, out)
        self.assertIn("expected to pass: bad (FAIL)", out)

    def test_validate_schema(self):
        val = os.path.join(self.tmp.name, "val.py")
        write(val, "import sys\nsys.exit(1 if 'flow' in open(sys.argv[1]).read() else 0)\n")
        rc, out, _ = self.run_verify("--validate-schema", "good", "bad",
                                     env={"EVE_VALIDATE": val})
        self.assertEqual(rc, 0)
        self.assertIn("FAIL good: schema: eve.json", out)
        self.assertIn("FAIL bad: check #1", out)

    def test_setup_errors(self):
        proc = subprocess.run([sys.executable, VERIFY, "--aegis", "/nonexistent",
                               "--suite", self.suite], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
        self.assertEqual(proc.returncode, 2)
        rc, _, err = self.run_verify("no-such-case")
        self.assertEqual(rc, 2)
        self.assertIn("no case matches", err)


if __name__ == "__main__":
    unittest.main(verbosity=2)
