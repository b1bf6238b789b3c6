#!/usr/bin/python3
"""test_pcap_rewrite.py — checks qa/bench/pcap-rewrite against a checksum computed from scratch.

Builds a 3-copy trace from a pcap directory (default: the corpus traffic dir) twice and asserts:
the two runs are byte-identical; timestamps never go backwards; every packet of copy c equals its
copy-0 twin except the second byte of each IP address (XORed with c) and the checksum fields;
and every IPv4 header / TCP / UDP / ICMPv6 checksum is valid in copy c exactly when it was valid
in copy 0 (computed from scratch here, independently of the tool's incremental update).

Usage: test_pcap_rewrite.py PCAP_REWRITE_BINARY [DIR]
"""
import os
import struct
import subprocess
import sys
import tempfile
import unittest

REWRITE = None
SRC_DIR = None
COPIES = 3


def read_pcap(path):
    """Yield (ts_us, data) for a little-endian microsecond pcap as written by libpcap."""
    with open(path, "rb") as f:
        hdr = f.read(24)
        magic, _, _, _, _, _, linktype = struct.unpack("<IHHiIII", hdr)
        assert magic == 0xA1B2C3D4, "unexpected pcap magic %#x" % magic
        assert linktype == 1, "trace link type must be Ethernet"
        out = []
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                break
            sec, usec, caplen, _ = struct.unpack("<IIII", rec)
            out.append((sec * 1000000 + usec, f.read(caplen)))
        return out


def ones_sum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def l3_offset(pkt):
    off, etype = 14, struct.unpack("!H", pkt[12:14])[0] if len(pkt) >= 14 else 0
    while etype in (0x8100, 0x88A8, 0x9100) and len(pkt) >= off + 4:
        etype = struct.unpack("!H", pkt[off + 2:off + 4])[0]
        off += 4
    return off, etype


def ipv6_l4(pkt, off):
    """(next header, offset of the L4 header) after hop-by-hop/routing/destination options."""
    nxt, pos = pkt[off + 6], off + 40
    while nxt in (0, 43, 60) and len(pkt) >= pos + 2:
        nxt, pos = pkt[pos], pos + (pkt[pos + 1] + 1) * 8
    return nxt, pos


def checksums(pkt):
    """Return a tuple of (name, valid) for every checksum we can verify from scratch.

    Only unfragmented packets whose whole IP datagram was captured are verified."""
    res = []
    off, etype = l3_offset(pkt)
    if etype == 0x0800 and len(pkt) >= off + 20 and pkt[off] >> 4 == 4:
        ihl = (pkt[off] & 15) * 4
        tot = struct.unpack("!H", pkt[off + 2:off + 4])[0]
        if ihl < 20 or len(pkt) < off + ihl:
            return res
        res.append(("ip", ones_sum(pkt[off:off + ihl]) == 0xFFFF))
        frag = struct.unpack("!H", pkt[off + 6:off + 8])[0]
        proto = pkt[off + 9]
        if frag & 0x3FFF or tot < ihl or len(pkt) < off + tot:
            return res
        seg = pkt[off + ihl:off + tot]
        pseudo = pkt[off + 12:off + 20] + struct.pack("!BBH", 0, proto, len(seg))
        if proto == 6 and len(seg) >= 20:
            res.append(("tcp", ones_sum(pseudo + seg) == 0xFFFF))
        elif proto == 17 and len(seg) >= 8 and seg[6:8] != b"\0\0":
            res.append(("udp", ones_sum(pseudo + seg) == 0xFFFF))
    elif etype == 0x86DD and len(pkt) >= off + 40 and pkt[off] >> 4 == 6:
        plen = struct.unpack("!H", pkt[off + 4:off + 6])[0]
        nxt, l4 = ipv6_l4(pkt, off)
        if nxt not in (6, 17, 58) or len(pkt) < off + 40 + plen or l4 > off + 40 + plen:
            return res
        seg = pkt[l4:off + 40 + plen]
        pseudo = pkt[off + 8:off + 40] + struct.pack("!IxxxB", len(seg), nxt)
        if len(seg) >= 8:
            res.append((str(nxt), ones_sum(pseudo + seg) == 0xFFFF))
    return tuple(res)


