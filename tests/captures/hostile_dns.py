"""hostile_dns.py - a hostile LAN host against DNS and DHCP attribution
(issue 13). One capture per attack, built here:

  (a) one unsolicited DNS answer from an attacker to a victim (from the
      attacker's own address, and spoofing the resolver with a wrong id):
      not the victim's query or name, no blocklisted finding, not in the
      addresses enforce allows for the victim's cloud; counted
  (b) 70,000 unsolicited answers do not evict the victim's real answer
  (c) an attacker's 70,000 answered queries of its own do not evict it
  (d) DHCP (and DHCPv6) naming the laptop from the attacker's MAC: the
      laptop keeps its name and kind, a kind:camera quarantine misses it;
      a relayed request (giaddr set) is credited to its client
  plus mDNS: an announcement is the sender's, never another's name cache.
"""
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pkt
from pkt import Capture, dns_answer, dns_query, mac
from tap import ALFOIL, Tap

R, RIP = '50:c7:bf:00:00:01', '192.168.1.1'      # the router, the LAN's resolver
V, VIP = '78:11:dc:00:00:05', '192.168.1.50'     # the victim (a Xiaomi device)
A, AIP = 'b8:27:eb:00:00:66', '192.168.1.66'     # the attacker (a Raspberry Pi)
L, LIP = '34:f6:4b:00:00:03', '192.168.1.60'     # a laptop
S, SIP = '00:11:22:00:00:09', '192.168.1.2'      # the DHCP server, behind the relay
CLOUD, CLOUD_IP = 'ot.io.mi.com', '161.117.1.2'  # a public address: the MUD names it by domain
FORGED_IP = '198.51.100.66'
BLOCKED = 'c2.blocked.example'
CAMERA_NAME = 'chuangmi-camera-ipc019_miio1234567'
WORK = tempfile.mkdtemp(prefix='alfoil-hostile-dns-')


def aaaa_answer(name, addr6, qid):
    """A response with one AAAA record (pkt.dns_answer is A only)."""
    return (struct.pack('>HHHHHH', qid, 0x8180, 1, 1, 0, 0) + pkt.dns_name(name) + struct.pack('>HH', 28, 1) +
            b'\xc0\x0c' + struct.pack('>HHIH', 28, 1, 300, 16) + socket.inet_pton(socket.AF_INET6, addr6))


def flood_addr(i):
    return f'2001:db8:{(i >> 16) & 0xffff:x}:{i & 0xffff:x}::1'


def ask(c, smac, sip, port, name, addr, qid, dt=0.01):
    """A query to the router and its answer."""
    c.udp(smac, R, sip, port, RIP, 53, dns_query(name, qid), dt)
    c.udp(R, smac, RIP, 53, sip, port, dns_answer(name, addr, qid), dt)


def victim_start(c):
    pkt.dhcp_discover(c, V, 'chuangmi-plug-m1_mibt0005')
    ask(c, V, VIP, 40000, CLOUD, CLOUD_IP, 0x1111)


def victim_connects(c):
    c.tcp(V, R, VIP, 51000, CLOUD_IP, 443, b'\x17\x03\x03\x00\x10' + bytes(16), b'\x17\x03\x03\x00\x10' + bytes(16))


def build_a():
    c = Capture()
    victim_start(c)
    # the attacker answers from its own address, to the victim's port
    c.udp(A, V, AIP, 53, VIP, 40000, dns_answer(CLOUD, FORGED_IP, 0x1111))
    c.udp(A, V, AIP, 53, VIP, 40000, dns_answer(BLOCKED, '198.51.100.67', 0x2222))
    # and spoofing the resolver, with an id the victim never used
    c.udp(A, V, RIP, 53, VIP, 40000, dns_answer(CLOUD, FORGED_IP, 0x7777))
    # or right but long after the query (the victim asked again, then nobody
    # answered for a minute)
    c.udp(V, R, VIP, 40001, RIP, 53, dns_query(CLOUD, 0x3333))
    c.udp(A, V, RIP, 53, VIP, 40001, dns_answer(CLOUD, FORGED_IP, 0x3333), dt=60)
    victim_connects(c)
    return c


def build_b(n=70000):
    c = Capture()
    victim_start(c)
    for i in range(n):
        c.udp(A, V, AIP, 53, VIP, 40000 + (i % 2000), aaaa_answer(f'x{i}.flood.example', flood_addr(i), i & 0xffff),
              dt=0.0001)
    victim_connects(c)
    return c


