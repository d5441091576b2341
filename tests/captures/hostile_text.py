"""Hostile text and translated addresses (issue 13): names from packets with
C1 controls, bidi overrides and other characters that reorder or hide text
never reach the text, HTML or JSON report raw; a capture file whose name is
not UTF-8 keeps its JSON entry; --fail-on wins over a bad input in the exit
status; NAT64, 6to4 and Teredo destinations get the country and network of
the IPv4 address inside."""
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pkt import Capture, dns_answer, dns_query, mac, tls_hello
from tap import ALFOIL, Tap

R, RIP = '50:c7:bf:00:00:01', '192.168.1.1'      # the router
D, DIP = '68:c6:3a:00:00:02', '192.168.1.50'     # the hostile device (Espressif MAC)
D6 = 'fe80::6ac6:3aff:fe00:2'
WORK = tempfile.mkdtemp(prefix='alfoil-hostile-text-')

# What must never appear raw: C1 controls (as UTF-8), bidi embeddings,
# overrides, isolates and marks, zero-width characters, line and paragraph
# separators, the BOM, a tag character.
HIDDEN = ([chr(c) for c in range(0x80, 0xa0)] + [chr(c) for c in range(0x202a, 0x202f)] +
          [chr(c) for c in range(0x2066, 0x206a)] +
          ['\u200e', '\u200f', '\u061c', '\u2028', '\u2029', '\ufeff', '\u200b', '\u200d', '\U000e0041'])
BIDI = '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c'

# One marker a source, so a check finds its own string; each string carries
# the attack of "evil\u202egnp.exe" (shown as "evilexe.png") and more.
DHCP_NAME = 'dhcpmark-evil\u202egnp.exe\u0085\u009b31m\u2066x\u2069\u200f\u061c\u2028\ufeff\u200b'
SNI = 'snimark-evil\u202egnp.exe\u202d\u2067.example.com'
MDNS = 'mdnsmark-cam\u202eera\u0085\u2068x\u200e'
UA = 'uamark-Mozilla\u202e\u009d0;title\u0007\u2029\u202b\U000e0041'
UA_RAW = b'\x1b[2J\x9b31m\xff'   # ESC, a raw 8-bit CSI, a byte that is not UTF-8


def dhcp_discover_raw(cap, cmac, hostname: bytes):
    opts = bytes([53, 1, 1, 12, len(hostname)]) + hostname + bytes([255])
    body = struct.pack('>BBBBIHH', 1, 1, 6, 0, 0x1234, 0, 0x8000) + bytes(16) + mac(cmac) + bytes(10 + 192)
    cap.udp(cmac, 'ff:ff:ff:ff:ff:ff', '0.0.0.0', 68, '255.255.255.255', 67, body + b'\x63\x82\x53\x63' + opts)


def dns_name_raw(n: bytes):
    return b''.join(bytes([len(l)]) + l for l in n.split(b'.')) + b'\0'


def mdns_announce(cap, smac, sip, host: bytes):
    """An mDNS response: host.local is at sip (RFC 6762 section 8.3)."""
    rr = dns_name_raw(host + b'.local') + struct.pack('>HHIH', 1, 0x8001, 120, 4) + socket.inet_aton(sip)
    msg = struct.pack('>HHHHHH', 0, 0x8400, 0, 1, 0, 0) + rr
    cap.udp(smac, '01:00:5e:00:00:fb', sip, 5353, '224.0.0.251', 5353, msg)


def ipv6_tcp(cap, smac, dmac, src, dst, sport, dport, flags, payload=b''):
    tcp = struct.pack('>HHIIBBHHH', sport, dport, 1000, 0, 0x50, flags, 65535, 0, 0) + payload
    hdr = struct.pack('>IHBB16s16s', 6 << 28, len(tcp), 6, 64, socket.inet_pton(socket.AF_INET6, src),
                      socket.inet_pton(socket.AF_INET6, dst))
    cap.eth(smac, dmac, 0x86dd, hdr + tcp)


