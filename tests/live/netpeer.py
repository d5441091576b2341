"""netpeer.py - servers and probes for tests/t-enforce.sh, inside the test's
own namespaces only.

  netpeer.py serve ADDR TCPPORT,... UDPPORT,...   TCP listeners and UDP echo
  netpeer.py dns ADDR                             a DNS responder (any A -> ADDR)
  netpeer.py ticker ADDR PORT                     TCP: a line every 50 ms to each client
  netpeer.py hold ADDR PORT SECONDS               connect to a ticker; print the time
                                                  (epoch seconds) of every line received
  netpeer.py probe KIND:ADDR:PORT ...             prints 'KIND:ADDR:PORT ok|fail'
      KIND: tcp (connect and read a line), udp (echo), dns (any answer),
      resolve (cloud.example resolves: NOERROR with an address);
      IPv6 addresses in brackets: tcp:[2001:db8::1]:80
"""
import socket
import struct
import sys
import threading
import time


def fam(addr):
    return socket.AF_INET6 if ':' in addr else socket.AF_INET


def tcp_server(addr, port):
    s = socket.socket(fam(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(16)
    while True:
        c, _ = s.accept()
        try:
            c.sendall(b'hello\n')
        finally:
            c.close()


def udp_echo(addr, port):
    s = socket.socket(fam(addr), socket.SOCK_DGRAM)
    s.bind((addr, port))
    while True:
        d, peer = s.recvfrom(2048)
        s.sendto(d, peer)


def dns_server(addr):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, 53))
    while True:
        q, peer = s.recvfrom(2048)
        end = q.index(b'\x00', 12) + 5
        s.sendto(q[:2] + b'\x81\x80' + q[4:6] + b'\x00\x01\x00\x00\x00\x00' + q[12:end] +
                 b'\xc0\x0c' + struct.pack('>HHIH', 1, 1, 60, 4) + socket.inet_aton(addr), peer)


def ticker_server(addr, port):
    s = socket.socket(fam(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(16)

    def tick(c):
        try:
            while True:
                c.sendall(b'tick\n')
                time.sleep(0.05)
        except OSError:
            c.close()
    while True:
        c, _ = s.accept()
        threading.Thread(target=tick, args=(c,), daemon=True).start()


def hold(addr, port, seconds):
    c = socket.create_connection((addr, port), timeout=2)
    end = time.time() + seconds
    while time.time() < end:
        c.settimeout(max(0.01, end - time.time()))
        try:
            d = c.recv(4096)
        except socket.timeout:
            continue
        except OSError:
            break
        if not d:
            break
        print('%.3f' % time.time(), flush=True)


def probe(kind, addr, port):
    try:
        if kind == 'tcp':
            c = socket.create_connection((addr, port), timeout=1.5)
            ok = c.recv(16).startswith(b'hello')
            c.close()
            return ok
        s = socket.socket(fam(addr), socket.SOCK_DGRAM)
        s.settimeout(1.5)
        if kind == 'udp':
            s.sendto(b'ping', (addr, port))
            return s.recvfrom(64)[0] == b'ping'
        q = struct.pack('>HHHHHH', 7, 0x0100, 1, 0, 0, 0) + b'\x05cloud\x07example\x00' + struct.pack('>HH', 1, 1)
        s.sendto(q, (addr, port))
        a = s.recvfrom(512)[0]
        if kind == 'resolve':  # NOERROR and at least one answer
            return len(a) > 12 and (a[3] & 0x0f) == 0 and struct.unpack('>H', a[6:8])[0] > 0
        return len(a) > 12
    except OSError:
        return False


def main():
    if sys.argv[1] == 'serve':
        addr = sys.argv[2]
        for p in filter(None, sys.argv[3].split(',')):
            threading.Thread(target=tcp_server, args=(addr, int(p)), daemon=True).start()
        for p in filter(None, sys.argv[4].split(',')):
            threading.Thread(target=udp_echo, args=(addr, int(p)), daemon=True).start()
    elif sys.argv[1] == 'ticker':
        threading.Thread(target=ticker_server, args=(sys.argv[2], int(sys.argv[3])), daemon=True).start()
    elif sys.argv[1] == 'hold':
        hold(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
        return
    elif sys.argv[1] == 'dns':
        threading.Thread(target=dns_server, args=(sys.argv[2],), daemon=True).start()
    else:
        for t in sys.argv[2:]:
            kind, rest = t.split(':', 1)
            addr, port = rest.rsplit(':', 1)
            addr = addr.strip('[]')
            print(t, 'ok' if probe(kind, addr, int(port)) else 'fail', flush=True)
        return
    while True:
        time.sleep(1)


main()