def masked(pkt, copy):
    """The packet with the address XOR undone and checksum fields zeroed, for comparison."""
    b = bytearray(pkt)
    off, etype = l3_offset(pkt)
    if etype == 0x0800 and len(b) >= off + 20 and b[off] >> 4 == 4 and (b[off] & 15) >= 5:
        ihl = (b[off] & 15) * 4
        b[off + 13] ^= copy
        b[off + 17] ^= copy
        b[off + 10:off + 12] = b"\0\0"
        l4 = off + ihl
        if not struct.unpack("!H", b[off + 6:off + 8])[0] & 0x1FFF:
            co = {6: 16, 17: 6}.get(b[off + 9])
            if co is not None and len(b) >= l4 + co + 2:
                b[l4 + co:l4 + co + 2] = b"\0\0"
    elif etype == 0x86DD and len(b) >= off + 40 and b[off] >> 4 == 6:
        b[off + 9] ^= copy
        b[off + 25] ^= copy
        nxt, l4 = ipv6_l4(b, off)
        co = {6: 16, 17: 6, 58: 2}.get(nxt)
        if co is not None and len(b) >= l4 + co + 2:
            b[l4 + co:l4 + co + 2] = b"\0\0"
    return bytes(b)


class PcapRewriteTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = [os.path.join(cls.tmp.name, "t%d.pcap" % i) for i in range(2)]
        for path in cls.out:
            subprocess.run([REWRITE, "-n", str(COPIES), "-o", path, SRC_DIR], check=True,
                           stderr=subprocess.DEVNULL)
        cls.pkts = read_pcap(cls.out[0])

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_deterministic(self):
        with open(self.out[0], "rb") as a, open(self.out[1], "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_monotonic(self):
        ts = [t for t, _ in self.pkts]
        self.assertTrue(all(a <= b for a, b in zip(ts, ts[1:])))
        self.assertGreater(ts[-1], ts[0])

    def test_copies(self):
        self.assertEqual(len(self.pkts) % COPIES, 0)
        n = len(self.pkts) // COPIES
        self.assertGreater(n, 0)
        verified = changed = 0
        for i in range(n):
            base = self.pkts[i][1]
            base_ck = checksums(base)
            for c in range(1, COPIES):
                pkt = self.pkts[c * n + i][1]
                self.assertEqual(len(pkt), len(base))
                self.assertEqual(masked(pkt, c), masked(base, 0), "packet %d copy %d" % (i, c))
                self.assertEqual(checksums(pkt), base_ck, "packet %d copy %d" % (i, c))
                verified += len(base_ck)
                changed += pkt != base
        # The corpus is mostly IP: most packets must have changed and been checked.
        self.assertGreater(changed, n)
        self.assertGreater(verified, n)

    def test_checksum_unit(self):
        # A hand-made UDP/IPv4 packet: valid before, valid after each copy's rewrite.
        ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + 8 + 4, 1, 0, 64, 17, 0,
                                   bytes([10, 0xFE, 0, 1]), bytes([192, 0xFF, 2, 1])))
        ip[10:12] = struct.pack("!H", 0xFFFF - ones_sum(bytes(ip)))
        udp = bytearray(struct.pack("!HHHH", 1234, 53, 12, 0) + b"abcd")
        pseudo = bytes(ip[12:20]) + struct.pack("!BBH", 0, 17, 12)
        udp[6:8] = struct.pack("!H", 0xFFFF - ones_sum(pseudo + bytes(udp)))
        frame = b"\x02" * 6 + b"\x04" * 6 + b"\x81\x00\x00\x05\x08\x00" + bytes(ip + udp)
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "in")
            os.mkdir(src)
            with open(os.path.join(src, "a.pcap"), "wb") as f:
                f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
                f.write(struct.pack("<IIII", 100, 5, len(frame), len(frame)) + frame)
            out = os.path.join(d, "o.pcap")
            subprocess.run([REWRITE, "-n", "256", "-o", out, src], check=True,
                           stderr=subprocess.DEVNULL)
            pkts = read_pcap(out)
        self.assertEqual(len(pkts), 256)
        for c, (_, p) in enumerate(pkts):
            self.assertEqual(checksums(p), (("ip", True), ("udp", True)), "copy %d" % c)
            self.assertEqual(p[18 + 13], 0xFE ^ c)
            self.assertEqual(p[18 + 17], 0xFF ^ c)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: test_pcap_rewrite.py PCAP_REWRITE_BINARY [DIR]")
    REWRITE = os.path.abspath(sys.argv[1])
    here = os.path.dirname(os.path.abspath(__file__))
    SRC_DIR = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        here, "..", "..", "..", "shared", "corpus", "traffic")
    unittest.main(argv=sys.argv[:1], verbosity=2)