def build_c(n=70000):
    c = Capture()
    victim_start(c)
    for i in range(n):
        qid = i & 0xffff
        name = f'a{i}.own.example'
        port = 20000 + (i % 20000)
        c.udp(A, R, AIP, port, RIP, 53, dns_query(name, qid), dt=0.0001)
        c.udp(R, A, RIP, 53, AIP, port, aaaa_answer(name, flood_addr(i), qid), dt=0.0001)
    victim_connects(c)
    return c


def dhcp_msg(op, chaddr, hostname, vendor=None, giaddr='0.0.0.0', hops=0, msg_type=3):
    opts = bytes([53, 1, msg_type, 12, len(hostname)]) + hostname.encode()
    if vendor:
        opts += bytes([60, len(vendor)]) + vendor.encode()
    opts += bytes([255])
    body = (struct.pack('>BBBBIHH', op, 1, 6, hops, 0x5678, 0, 0x8000) + bytes(12) + socket.inet_aton(giaddr) +
            mac(chaddr) + bytes(10 + 192))
    return body + b'\x63\x82\x53\x63' + opts


def udp6(c, smac, dmac, src, sport, dst, dport, payload, dt=0.01):
    udp = struct.pack('>HHHH', sport, dport, 8 + len(payload), 0) + payload
    hdr = struct.pack('>IHBB', 0x60000000, len(udp), 17, 1) + socket.inet_pton(socket.AF_INET6, src) + \
        socket.inet_pton(socket.AF_INET6, dst)
    c.eth(smac, dmac, 0x86dd, hdr + udp, dt)


def dhcp6_solicit(fqdn):
    labels = pkt.dns_name(fqdn)
    opt39 = struct.pack('>HH', 39, 1 + len(labels)) + b'\x01' + labels
    return b'\x01\x00\x00\x42' + opt39


LAPTOP_LL = 'fe80::36f6:4bff:fe00:3'
RELAYED = '74:da:38:00:00:77'   # a client behind a relay agent, never on this LAN


def build_d():
    c = Capture()
    pkt.dhcp_discover(c, L, 'alice-laptop', 'MSFT 5.0')
    udp6(c, L, '33:33:00:01:00:02', LAPTOP_LL, 546, 'ff02::1:2', 547, dhcp6_solicit('alice-laptop.lan'))
    c.tcp(L, R, LIP, 50000, '203.0.113.20', 443, b'\x17\x03\x03\x00\x10' + bytes(16))
    # the attacker's DHCPREQUEST for the laptop's chaddr, broadcast from its own MAC
    c.udp(A, 'ff:ff:ff:ff:ff:ff', '0.0.0.0', 68, '255.255.255.255', 67, dhcp_msg(1, L, CAMERA_NAME, 'udhcp 1.24.2'))
    # the same as a relayed message (giaddr set) for a laptop seen on this LAN
    c.udp(A, R, AIP, 67, RIP, 67, dhcp_msg(1, L, CAMERA_NAME, 'udhcp 1.24.2', giaddr='192.168.7.1', hops=1))
    # DHCPv6 from the laptop's link-local address and port, the attacker's MAC
    udp6(c, A, '33:33:00:01:00:02', LAPTOP_LL, 546, 'ff02::1:2', 547, dhcp6_solicit(CAMERA_NAME + '.lan'))
    # a real relay agent (the router) forwards a client of another link
    c.udp(R, S, RIP, 67, SIP, 67, dhcp_msg(1, RELAYED, CAMERA_NAME, 'udhcp 1.24.2', giaddr='192.168.7.1', hops=1))
    return c


def mdns_announce(host, addr):
    return (struct.pack('>HHHHHH', 0, 0x8400, 0, 1, 0, 0) + pkt.dns_name(host) + struct.pack('>HHIH', 1, 0x8001, 120, 4) +
            socket.inet_aton(addr))


def build_mdns():
    c = Capture()
    victim_start(c)
    # an announcement sent to the victim's own address (unicast mDNS, RFC
    # 6762 5.5): the attacker's own name, never the victim's DNS answer
    c.udp(A, V, AIP, 5353, VIP, 5353, mdns_announce('ot.io.mi.com.local', FORGED_IP))
    c.udp(A, V, AIP, 5353, VIP, 40000, mdns_announce('evil.local', AIP))
    victim_connects(c)
    return c


