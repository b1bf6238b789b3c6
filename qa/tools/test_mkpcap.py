#!/usr/bin/python3
"""test_mkpcap.py — tests for qa/tools/mkpcap.py: the committed traces in qa/cases are exactly
what the generator writes today, and every packet in them is well formed (IPv4 and TCP
checksums verify, each side's sequence numbers follow on from its previous segment and the other
side acknowledges them, every conversation opens with SYN, SYN/ACK, ACK and closes with FINs).

Run: /usr/bin/python3 qa/tools/test_mkpcap.py
"""
import importlib.util
import os
import struct
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
CASES_DIR = os.path.join(TOP, "qa", "cases")

_spec = importlib.util.spec_from_file_location("mkpcap", os.path.join(HERE, "mkpcap.py"))
mkpcap = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mkpcap)


def read_pcap(path):
    """[(ts_usec, frame bytes)] of a classic little-endian microsecond pcap."""
    with open(path, "rb") as f:
        data = f.read()
    magic, _, _, _, _, _, linktype = struct.unpack_from("<IHHiIII", data, 0)
    assert magic == 0xA1B2C3D4 and linktype == 1, "not an Ethernet pcap"
    off, out = 24, []
    while off < len(data):
        sec, usec, incl, orig = struct.unpack_from("<IIII", data, off)
        off += 16
        assert incl == orig, "truncated frame"
        out.append((sec * 1000000 + usec, data[off:off + incl]))
        off += incl
    return out


def ones_sum_ok(data):
    """True if the data including its checksum field sums to 0xffff (RFC 1071)."""
    return mkpcap.checksum(data) == 0


class ChecksumTest(unittest.TestCase):
    def test_rfc1071_example(self):
        # RFC 1071 section 3's example words: sum 0xddf2, so the checksum is its complement.
        self.assertEqual(mkpcap.checksum(bytes.fromhex("0001f203f4f5f6f7")), 0xFFFF - 0xDDF2)

    def test_odd_length_pads_with_zero(self):
        self.assertEqual(mkpcap.checksum(b"\x12"), mkpcap.checksum(b"\x12\x00"))


class TraceTest(unittest.TestCase):
    def test_committed_traces_are_reproducible(self):
        with tempfile.TemporaryDirectory() as tmp:
            self.assertEqual(mkpcap.main(["--out", tmp]), 0)
            for name in mkpcap.CASES:
                with self.subTest(case=name):
                    with open(os.path.join(tmp, name, "input.pcap"), "rb") as f:
                        fresh = f.read()
                    with open(os.path.join(CASES_DIR, name, "input.pcap"), "rb") as f:
                        committed = f.read()
                    self.assertEqual(fresh, committed,
                                     "run qa/tools/mkpcap.py and commit the traces")

    def test_packets_are_well_formed(self):
        for name in mkpcap.CASES:
            with self.subTest(case=name):
                self.check_trace(os.path.join(CASES_DIR, name, "input.pcap"),
                                 len(mkpcap.CASES[name]))

    def check_trace(self, path, n_conversations):
        frames = read_pcap(path)
        next_seq = {}    # (src port, dst port) -> next sequence number expected from that side
        flags_seen = {}  # client port -> the flags of its conversation's segments, in order
        last_ts = 0
        for ts, frame in frames:
            self.assertGreater(ts, last_ts)
            last_ts = ts
            self.assertEqual(struct.unpack_from("!H", frame, 12)[0], 0x0800)
            ip = frame[14:]
            self.assertEqual(ip[0], 0x45)
            total = struct.unpack_from("!H", ip, 2)[0]
            self.assertEqual(total, len(ip))
            self.assertTrue(ones_sum_ok(ip[:20]), "IPv4 header checksum")
            src, dst, tcp = ip[12:16], ip[16:20], ip[20:]
            pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
            self.assertTrue(ones_sum_ok(pseudo + tcp), "TCP checksum")
            sport, dport, seq, ack, hlen, flags = struct.unpack_from("!HHIIBB", tcp, 0)
            payload = tcp[(hlen >> 4) * 4:]
            key, rkey = (sport, dport), (dport, sport)
            if flags & mkpcap.TCP_SYN:
                # a side's first segment: its initial sequence number starts the count
                self.assertNotIn(key, next_seq, "SYN in a used tuple")
            else:
                self.assertEqual(seq, next_seq[key], "sequence continues")
            if flags & mkpcap.TCP_ACK:
                self.assertEqual(ack, next_seq[rkey], "acknowledges all the peer sent")
            next_seq[key] = (seq + len(payload) +
                             (1 if flags & (mkpcap.TCP_SYN | mkpcap.TCP_FIN) else 0)) & 0xFFFFFFFF
            client = sport if dport == mkpcap.SERVER_PORT else dport
            flags_seen.setdefault(client, []).append(flags)
        self.assertEqual(len(flags_seen), n_conversations)
        S, A, F, P = mkpcap.TCP_SYN, mkpcap.TCP_ACK, mkpcap.TCP_FIN, mkpcap.TCP_PSH
        for client, seq_flags in flags_seen.items():
            self.assertEqual(seq_flags[:3], [S, S | A, A])
            self.assertEqual(seq_flags[-3:], [F | A, F | A, A])
            self.assertIn(P | A, seq_flags)


if __name__ == "__main__":
    sys.exit(unittest.main())
