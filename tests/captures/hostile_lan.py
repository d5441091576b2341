"""hostile_lan.py - captures of a LAN host lying about addresses and roles
(tests/t-hostile-lan.sh): spoofed global sources (IPv4 and IPv6), one
frame "from" 8.8.8.8:53, a flood of made-up MACs, and the honest traffic
each is set against (a router carrying several internet hosts, a camera
with DHCP and a large upload to CN, a laptop with a global IPv6 address
announced by neighbour discovery).

    python3 hostile_lan.py DIR     writes DIR/{spoof4,spoof6,router,flood,flood-first,honest}.pcap
"""
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pkt import Capture, dhcp_discover, dns_answer, dns_query, ip4, mac  # noqa: E402

R, RIP = '50:c7:bf:00:00:01', '192.168.1.1'        # the router (TP-Link)
CAM, CAMIP = '94:f8:27:6d:12:c9', '192.168.1.103'  # a Chuangmi camera
A, AIP = '34:f6:4b:00:00:03', '192.168.1.60'       # the attacker: a laptop
LAP, LAPIP = '3c:22:fb:00:00:04', '192.168.1.70'   # a laptop with global IPv6
LAP6 = '2a02:8108:1a80:3c00:b5e1:9f27:6c0a:d34e'  # its address (DE)
LAP6LL = 'fe80::3e22:fbff:fe00:4'
RT6LL = 'fe80::52c7:bfff:fe00:1'
PH, PHIP = 'a4:83:e7:00:00:05', '192.168.1.80'     # a phone that reaches the laptop
PH6 = '2a02:8108:1a80:3c00:1c2d:3e4f:5a6b:7c8d'
CN4 = '47.102.97.140'                              # the camera's cloud (CN)
CN6 = '240e:3b0:1::2'                              # an IPv6 server in CN


def ip6(s):
    return socket.inet_pton(socket.AF_INET6, s)


def ipv6(c, smac, dmac, src, dst, nh, payload, hop=64, dt=0.01):
    hdr = struct.pack('>IHBB', 0x60000000, len(payload), nh, hop) + ip6(src) + ip6(dst)
    c.eth(smac, dmac, 0x86dd, hdr + payload, dt)


def udp6(c, smac, dmac, src, sport, dst, dport, payload=b'', dt=0.01):
    ipv6(c, smac, dmac, src, dst, 17, struct.pack('>HHHH', sport, dport, 8 + len(payload), 0) + payload, dt=dt)


def tcp6(c, smac, dmac, src, sport, dst, dport, flags, payload=b'', dt=0.01):
    hdr = struct.pack('>HHIIBBHHH', sport, dport, 1000, 0, 0x50, flags, 65535, 0, 0)
    ipv6(c, smac, dmac, src, dst, 6, hdr + payload, dt=dt)


def neighbour_advert(c, smac, src, dst, dmac='33:33:00:00:00:01'):
    """Unsolicited NA for src's own address with its MAC (RFC 4861 4.4)."""
    body = struct.pack('>BBHI', 136, 0, 0, 0x20000000) + ip6(src) + bytes([2, 1]) + mac(smac)
    ipv6(c, smac, dmac, src, dst, 58, body, hop=255)


def dhcp_ack(c, cmac, yiaddr, server_mac=R, server_ip=RIP):
    opts = bytes([53, 1, 5, 54, 4]) + ip4(server_ip) + bytes([3, 4]) + ip4(server_ip) + bytes([255])
    body = (struct.pack('>BBBBIHH', 2, 1, 6, 0, 0x1234, 0, 0x8000) + bytes(4) + ip4(yiaddr) +
            ip4(server_ip) + bytes(4) + mac(cmac) + bytes(10 + 192))
    c.udp(server_mac, 'ff:ff:ff:ff:ff:ff', server_ip, 67, '255.255.255.255', 68,
          body + b'\x63\x82\x53\x63' + opts)


def join(c, cmac, ip, hostname, vendor=None):
    dhcp_discover(c, cmac, hostname, vendor)
    dhcp_ack(c, cmac, ip)


def browse(c, who, wip, hosts):
    """wip reaches each internet host through the router, answered."""
    for i, h in enumerate(hosts):
        c.tcp(who, R, wip, 50000 + i, h, 443, b'GET / HTTP/1.1\r\nHost: x\r\n\r\n', b'HTTP/1.1 200 OK\r\n\r\n')