def inspect(cap, name, *extra):
    path = os.path.join(WORK, name + '.pcap')
    cap.write(path)
    p = subprocess.run([ALFOIL, 'inspect', '--json', '--no-progress', '-q', *extra, path],
                       capture_output=True, text=True, timeout=300)
    try:
        rep = json.loads(p.stdout)
    except ValueError:
        rep = {}
    return path, rep, p


def device(rep, m):
    for d in rep.get('devices', []):
        if d.get('mac') == m:
            return d
    return {}


def queries(d):
    return {q['name'] for q in d.get('dns', {}).get('queries', [])}


def answers(d):
    return {(a['name'], a['address']) for a in d.get('dns', {}).get('answers', [])}


def dest_domain(d, addr):
    for x in d.get('destinations', []):
        if x.get('address') == addr:
            return x.get('domain')
    return None


def counter(rep, name):
    return rep.get('capture', {}).get('counters', {}).get(name, 0)


def names_of(d):
    return {n['name'] for n in d.get('names', [])}


def kind(d):
    return d.get('identity', {}).get('kind')


def case_a(tap):
    block = os.path.join(WORK, 'blocklist')
    open(block, 'w').write(BLOCKED + '\n')
    path, rep, p = inspect(build_a(), 'a', '--blocklist', block)
    v = device(rep, V)
    tap.ok(bool(v), 'a: the report has the victim', p.stderr)
    tap.ok(BLOCKED not in queries(v), 'a: an unsolicited answer puts no name into the victim\'s queries', queries(v))
    tap.ok(all(a != FORGED_IP and n != BLOCKED for n, a in answers(v)),
           'a: nor into its name cache', answers(v))
    tap.ok((CLOUD, CLOUD_IP) in answers(v) and CLOUD in queries(v), 'a: the answer to its own query is kept',
           answers(v))
    bl = [f for f in rep.get('findings', []) if f.get('detector') == 'blocklisted' and f.get('device') == v.get('id')]
    tap.ok(not bl, 'a: no "blocklisted" finding for the victim', bl)
    tap.ok(counter(rep, 'dns_unsolicited') >= 4, f'a: the unsolicited answers are counted '
           f'(dns_unsolicited={counter(rep, "dns_unsolicited")})', rep.get('capture', {}).get('counters'))
    t = subprocess.run([ALFOIL, 'inspect', '--no-progress', '-q', path], capture_output=True, text=True, timeout=120)
    tap.ok('dns_unsolicited=' in t.stdout, 'a: and shown in the text report\'s counters', t.stdout[-400:])
    # the victim's profile: its cloud by name, and the addresses enforce allows for it
    prof = os.path.join(WORK, 'prof-a')
    rj = os.path.join(WORK, 'a.json')
    open(rj, 'w').write(json.dumps(rep))
    lp = subprocess.run([ALFOIL, 'profile', 'learn', '-o', prof, path], capture_output=True, text=True,
                        timeout=120)
    mud = os.path.join(prof, V.replace(':', '-') + '.json')
    text = open(mud).read() if os.path.exists(mud) else ''
    tap.ok(lp.returncode == 0 and CLOUD in text and FORGED_IP not in text,
           'a: profile learn gives the victim its cloud by name, not the forged address', lp.stderr + text[:300])
    e = subprocess.run([ALFOIL, 'enforce', '--profiles', prof, '--report', rj], capture_output=True, text=True,
                       timeout=60)
    tap.ok(e.returncode == 0 and CLOUD_IP in e.stdout, 'a: enforce allows the address the victim resolved',
           e.stderr + e.stdout[-300:])
    tap.ok(FORGED_IP not in e.stdout, f'a: enforce does not allow the forged {FORGED_IP} for {CLOUD}',
           [l for l in e.stdout.splitlines() if FORGED_IP in l])


def case_b(tap):
    _, rep, p = inspect(build_b(), 'b')
    v = device(rep, V)
    tap.ok(dest_domain(v, CLOUD_IP) == CLOUD,
           f'b: after 70,000 unsolicited answers the victim\'s destination keeps its DNS name '
           f'(domain={dest_domain(v, CLOUD_IP)})', p.stderr[-300:])
    tap.ok((CLOUD, CLOUD_IP) in answers(v) and len(answers(v)) == 1, 'b: its name cache holds its own answer only',
           len(answers(v)))
    tap.ok(counter(rep, 'dns_unsolicited') == 70000, f'b: all 70,000 counted '
           f'(dns_unsolicited={counter(rep, "dns_unsolicited")})')
    tap.ok(counter(rep, 'names_evicted') == 0, 'b: nothing was evicted', counter(rep, 'names_evicted'))


