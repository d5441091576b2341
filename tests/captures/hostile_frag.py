"""hostile_frag.py - captures of fragmented IPv4 and IPv6 traffic, as a
hostile device (or an ordinary one with a small MTU) sends it, for
tests/t-hostile-frag.sh.

    hostile_frag.py KIND OUT.pcap    writes the capture and prints what the
                                     test expects of it as JSON

KIND: dns4, tls4, upload, dns6, overlap, timeout, flood (see each builder).
Builds on pkt.py (Ethernet, IPv4, TCP, DNS, TLS); IPv6 and the fragments
are made here.
"""
import json
import socket
import struct
import sys

import pkt

DEV = 'a4:cf:12:00:00:0a'      # the device (an Espressif prefix)
DEV_IP, DEV6 = '192.168.1.50', 'fd00::50'
RTR = 'c0:ff:ee:00:00:01'      # the router, also the resolver
RTR_IP, RTR6 = '192.168.1.1', 'fd00::1'
EVIL = 'a4:cf:12:00:00:66'     # the flooding host
EVIL_IP = '192.168.1.66'


def udp_bytes(sport, dport, data):
    return struct.pack('>HHHH', sport, dport, 8 + len(data), 0) + data


def tcp_bytes(cap, src, sport, dst, dport, flags, payload=b''):
    """A TCP segment whose sequence numbers follow pkt.Capture.tcp_seg's."""
    key = (src, sport, dst, dport)
    seq = cap.seqs.get(key, 1000)
    cap.seqs[key] = seq + len(payload) + (1 if flags & 0x02 else 0)
    ack = cap.seqs.get((dst, dport, src, sport), 0)
    return struct.pack('>HHIIBBHHH', sport, dport, seq, ack, 0x50, flags, 65535, 0, 0) + payload


def pieces(data, cuts):
    """data cut at the given offsets (each a multiple of 8)."""
    edges = [0] + list(cuts) + [len(data)]
    return [(edges[i], data[edges[i]:edges[i + 1]]) for i in range(len(edges) - 1)]


def frag4(cap, smac, dmac, src, dst, proto, ident, off, piece, more, dt=0.001):
    """One IPv4 fragment (RFC 791): piece of the datagram's data at off."""
    flags = (0x2000 if more else 0) | (off // 8)
    hdr = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(piece), ident, flags, 64, proto, 0,
                      pkt.ip4(src), pkt.ip4(dst))
    cap.eth(smac, dmac, 0x0800, hdr + piece, dt)
    return 14 + 20 + len(piece)


def send4(cap, smac, dmac, src, dst, proto, ident, data, cuts, dt=0.001):
    """A datagram's data in fragments cut at cuts; returns the frames' bytes."""
    ps = pieces(data, cuts)
    return sum(frag4(cap, smac, dmac, src, dst, proto, ident, off, p, off + len(p) < len(data), dt)
               for off, p in ps), len(ps)


def ip6(s):
    return socket.inet_pton(socket.AF_INET6, s)


def ipv6(cap, smac, dmac, src, dst, nh, payload, dt=0.001):
    hdr = struct.pack('>IHBB16s16s', 0x60000000, len(payload), nh, 64, ip6(src), ip6(dst))
    cap.eth(smac, dmac, 0x86dd, hdr + payload, dt)


def frag6(cap, smac, dmac, src, dst, nh, ident, off, piece, more, dt=0.001):
    """One IPv6 fragment (RFC 8200 4.5): a Fragment header, then piece."""
    fh = struct.pack('>BBHI', nh, 0, off | (1 if more else 0), ident)
    ipv6(cap, smac, dmac, src, dst, 44, fh + piece, dt)


def send6(cap, smac, dmac, src, dst, nh, ident, data, cuts, dt=0.001):
    for off, p in pieces(data, cuts):
        frag6(cap, smac, dmac, src, dst, nh, ident, off, p, off + len(p) < len(data), dt)


def dns_answer6(name, addr, qid):
    return (struct.pack('>HHHHHH', qid, 0x8180, 1, 1, 0, 0) + pkt.dns_name(name) + struct.pack('>HH', 28, 1) +
            b'\xc0\x0c' + struct.pack('>HHIH', 28, 1, 300, 16) + ip6(addr))