def camera_upload(c, kb=456):
    """The camera's upload to its cloud in CN: 456 kB up, answered."""
    c.udp(CAM, R, CAMIP, 40001, RIP, 53, dns_query('cn-v1.camera.io.mi.com', 7))
    c.udp(R, CAM, RIP, 53, CAMIP, 40001, dns_answer('cn-v1.camera.io.mi.com', CN4, 7))
    c.tcp_seg(CAM, R, CAMIP, 41000, CN4, 443, 0x02)
    c.tcp_seg(R, CAM, CN4, 443, CAMIP, 41000, 0x12)
    c.tcp_seg(CAM, R, CAMIP, 41000, CN4, 443, 0x10)
    for _ in range(kb * 1000 // 1400):
        c.tcp_seg(CAM, R, CAMIP, 41000, CN4, 443, 0x18, b'\x17' * 1400, dt=0.001)
    c.tcp_seg(R, CAM, CN4, 443, CAMIP, 41000, 0x10)


def household(c):
    """A router carrying several internet hosts for several devices, a
    camera with DHCP, a laptop with a DE IPv6 address (NDP), the attacker
    joined by DHCP like any laptop."""
    join(c, CAM, CAMIP, 'chuangmi-camera-ipc019_miio317265904')
    join(c, A, AIP, 'DESKTOP-ATTACK1', 'MSFT 5.0')
    join(c, LAP, LAPIP, 'DESKTOP-LAPTOP2', 'MSFT 5.0')
    c.arp_request(R, RIP, CAMIP)
    c.arp_reply(CAM, CAMIP, R, RIP)
    browse(c, A, AIP, ['140.82.121.4', '13.107.4.52'])
    browse(c, CAM, CAMIP, ['162.159.200.1'])
    neighbour_advert(c, R, RT6LL, 'ff02::1')
    neighbour_advert(c, LAP, LAP6, 'ff02::1')
    tcp6(c, LAP, R, LAP6, 51000, '2a00:1450:4001:80b::200e', 443, 0x02)
    tcp6(c, R, LAP, '2a00:1450:4001:80b::200e', 443, LAP6, 51000, 0x12)
    tcp6(c, LAP, R, LAP6, 51000, '2a00:1450:4001:80b::200e', 443, 0x10, b'\x17' * 500)


def spoof4():
    c = Capture()
    household(c)
    camera_upload(c)
    # one UDP frame from the attacker's MAC, source written as the camera's cloud
    c.udp(A, R, CN4, 5000, '1.1.1.1', 53, dns_query('example.com', 9))
    return c


def spoof6():
    c = Capture()
    household(c)
    # the laptop uploads to a server in CN over IPv6
    tcp6(c, LAP, R, LAP6, 52000, CN6, 443, 0x02)
    tcp6(c, R, LAP, CN6, 443, LAP6, 52000, 0x12)
    for _ in range(200):
        tcp6(c, LAP, R, LAP6, 52000, CN6, 443, 0x18, b'\x17' * 1400, dt=0.001)
    # a few frames from the attacker's MAC with 240e:: sources, the server's among them
    for i in (1, 2, 3, 4):
        udp6(c, A, R, f'240e:3b0:1::{i}', 6000 + i, '2606:4700:4700::1111', 53, dns_query('example.com', i))
    return c


def router():
    c = Capture()
    household(c)
    # the camera asks 8.8.8.8 (through the router); the attacker answers first,
    # from its own MAC, "from" 8.8.8.8:53; then one more frame unasked
    c.udp(CAM, R, CAMIP, 40100, '8.8.8.8', 53, dns_query('cn-v1.camera.io.mi.com', 11))
    c.udp(A, CAM, '8.8.8.8', 53, CAMIP, 40100, dns_answer('cn-v1.camera.io.mi.com', '203.0.113.9', 11))
    c.udp(A, CAM, '8.8.8.8', 53, CAMIP, 40200, dns_answer('ot.io.mi.com', '203.0.113.9', 12))
    c.udp(R, CAM, '8.8.8.8', 53, CAMIP, 40100, dns_answer('cn-v1.camera.io.mi.com', CN4, 11))
    camera_upload(c, kb=20)
    return c


def made_up_macs(c, n):
    for i in range(n):
        m = '02:%02x:%02x:%02x:%02x:%02x' % (0xa0, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff, 0x5a)
        lan = '10.%d.%d.%d' % ((i >> 16) & 0xff, (i >> 8) & 0xff, 1 + (i & 0x7f))
        c.udp(m, R, lan, 1024 + i % 60000, '198.18.%d.%d' % ((i >> 8) & 0xff, i & 0xff), 9, b'x', dt=0.0001)


def flood():
    """4,100 frames from made-up MACs fill the device table, then a camera
    joins (DHCP) and uploads (two-way)."""
    c = Capture()
    browse(c, A, AIP, ['140.82.121.4', '13.107.4.52'])
    made_up_macs(c, 4100)
    join(c, CAM, CAMIP, 'chuangmi-camera-ipc019_miio317265904')
    camera_upload(c, kb=20)
    return c


def flood_first():
    """The camera first, then the flood: it is never evicted."""
    c = Capture()
    browse(c, A, AIP, ['140.82.121.4', '13.107.4.52'])
    join(c, CAM, CAMIP, 'chuangmi-camera-ipc019_miio317265904')
    camera_upload(c, kb=20)
    made_up_macs(c, 4100)
    return c


def honest():
    """A real global IPv6 device: the phone reaches the laptop's global
    address on the LAN; that is a LAN peer (lan-global), and the home
    country comes from it."""
    c = Capture()
    household(c)
    join(c, PH, PHIP, 'Pixel-7')
    neighbour_advert(c, PH, PH6, 'ff02::1')
    tcp6(c, PH, LAP, PH6, 53000, LAP6, 8009, 0x02)
    tcp6(c, LAP, PH, LAP6, 8009, PH6, 53000, 0x12)
    tcp6(c, PH, LAP, PH6, 53000, LAP6, 8009, 0x10, b'hello')
    return c


def spoof_peer():
    """The attacker sends one frame from the camera's address and one from
    the laptop's global IPv6 address: a quarantine of the attacker must
    not take those addresses (and so the camera and the laptop) with it."""
    c = Capture()
    household(c)
    c.udp(A, R, CAMIP, 5001, '1.1.1.1', 53, dns_query('example.com', 21))
    udp6(c, A, R, LAP6, 6001, '2606:4700:4700::1111', 53, dns_query('example.com', 22))
    return c


if __name__ == '__main__':
    out = sys.argv[1]
    for name, fn in (('spoof4', spoof4), ('spoof6', spoof6), ('router', router), ('flood', flood),
                     ('flood-first', flood_first), ('honest', honest),
                     ('spoof-peer', spoof_peer)):
        fn().write(os.path.join(out, name + '.pcap'))