def ipv6_conn(cap, dst, sport):
    """A TLS connection from the device to dst over IPv6, answered."""
    ipv6_tcp(cap, D, R, D6, dst, sport, 443, 0x02)
    ipv6_tcp(cap, R, D, dst, D6, 443, sport, 0x12)
    ipv6_tcp(cap, D, R, D6, dst, sport, 443, 0x18, b'\x17\x03\x03\x00\x10' + bytes(16))
    ipv6_tcp(cap, R, D, dst, D6, 443, sport, 0x18, b'\x17\x03\x03\x00\x20' + bytes(32))


# The IPv6 destinations and the IPv4 address inside each; the country and
# network wanted are those the bundled data gives for the IPv4 address itself
# (the capture has a connection to it too, and the test compares the rows).
TRANSLATED = [
    ('64:ff9b::2f66:618c', 'nat64', '47.102.97.140'),     # RFC 6052 well-known prefix
    ('64:ff9b:1::2e04:1', 'nat64', '46.4.0.1'),           # RFC 8215 local-use, /96 form
    ('2002:85f2:1::1', '6to4', '133.242.0.1'),            # RFC 3056
]


def teredo(server, client_v4, port=40000):
    """2001:0:SERVER:flags:~port:~client (RFC 4380 section 4)."""
    s = socket.inet_aton(server)
    c = bytes(b ^ 0xff for b in socket.inet_aton(client_v4))
    b = b'\x20\x01\x00\x00' + s + struct.pack('>HH', 0x8000, port ^ 0xffff) + c
    return socket.inet_ntop(socket.AF_INET6, b)


def hostile_capture():
    c = Capture()
    c.arp_reply(R, RIP, D, DIP)
    dhcp_discover_raw(c, D, DHCP_NAME.encode())
    mdns_announce(c, D, DIP, MDNS.encode())
    c.tcp(D, R, DIP, 40001, '93.184.216.34', 443, tls_hello(SNI), b'\x16\x03\x03\x00\x04\x02\x00\x00\x00')
    req = (b'GET / HTTP/1.1\r\nHost: uahost.example.com\r\nUser-Agent: ' + UA.encode() + UA_RAW +
           b'\r\n\r\n')
    c.tcp(D, R, DIP, 40002, '93.184.216.34', 80, req, b'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n')
    # a finding for --fail-on: a DNS server on the internet (medium)
    c.udp(D, R, DIP, 5354, '8.8.8.8', 53, dns_query('example.com'))
    c.udp(R, D, '8.8.8.8', 53, DIP, 5354, dns_answer('example.com', '93.184.216.34'))
    return c


def translated_capture(dests):
    c = Capture()
    c.arp_reply(R, RIP, D, DIP)
    for i, (v6, _, v4) in enumerate(dests):
        c.tcp(D, R, DIP, 41000 + i, v4, 443, b'\x17\x03\x03\x00\x10' + bytes(16), b'\x17\x03\x03\x00\x10' + bytes(16))
        ipv6_conn(c, v6, 42000 + i)
    ipv6_conn(c, '64:ff9b::c0a8:109', 42100)   # 192.168.1.9 inside: not the internet
    return c


def run(args, *files):
    p = subprocess.run([ALFOIL.encode(), b'inspect', b'--no-progress', b'-q', *[a.encode() for a in args],
                        *[f if isinstance(f, bytes) else f.encode() for f in files]],
                       capture_output=True, timeout=120)
    return p.returncode, p.stdout, p.stderr.decode('utf-8', 'replace')


def strings(v):
    if isinstance(v, dict):
        for k, x in v.items():
            yield k
            yield from strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)
    elif isinstance(v, str):
        yield v


def bad_chars(text):
    """The hidden characters in text, and C0 controls other than newline and tab."""
    return sorted({'U+%04X' % ord(ch) for ch in text
                   if ch in HIDDEN or (ord(ch) < 0x20 and ch not in '\n\t') or ord(ch) == 0x7f})


def decode(b):
    try:
        return b.decode('utf-8'), ''
    except UnicodeDecodeError as e:
        return b.decode('utf-8', 'replace'), f'not UTF-8: {e}'