def case_c(tap):
    _, rep, p = inspect(build_c(), 'c')
    v, a = device(rep, V), device(rep, A)
    tap.ok(dest_domain(v, CLOUD_IP) == CLOUD,
           f'c: an attacker\'s 70,000 answered queries of its own leave the victim\'s destination its DNS name '
           f'(domain={dest_domain(v, CLOUD_IP)})', p.stderr[-300:])
    tap.ok(CLOUD in queries(v) and (CLOUD, CLOUD_IP) in answers(v), 'c: the victim keeps its query and answer')
    na = len(answers(a))
    tap.ok(0 < na <= 65536 // 16 and counter(rep, 'names_evicted') > 0,
           f'c: the attacker evicted its own oldest, at its quota of 4096 (kept {na} answers, names_evicted='
           f'{counter(rep, "names_evicted")})')
    tap.ok(counter(rep, 'dns_unsolicited') == 0, 'c: its answers were solicited',
           counter(rep, 'dns_unsolicited'))


def case_d(tap):
    path, rep, p = inspect(build_d(), 'd')
    lap, rel, att = device(rep, L), device(rep, RELAYED), device(rep, A)
    tap.ok(bool(lap), 'd: the report has the laptop', p.stderr)
    tap.ok(CAMERA_NAME not in names_of(lap) and not any(CAMERA_NAME in n for n in names_of(lap)),
           'd: DHCP and DHCPv6 from the attacker\'s MAC do not rename the laptop', names_of(lap))
    ev = {e['value'] for e in lap.get('evidence', [])}
    tap.ok('udhcp 1.24.2' not in ev and 'alice-laptop' in names_of(lap), 'd: nor add its vendor class', ev)
    tap.ok(kind(lap) == 'computer', f'd: the laptop is still a computer (kind={kind(lap)})')
    tap.ok(counter(rep, 'dhcp_spoofed') >= 2, f'd: counted (dhcp_spoofed={counter(rep, "dhcp_spoofed")})')
    tap.ok(CAMERA_NAME in names_of(rel) and kind(rel) == 'camera',
           f'd: a relayed request (giaddr set) names its client (kind={kind(rel)})', names_of(rel))
    tap.ok(counter(rep, 'dhcp_relayed') == 1, 'd: counted as relayed', counter(rep, 'dhcp_relayed'))
    tap.ok(any(CAMERA_NAME in n for n in names_of(att)), 'd: the DHCPv6 name stays with the frame\'s sender',
           names_of(att))
    prof = os.path.join(WORK, 'prof-d')
    rj = os.path.join(WORK, 'd.json')
    open(rj, 'w').write(json.dumps(rep))
    subprocess.run([ALFOIL, 'profile', 'learn', '-o', prof, path], capture_output=True, timeout=120)
    pol = os.path.join(WORK, 'policies-d')
    open(pol, 'w').write('kind:camera = quarantine\n')
    e = subprocess.run([ALFOIL, 'enforce', '--profiles', prof, '--policies', pol, '--report', rj],
                       capture_output=True, text=True, timeout=60)
    held = [l for l in e.stdout.splitlines() if L in l and 'quarantine' in l]
    tap.ok(e.returncode == 0 and not held, 'd: enforce with kind:camera = quarantine does not quarantine the laptop',
           e.stderr + '\n'.join(held))


def case_mdns(tap):
    _, rep, p = inspect(build_mdns(), 'mdns')
    v, a = device(rep, V), device(rep, A)
    tap.ok(answers(v) == {(CLOUD, CLOUD_IP)} and dest_domain(v, CLOUD_IP) == CLOUD,
           'mdns: an mDNS response to the victim fills none of its unicast name cache', answers(v))
    tap.ok('evil.local' in names_of(a) and 'evil.local' not in names_of(v),
           'mdns: the announcement describes its sender', names_of(a))


def main():
    tap = Tap()
    case_a(tap)
    case_b(tap)
    case_c(tap)
    case_d(tap)
    case_mdns(tap)
    tap.end()
    return 0 if tap.failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
