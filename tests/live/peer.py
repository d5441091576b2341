"""Traffic for tests/t-live.sh, between the test's own namespaces only.

  peer.py server ADDR        DNS responder on ADDR:53 (every A query -> ADDR)
                             and a TCP listener on ADDR:8443; runs until killed
  peer.py client SERVER MAC IFACE   from the client namespace: a DHCPDISCOVER
                             broadcast (hostname, vendor class, PRL), DNS
                             queries for live.example.com to SERVER, then a
                             TCP connection to the answer, port 8443
"""
import socket
import struct
import sys
import threading
import time


def dns_server(addr):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, 53))
    while True:
        q, peer = s.recvfrom(2048)
        if len(q) < 12:
            continue
        # question ends at the first zero label after the header
        end = q.index(b'\x00', 12) + 5
        answer = b'\xc0\x0c' + struct.pack('>HHIH', 1, 1, 60, 4) + socket.inet_aton(addr)
        s.sendto(q[:2] + b'\x81\x80' + q[4:6] + b'\x00\x01\x00\x00\x00\x00' + q[12:end] + answer, peer)


def tcp_server(addr):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, 8443))
    s.listen(4)
    while True:
        c, _ = s.accept()
        c.recv(1024)
        c.sendall(b'pong\n')
        c.close()


def dhcp_discover(mac, ifname):
    opts = bytes([53, 1, 1])
    opts += bytes([12, 16]) + b'alfoil-live-test'
    opts += bytes([60, 13]) + b'alfoil-vc 1.0'
    opts += bytes([55, 4, 1, 3, 6, 15, 255])
    pkt = struct.pack('>BBBBIHH', 1, 1, 6, 0, 0x1234abcd, 0, 0x8000) + bytes(16)
    pkt += mac + bytes(10) + bytes(192) + b'\x63\x82\x53\x63' + opts
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ifname.encode())  # no route needed
    s.bind(('0.0.0.0', 68))
    s.sendto(pkt, ('255.255.255.255', 67))
    s.close()


def dns_query(server, name):
    q = struct.pack('>HHHHHH', 0x4242, 0x0100, 1, 0, 0, 0)
    q += b''.join(bytes([len(l)]) + l.encode() for l in name.split('.')) + b'\x00' + struct.pack('>HH', 1, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.sendto(q, (server, 53))
    r, _ = s.recvfrom(2048)
    return socket.inet_ntoa(r[-4:])


def main():
    if sys.argv[1] == 'server':
        addr = sys.argv[2]
        threading.Thread(target=dns_server, args=(addr,), daemon=True).start()
        threading.Thread(target=tcp_server, args=(addr,), daemon=True).start()
        while True:
            time.sleep(1)
    server, mac, ifname = sys.argv[2], bytes.fromhex(sys.argv[3].replace(':', '')), sys.argv[4]
    dhcp_discover(mac, ifname)
    ip = dns_query(server, 'live.example.com')
    c = socket.create_connection((ip, 8443), timeout=2)
    c.sendall(b'ping\n')
    print(c.recv(16).decode().strip(), ip)
    c.close()


main()