def check_document(tap, fmt, out, markers):
    text, err = decode(out)
    tap.ok(not err, f'{fmt}: the report is valid UTF-8', err)
    bad = bad_chars(text)
    tap.ok(not bad, f'{fmt}: no control, C1, bidi or zero-width character anywhere in the report',
           ' '.join(bad))
    for m in markers:
        lines = [ln for ln in text.splitlines() if m in ln]
        bad = bad_chars('\n'.join(lines))
        tap.ok(lines and not bad, f'{fmt}: the {m.split("mark")[0]} name is shown, neutralised',
               f'{len(lines)} lines with {m}; {" ".join(bad)}')


def hostile_text(tap):
    path = os.path.join(WORK, 'hostile.pcap')
    hostile_capture().write(path)
    markers = ['dhcpmark', 'mdnsmark', 'snimark', 'uamark']
    rc, out, err = run(['--all'], path)
    tap.ok(rc == 0, f'text report made (exit {rc})', err)
    check_document(tap, 'text', out, markers)
    tap.ok('dhcpmark-evil?gnp.exe' in decode(out)[0],
           'text: "evil\\u202egnp.exe" reads evil?gnp.exe, in its own order',
           [ln for ln in decode(out)[0].splitlines() if 'dhcpmark' in ln][:3])
    html_path = os.path.join(WORK, 'hostile.html')
    rc, _, err = run(['--html', html_path], path)
    with open(html_path, 'rb') as f:
        html = f.read()
    # the page shows the names and the destinations' domains, not the
    # User-Agent (the JSON and the text do)
    check_document(tap, 'html', html, ['dhcpmark', 'mdnsmark', 'snimark'])
    rc, out, err = run(['--json'], path)
    try:
        rep = json.loads(out)
    except json.JSONDecodeError as e:
        tap.ok(False, 'json: the report parses', e)
        return
    tap.ok(all(b < 0x80 for b in out), 'json: the text is ASCII (JSON_ENSURE_ASCII)')
    every = list(strings(rep))
    for m in markers:
        vals = [s for s in every if m in s]
        bad = bad_chars('\n'.join(vals))
        tap.ok(vals and not bad, f'json: the {m.split("mark")[0]} string is there, with no hidden character '
               'even once decoded', f'{vals[:3]} {" ".join(bad)}')
    bad = bad_chars('\n'.join(every))
    tap.ok(not bad, 'json: no decoded string holds a control, C1, bidi or zero-width character', ' '.join(bad))


def non_utf8_name(tap):
    raw = os.path.join(WORK, 'cam-').encode() + b'\xff\xfe-\xe2\x80\xae-gnp.pcap'
    hostile_capture().write(raw)
    rc, out, err = run(['--json'], raw)
    rep = json.loads(out) if out.strip() else {}
    ins = rep.get('capture', {}).get('inputs', [])
    e = ins[0] if ins else {}
    tap.ok('name' in e and '\ufffd' in e.get('name', '') and BIDI[4] not in e.get('name', ''),
           'json: a file name that is not UTF-8 keeps its "name", U+FFFD where a byte or a bidi override was',
           json.dumps(e)[:300])
    tap.ok(e.get('name_hex') == raw.hex(), 'json: "name_hex" holds the file name\'s bytes',
           f'{e.get("name_hex")!r} vs {raw.hex()}')
    ok_entry = ins and rep['capture']['inputs'][0].get('packets', 0) > 0
    tap.ok(ok_entry, 'json: the entry keeps its packet count', json.dumps(e)[:300])
    rc, out, err = run([], raw)
    text, bad_utf8 = decode(out)
    tap.ok(not bad_utf8 and not bad_chars(text) and 'gnp.pcap' in text,
           'text: the file name is shown, as valid UTF-8 with no bidi override', bad_utf8 or bad_chars(text))
    # a plain name stays as it is, with name_hex null
    rc, out, err = run(['--json'], os.path.join(WORK, 'hostile.pcap'))
    e = json.loads(out)['capture']['inputs'][0]
    tap.ok(e.get('name', '').endswith('/hostile.pcap') and 'name_hex' in e and e['name_hex'] is None,
           'json: a UTF-8 file name is kept as it is, "name_hex" null', json.dumps(e)[:300])