def dns4(cap):
    """(a) A DNS query and its answer, each in two IPv4 fragments, then a
    connection to the answer: the name must be in the device's queries and
    on the destination."""
    name, addr = 'hidden-name.frag.example', '203.0.113.77'
    q = udp_bytes(50001, 53, pkt.dns_query(name, 0x4242))
    send4(cap, DEV, RTR, DEV_IP, RTR_IP, 17, 0x1001, q, [16])
    a = udp_bytes(53, 50001, pkt.dns_answer(name, addr, 0x4242))
    send4(cap, RTR, DEV, RTR_IP, DEV_IP, 17, 0x2001, a, [24])
    cap.tcp(DEV, RTR, DEV_IP, 40001, addr, 443, b'GET / HTTP/1.0\r\n\r\n', b'ok')
    return {'name': name, 'addr': addr}


def tls4(cap):
    """(b) A TLS ClientHello in one TCP segment cut into three IPv4
    fragments: the SNI must be found."""
    sni, addr = 'sni-split.frag.example', '198.51.100.20'
    cap.tcp_seg(DEV, RTR, DEV_IP, 40002, addr, 443, 0x02)
    cap.tcp_seg(RTR, DEV, addr, 443, DEV_IP, 40002, 0x12)
    cap.tcp_seg(DEV, RTR, DEV_IP, 40002, addr, 443, 0x10)
    seg = tcp_bytes(cap, DEV_IP, 40002, addr, 443, 0x18, pkt.tls_hello(sni))
    send4(cap, DEV, RTR, DEV_IP, addr, 6, 0x1002, seg, [48, 96])
    return {'sni': sni, 'addr': addr}


def upload(cap):
    """(c) 450 kB up in 15 UDP datagrams of 30000 bytes, each in IPv4
    fragments of 1480 bytes (an Ethernet MTU): every frame's bytes count."""
    addr, total, frames = '203.0.113.99', 0, 0
    for i in range(15):
        data = udp_bytes(41000, 9999, bytes([i]) * 30000)
        b, n = send4(cap, DEV, RTR, DEV_IP, addr, 17, 0x3000 + i, data, range(1480, len(data), 1480))
        total, frames = total + b, frames + n
    return {'addr': addr, 'bytes': total, 'frames': frames}


def dns6(cap):
    """(d) A DNS query and its AAAA answer, each in two IPv6 fragments, then
    a connection to the answer over IPv6."""
    name, addr = 'v6-hidden.frag.example', '2001:db8::77'
    q = udp_bytes(50006, 53, pkt.dns_query(name, 0x6666))
    send6(cap, DEV, RTR, DEV6, RTR6, 17, 0x60001, q, [16])
    a = udp_bytes(53, 50006, dns_answer6(name, addr, 0x6666))
    send6(cap, RTR, DEV, RTR6, DEV6, 17, 0x60002, a, [24])
    syn = tcp_bytes(cap, DEV6, 40006, addr, 443, 0x02)
    ipv6(cap, DEV, RTR, DEV6, addr, 6, syn)
    ipv6(cap, RTR, DEV, addr, DEV6, 6, tcp_bytes(cap, addr, 443, DEV6, 40006, 0x12))
    ipv6(cap, DEV, RTR, DEV6, addr, 6, tcp_bytes(cap, DEV6, 40006, addr, 443, 0x10))
    return {'name': name, 'addr': addr}


def overlap(cap):
    """(e) Overlapping fragments, IPv4 and IPv6: the second rewrites the
    end of the first, so receivers that keep the first or the last bytes
    read different names. Neither may be read; the frames still count to
    the flow. Then an exact duplicate fragment, which is only ignored."""
    a = udp_bytes(50010, 53, pkt.dns_query('first-wins.frag.example', 0x0e01))
    b = udp_bytes(50010, 53, pkt.dns_query('later-wins.frag.example', 0x0e01))
    # they differ in the first label only: keeping the first fragment's
    # bytes reads a, keeping the last one's reads b
    assert len(a) == len(b) and a[:16] == b[:16] and a[40:] == b[40:]
    frame_bytes = frag4(cap, DEV, RTR, DEV_IP, RTR_IP, 17, 0x0e01, 0, a[:40], True)
    frame_bytes += frag4(cap, DEV, RTR, DEV_IP, RTR_IP, 17, 0x0e01, 16, b[16:], False)
    a6 = udp_bytes(50011, 53, pkt.dns_query('first-wins6.frag.example', 0x0e02))
    b6 = udp_bytes(50011, 53, pkt.dns_query('later-wins6.frag.example', 0x0e02))
    assert len(a6) == len(b6) and a6[:16] == b6[:16] and a6[40:] == b6[40:]
    frag6(cap, DEV, RTR, DEV6, RTR6, 17, 0x0e02, 0, a6[:40], True)
    frag6(cap, DEV, RTR, DEV6, RTR6, 17, 0x0e02, 16, b6[16:], False)
    d = udp_bytes(50012, 53, pkt.dns_query('duplicate-ok.frag.example', 0x0e03))
    frame_bytes += frag4(cap, DEV, RTR, DEV_IP, RTR_IP, 17, 0x0e03, 0, d[:24], True)
    frame_bytes += frag4(cap, DEV, RTR, DEV_IP, RTR_IP, 17, 0x0e03, 0, d[:24], True)
    frame_bytes += frag4(cap, DEV, RTR, DEV_IP, RTR_IP, 17, 0x0e03, 24, d[24:], False)
    return {'refused': ['first-wins.frag.example', 'later-wins.frag.example',
                        'first-wins6.frag.example', 'later-wins6.frag.example'],
            'dup': 'duplicate-ok.frag.example', 'bytes4': frame_bytes, 'frames4': 5}


