"""pkt.py - build small captures for tests: Ethernet/IPv4 frames with UDP,
TCP (handshakes included), ARP, DNS and HTTP, written as a classic pcap.
Only what alfoil reads is filled in (no checksums)."""
import socket
import struct


def mac(s):
    return bytes.fromhex(s.replace(':', ''))


def ip4(s):
    return socket.inet_aton(s)


class Capture:
    def __init__(self):
        self.frames = []
        self.t = 1_793_520_000.0
        self.seqs = {}

    def frame(self, b, dt=0.01):
        self.t += dt
        self.frames.append((self.t, b))

    def eth(self, smac, dmac, etype, payload, dt=0.01):
        self.frame(mac(dmac) + mac(smac) + struct.pack('>H', etype) + payload, dt)

    def ipv4(self, smac, dmac, src, dst, proto, payload, dt=0.01):
        hdr = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), 1, 0x4000, 64, proto, 0, ip4(src), ip4(dst))
        self.eth(smac, dmac, 0x0800, hdr + payload, dt)

    def udp(self, smac, dmac, src, sport, dst, dport, payload=b'', dt=0.01):
        self.ipv4(smac, dmac, src, dst, 17, struct.pack('>HHHH', sport, dport, 8 + len(payload), 0) + payload, dt)

    def tcp_seg(self, smac, dmac, src, sport, dst, dport, flags, payload=b'', dt=0.01):
        key = (src, sport, dst, dport)
        seq = self.seqs.get(key, 1000)
        self.seqs[key] = seq + len(payload) + (1 if flags & 0x02 else 0)
        ack = self.seqs.get((dst, dport, src, sport), 0)
        hdr = struct.pack('>HHIIBBHHH', sport, dport, seq, ack, 0x50, flags, 65535, 0, 0)
        self.ipv4(smac, dmac, src, dst, 6, hdr + payload, dt)

    def tcp(self, cmac, smac, cli, cport, srv, sport, request=b'', reply=b'', answered=True):
        """A connection: handshake, one request, one reply (when answered)."""
        self.tcp_seg(cmac, smac, cli, cport, srv, sport, 0x02)
        if not answered:
            return
        self.tcp_seg(smac, cmac, srv, sport, cli, cport, 0x12)
        self.tcp_seg(cmac, smac, cli, cport, srv, sport, 0x10)
        if request:
            self.tcp_seg(cmac, smac, cli, cport, srv, sport, 0x18, request)
        if reply:
            self.tcp_seg(smac, cmac, srv, sport, cli, cport, 0x18, reply)

    def arp_request(self, smac, sip, tip):
        body = struct.pack('>HHBBH', 1, 0x0800, 6, 4, 1) + mac(smac) + ip4(sip) + bytes(6) + ip4(tip)
        self.eth(smac, 'ff:ff:ff:ff:ff:ff', 0x0806, body)

    def arp_reply(self, smac, sip, dmac, dip):
        body = struct.pack('>HHBBH', 1, 0x0800, 6, 4, 2) + mac(smac) + ip4(sip) + mac(dmac) + ip4(dip)
        self.eth(smac, dmac, 0x0806, body)

    def write(self, path):
        with open(path, 'wb') as f:
            f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
            for t, b in self.frames:
                f.write(struct.pack('<IIII', int(t), int((t % 1) * 1e6), len(b), len(b)) + b)


def dns_name(n):
    return b''.join(bytes([len(l)]) + l.encode() for l in n.split('.')) + b'\0'


def dns_query(name, qid=0x1234):
    return struct.pack('>HHHHHH', qid, 0x0100, 1, 0, 0, 0) + dns_name(name) + struct.pack('>HH', 1, 1)


def dns_answer(name, addr, qid=0x1234):
    return (struct.pack('>HHHHHH', qid, 0x8180, 1, 1, 0, 0) + dns_name(name) + struct.pack('>HH', 1, 1) +
            b'\xc0\x0c' + struct.pack('>HHIH', 1, 1, 300, 4) + ip4(addr))


def tls_hello(sni, versions=(0x0304, 0x0303), legacy=0x0303, ciphers=(0x002f, 0x0035)):
    def u16(v):
        return struct.pack('>H', v)
    exts = b''
    s = sni.encode()
    exts += u16(0) + u16(len(s) + 5) + u16(len(s) + 3) + b'\0' + u16(len(s)) + s
    if versions:
        vb = b''.join(u16(v) for v in versions)
        exts += u16(0x2b) + u16(len(vb) + 1) + bytes([len(vb)]) + vb
    cs = b''.join(u16(x) for x in ciphers)
    body = u16(legacy) + bytes(32) + b'\0' + u16(len(cs)) + cs + b'\x01\x00' + u16(len(exts)) + exts
    hs = b'\x01' + struct.pack('>I', len(body))[1:] + body
    return b'\x16\x03\x01' + u16(len(hs)) + hs


def dhcp_discover(cap, cmac, hostname, vendor=None):
    opts = bytes([53, 1, 1, 12, len(hostname)]) + hostname.encode()
    if vendor:
        opts += bytes([60, len(vendor)]) + vendor.encode()
    opts += bytes([255])
    body = struct.pack('>BBBBIHH', 1, 1, 6, 0, 0x1234, 0, 0x8000) + bytes(16) + mac(cmac) + bytes(10 + 192)
    cap.udp(cmac, 'ff:ff:ff:ff:ff:ff', '0.0.0.0', 68, '255.255.255.255', 67, body + b'\x63\x82\x53\x63' + opts)