def exit_status(tap):
    good = os.path.join(WORK, 'hostile.pcap')
    bad = os.path.join(WORK, 'truncated.pcap')
    with open(good, 'rb') as f:
        data = f.read()
    with open(bad, 'wb') as f:
        f.write(data[:-7])   # the last record cut short
    rc, out, err = run(['--json'], good)
    sev = sorted({x['severity'] for x in json.loads(out)['findings']}) if rc == 0 else []
    tap.ok('critical' not in sev and sev, f'the capture has findings, none critical ({sev})')
    rc, out, err = run(['--fail-on', 'info'], good, bad)
    tap.ok(rc == 4, f'--fail-on info and a truncated input: exit 4, --fail-on wins (got {rc})', err)
    tap.ok('truncated.pcap' in err, 'the bad input is still named on stderr', err)
    rc, out, err = run(['--fail-on', 'info'], bad, good)
    tap.ok(rc == 4, f'the same with the bad file first (got {rc})', err)
    evil = os.path.join(WORK, 'evil\u202egnp.pcap')
    shutil.copy(bad, evil)
    rc, out, err = run([], good, evil)
    tap.ok(rc == 3 and 'evil?gnp.pcap' in err and not bad_chars(err.replace('\n', '')),
           'stderr: the bad file is named with its bidi override neutralised', err)
    rc, out, err = run(['--fail-on', 'critical'], good, bad)
    tap.ok(rc == 3, f'--fail-on critical, no such finding, a truncated input: exit 3 (got {rc})', err)
    rc, out, err = run([], good, bad)
    tap.ok(rc == 3, f'no --fail-on, a truncated input: exit 3 (got {rc})', err)
    rc, out, err = run(['--fail-on', 'info'], good)
    tap.ok(rc == 4, f'--fail-on info, every input good: exit 4 (got {rc})', err)


def translated(tap):
    dests = list(TRANSLATED)
    dests.append((teredo('65.54.227.120', '200.160.2.3'), 'teredo', '200.160.2.3'))
    path = os.path.join(WORK, 'translated.pcap')
    translated_capture(dests).write(path)
    rc, out, err = run(['--json'], path)
    rep = json.loads(out)
    by = {}
    for d in rep['devices']:
        for x in d['destinations']:
            by[x['address']] = x
    for v6, kind, v4 in dests:
        want = by.get(v4, {})
        got = by.get(v6, {})
        tap.ok(want.get('country') and got.get('country') == want.get('country') and
               got.get('asn') == want.get('asn') and got.get('org') == want.get('org') and
               got.get('scope') == 'internet',
               f'{kind} {v6}: the country and network of {v4} ({want.get("country")}, AS{want.get("asn")})',
               f'got {got.get("scope")} {got.get("country")} {got.get("asn")} {got.get("org")}')
        tap.ok(got.get('translated') == {'kind': kind, 'ipv4': v4} and want.get('translated', 1) is None,
               f'{kind} {v6}: "translated" says {kind} of {v4} (null on the IPv4 row)',
               f'{got.get("translated")} / {want.get("translated", "absent")}')
    x = by.get('64:ff9b::c0a8:109', {})
    tap.ok(x and x.get('scope') != 'internet' and not x.get('country'),
           'NAT64 of a private IPv4 address (64:ff9b::192.168.1.9) is not an internet destination',
           f'{x.get("scope")} {x.get("country")}')
    rc, out, err = run([], path)
    text = decode(out)[0]
    line = [ln for ln in text.splitlines() if '64:ff9b::2f66:618c' in ln]
    tap.ok(line and ' CN ' in line[0], 'text: the NAT64 destination is listed under its address, with CN', line)


def main():
    tap = Tap()
    try:
        hostile_text(tap)
        non_utf8_name(tap)
        exit_status(tap)
        translated(tap)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    tap.end()


if __name__ == '__main__':
    main()