def timeout(cap):
    """(f) 700 IPv4 datagrams that never complete (two fragments of each,
    4 KiB apart, of three or more), 31 s of silence, 700 more: the first
    700 must time out and give their memory back, or the second would
    not fit within the default caps. IPv4 times out at 30 s and IPv6 at
    60 s: a query whose second fragment comes 31 s after its first is
    read over IPv6 and not over IPv4. Then a fragmented query still
    works."""
    dst, n = '203.0.113.5', 700
    late4 = udp_bytes(50020, 53, pkt.dns_query('late-v4.frag.example', 0x0f01))
    late6 = udp_bytes(50021, 53, pkt.dns_query('late-v6.frag.example', 0x0f02))

    def phase(base):
        for i in range(n):
            data = udp_bytes(42000, 7000, bytes(1400))
            frag4(cap, DEV, RTR, DEV_IP, dst, 17, base + i, 0, data, True, 0.0005)
            frag4(cap, DEV, RTR, DEV_IP, dst, 17, base + i, 4096, bytes(1400), True, 0.0005)
    frag4(cap, DEV, RTR, DEV_IP, RTR_IP, 17, 0x0f01, 0, late4[:16], True)
    frag6(cap, DEV, RTR, DEV6, RTR6, 17, 0x0f02, 0, late6[:16], True)
    phase(0x1000)
    cap.t += 31
    frag4(cap, DEV, RTR, DEV_IP, RTR_IP, 17, 0x0f01, 16, late4[16:], False)
    frag6(cap, DEV, RTR, DEV6, RTR6, 17, 0x0f02, 16, late6[16:], False)
    phase(0x2000)
    q = udp_bytes(50022, 53, pkt.dns_query('after-timeout.frag.example', 0x0f03))
    send4(cap, DEV, RTR, DEV_IP, RTR_IP, 17, 0x0f03, q, [16])
    return {'n': n, 'addr': dst, 'late4': 'late-v4.frag.example', 'late6': 'late-v6.frag.example',
            'after': 'after-timeout.frag.example'}


def flood(cap):
    """(g) A flood of datagrams that never complete from another host:
    3000 of two 1400-byte fragments 32 KiB apart (past the memory cap),
    then 3000 of one small fragment (past the datagrams-at-once cap). A
    device's fragmented query in the middle of it must still be read."""
    dst = '203.0.113.6'
    for i in range(3000):
        frag4(cap, EVIL, RTR, EVIL_IP, dst, 17, i, 0, udp_bytes(43000, 7001, bytes(1392)), True, 0.0001)
        frag4(cap, EVIL, RTR, EVIL_IP, dst, 17, i, 32768, bytes(1400), True, 0.0001)
        if i == 2000:
            q = udp_bytes(50030, 53, pkt.dns_query('survives-flood.frag.example', 0x1a01))
            send4(cap, DEV, RTR, DEV_IP, RTR_IP, 17, 0x1a01, q, [16], 0.0001)
    for i in range(3000):
        frag4(cap, EVIL, RTR, EVIL_IP, dst, 17, 0x8000 + i, 8, bytes(8), True, 0.0001)
    return {'name': 'survives-flood.frag.example', 'frames': 3000 * 3 + 2}


KINDS = {'dns4': dns4, 'tls4': tls4, 'upload': upload, 'dns6': dns6, 'overlap': overlap,
         'timeout': timeout, 'flood': flood}

if __name__ == '__main__':
    kind, out = sys.argv[1], sys.argv[2]
    cap = pkt.Capture()
    expect = KINDS[kind](cap)
    cap.write(out)
    expect['packets'] = len(cap.frames)
    print(json.dumps(expect))
