"""Every detector against captures built here: one that must fire it and a
benign one that must not. Plus --fail-on, the config file and its errors,
blocklist and baseline inputs, and the findings on the bundled example."""
import json
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pkt import Capture, dhcp_discover, dns_answer, dns_query, tls_hello
from tap import ALFOIL, ROOT, Tap

R, RIP = '50:c7:bf:00:00:01', '192.168.1.1'      # the router
D, DIP = '68:c6:3a:00:00:02', '192.168.1.50'     # an IoT device (Espressif MAC)
L, LIP = '34:f6:4b:00:00:03', '192.168.1.60'     # a laptop
N, NIP = 'f8:24:41:00:00:04', '192.168.1.70'     # another LAN host (a bulb)
WORK = tempfile.mkdtemp(prefix='alfoil-findings-')


def base():
    c = Capture()
    dhcp_discover(c, L, 'DESKTOP-TEST01', 'MSFT 5.0')
    dhcp_discover(c, D, 'ESP_000002')
    return c


def run(cap, *extra, name='x'):
    path = os.path.join(WORK, name + '.pcap')
    cap.write(path)
    p = subprocess.run([ALFOIL, 'inspect', '--json', '--no-progress', '-q', *extra, path],
                       capture_output=True, text=True, timeout=120)
    rep = json.loads(p.stdout) if p.stdout.strip() else {}
    return p.returncode, rep, p.stderr


def detectors(rep, device=None):
    return {f['detector'] for f in rep.get('findings', []) if device is None or f['device'] == device}


def lan_scan(fire):
    c = base()
    for i in range(20 if fire else 3):
        c.tcp(D, N, DIP, 40000 + i, f'192.168.1.{100 + i}', 80, answered=False)
    return c


def port_scan(fire):
    c = base()
    for p in range(1, 26 if fire else 4):
        c.tcp(D, N, DIP, 41000 + p, NIP, p, answered=False)
    return c


def lan_admin(fire):
    c = base()
    who, wip = (D, DIP) if fire else (L, LIP)
    c.tcp(who, N, wip, 42000, NIP, 22, b'SSH-2.0-x\r\n', b'SSH-2.0-y\r\n')
    return c


def arp_spoof(fire):
    c = base()
    c.arp_reply(R, RIP, D, DIP)
    c.arp_reply(N, NIP, D, DIP)
    if fire:  # the bulb's MAC also answers for the router's address
        c.arp_reply(N, RIP, D, DIP)
    return c


def dns_public(fire):
    c = base()
    srv = '8.8.8.8' if fire else RIP
    c.udp(D, R, DIP, 5353 + 1, srv, 53, dns_query('example.com'))
    c.udp(R, D, srv, 53, DIP, 5354, dns_answer('example.com', '93.184.216.34'))
    return c


def dns_encrypted(fire):
    c = base()
    c.tcp(D, R, DIP, 43000, '1.1.1.1', 853 if fire else 443, tls_hello('one.one.one.one' if fire else 'example.com'), b'\x16\x03\x03\x00\x02\x02\x00')
    return c


def dns_unresolved(fire):
    c = base()
    c.udp(D, R, DIP, 5400, RIP, 53, dns_query('example.com'))
    c.udp(R, D, RIP, 53, DIP, 5400, dns_answer('example.com', '93.184.216.34'))
    for i, a in enumerate(['52.1.2.3', '13.3.3.3', '34.5.6.7', '35.8.9.10'] if fire else []):
        c.tcp(D, R, DIP, 44000 + i, a, 9000, b'hi', b'ok')
    c.tcp(D, R, DIP, 44100, '93.184.216.34', 80, b'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n', b'HTTP/1.1 200 OK\r\n\r\n')
    return c


def telnet(fire):
    c = base()
    c.tcp(D, N, DIP, 45000, NIP, 23 if fire else 22, b'root\r\n', b'Password: ')
    return c


def ftp(fire):
    c = base()
    c.tcp(D, R, DIP, 45100, '52.30.2.20', 21 if fire else 990, b'USER x\r\n', b'331 ok\r\n')
    return c


def creds(fire):
    c = base()
    auth = b'Authorization: Basic YWRtaW46YWRtaW4=\r\n' if fire else b''
    c.tcp(D, N, DIP, 45200, NIP, 80, b'GET /cgi-bin/status HTTP/1.1\r\nHost: 192.168.1.70\r\n' + auth + b'\r\n',
          b'HTTP/1.1 200 OK\r\n\r\n')
    return c


def mqtt(fire):
    c = base()
    c.tcp(D, R, DIP, 45300, '18.196.141.87', 1883 if fire else 8883, b'\x10\x10\x00\x04MQTT', b'\x20\x02\x00\x00')
    return c


def weak_tls(fire):
    c = base()
    hello = tls_hello('old.example.com', versions=(), legacy=0x0301) if fire else tls_hello('new.example.com')
    c.tcp(D, R, DIP, 45400, '52.31.3.30', 443, hello, b'\x16\x03\x01\x00\x02\x02\x00')
    return c


def local_protocol(fire):
    c = base()
    hello = b'\x21\x31\x00\x20' + b'\xff' * 28
    c.udp(L, D, LIP, 50000, DIP, 54321, hello)
    if fire:
        reply = b'\x21\x31\x00\x20' + b'\x00' * 4 + b'\x07\x5b\xcd\x15' + b'\x00\x00\x00\x2a' + b'\x00' * 16
        c.udp(D, L, DIP, 54321, LIP, 50000, reply)
    return c


def services(fire):
    c = base()
    c.tcp(L, D, LIP, 46000, DIP, 23, b'\r\n', b'login: ' if fire else b'', answered=fire)
    return c


def upnp(fire):
    c = base()
    action = 'AddPortMapping' if fire else 'GetExternalIPAddress'
    req = (f'POST /ctl/IPConn HTTP/1.1\r\nHost: {RIP}:5000\r\n'
           f'SOAPAction: "urn:schemas-upnp-org:service:WANIPConnection:1#{action}"\r\n\r\n').encode()
    c.tcp(D, R, DIP, 46100, RIP, 5000, req, b'HTTP/1.1 200 OK\r\n\r\n')
    return c


def reachable(fire):
    c = base()
    if fire:
        c.tcp(R, D, '52.28.9.99', 51000, DIP, 8080, b'GET / HTTP/1.1\r\n\r\n', b'HTTP/1.1 200 OK\r\n\r\n')
    else:
        c.tcp(D, R, DIP, 46200, '52.28.9.99', 8080, b'GET / HTTP/1.1\r\n\r\n', b'HTTP/1.1 200 OK\r\n\r\n')
    return c


def upload(fire):
    c = base()
    c.tcp(D, R, DIP, 46300, '47.102.97.140', 443, tls_hello('cn-v1.camera.io.mi.com'), b'\x16\x03\x03\x00\x02\x02\x00')
    for i in range(150 if fire else 5):
        c.tcp_seg(D, R, DIP, 46300, '47.102.97.140', 443, 0x18, b'\x17\x03\x03' + bytes(1400))
    return c


def tunnel(fire):
    c = base()
    rnd = random.Random(7)
    for i in range(14):
        label = ''.join(rnd.choice('abcdefghijklmnopqrstuvwxyz0123456789') for _ in range(32)) if fire \
            else f'www{i}'
        c.udp(D, R, DIP, 5500 + i, RIP, 53, dns_query(f'{label}.t.example.net', qid=i))
    return c


def bad(fire):
    c = base()
    c.udp(D, R, DIP, 5600, RIP, 53, dns_query('c2.bad.example'))
    c.udp(R, D, RIP, 53, DIP, 5600, dns_answer('c2.bad.example', '52.32.4.66'))
    c.tcp(D, R, DIP, 46400, '52.32.4.66', 443, tls_hello('c2.bad.example'), b'\x16\x03\x03\x00\x02\x02\x00')
    return c


def weak_offer(fire):
    c = base()
    cs = (0x0005, 0x0003, 0x002f) if fire else (0x1301, 0xc02f)
    c.tcp(D, R, DIP, 45500, '52.31.3.31', 443, tls_hello('weak.example.com', ciphers=cs), b'\x16\x03\x03\x00\x02\x02\x00')
    return c


def arp_sweep(fire):
    c = base()
    for i in range(30 if fire else 3):
        c.arp_request(D, DIP, f'192.168.1.{100 + i}')
    return c


def arp_storm(fire):
    c = base()
    for i in range(60 if fire else 2):
        c.arp_reply(D, DIP, 'ff:ff:ff:ff:ff:ff', DIP)
    return c


def telnet_brute(fire):
    c = base()
    for i in range(12 if fire else 2):
        c.tcp(D, R, DIP, 48100 + i, '45.33.99.7', 23, b'admin\r\n', b'Password: ')
    return c


def beacon(fire):
    c = base()
    rnd = random.Random(3)
    for i in range(10):
        c.t += 60 if fire else rnd.choice((5, 90, 400, 30, 1200))
        c.tcp(D, R, DIP, 48200 + i, '52.33.5.50', 443, tls_hello('hb.example-cloud.com'), b'\x16\x03\x03\x00\x02\x02\x00')
    return c


def quiet_uploader():
    c = base()
    c.tcp(D, R, DIP, 48300, '52.34.6.60', 443, tls_hello('up.example-cloud.com'), b'\x16\x03\x03\x00\x02\x02\x00')
    c.t += 100
    c.tcp_seg(D, R, DIP, 48300, '52.34.6.60', 443, 0x18, b'\x17\x03\x03' + bytes(1000))
    return c


def mirai(fire):
    c = base()
    for i in range(8 if fire else 1):
        c.tcp(D, R, DIP, 47000 + i, f'45.33.{10 + i}.7', 23, answered=False)
    return c


def main():
    tap = Tap()
    blocklist = os.path.join(WORK, 'block.hosts')
    with open(blocklist, 'w') as f:
        f.write('# a hosts-format blocklist\n0.0.0.0 bad.example\n0.0.0.0 other.example\n')
    emptylist = os.path.join(WORK, 'empty.hosts')
    open(emptylist, 'w').write('0.0.0.0 nothing.example\n')
    cfg_watch = os.path.join(WORK, 'watch.conf')
    open(cfg_watch, 'w').write('watch_countries = CN, RU\nupload_bytes = 100000\n')
    cfg_plain = os.path.join(WORK, 'plain.conf')
    open(cfg_plain, 'w').write('# defaults, but a small upload threshold\nupload_bytes = 100000\n')
    cases = [
        ('lan-scan', lan_scan, (), ()),
        ('port-scan', port_scan, (), ()),
        ('lan-admin', lan_admin, (), ()),
        ('arp-spoof', arp_spoof, (), ()),
        ('dns-public-resolver', dns_public, (), ()),
        ('dns-encrypted', dns_encrypted, (), ()),
        ('dns-unresolved', dns_unresolved, (), ()),
        ('cleartext-telnet', telnet, (), ()),
        ('cleartext-ftp', ftp, (), ()),
        ('cleartext-credentials', creds, (), ()),
        ('cleartext-mqtt', mqtt, (), ()),
        ('weak-tls', weak_tls, (), ()),
        ('local-protocol', local_protocol, (), ()),
        ('services', services, (), ()),
        ('upnp-portmap', upnp, (), ()),
        ('internet-reachable', reachable, (), ()),
        ('large-upload', upload, ('--config', cfg_plain), ('--config', cfg_plain)),
        ('dns-tunnel', tunnel, (), ()),
        ('blocklisted', bad, ('--blocklist', blocklist), ('--blocklist', emptylist)),
        ('mirai-telnet', mirai, (), ()),
        ('weak-tls-offer', weak_offer, (), ()),
        ('arp-sweep', arp_sweep, (), ()),
        ('arp-storm', arp_storm, (), ()),
        ('telnet-bruteforce', telnet_brute, (), ()),
        ('beacon', beacon, (), ()),
    ]
    have_geo = os.path.exists(os.path.join(ROOT, 'data', 'country.mmdb'))
    if have_geo:
        cases.append(('watched-country', upload, ('--config', cfg_watch), ('--config', cfg_plain)))
    for det, build, fire_args, calm_args in cases:
        rc, rep, err = run(build(True), *fire_args, name=det + '-fire')
        got = detectors(rep)
        tap.ok(rc == 0 and det in got, f'{det}: fires on its capture', f'rc={rc} got={sorted(got)} {err[-300:]}')
        if det in got:
            f = next(x for x in rep['findings'] if x['detector'] == det)
            tap.ok(f['title'] and f['evidence'] and f['advice'] and f['severity'] in
                   ('info', 'low', 'medium', 'high', 'critical'),
                   f'{det}: says why ({f["severity"]}: {f["title"]} | {f["evidence"][:90]})', f)
        rc, rep, err = run(build(False), *calm_args, name=det + '-calm')
        got = detectors(rep)
        tap.ok(rc == 0 and det not in got, f'{det}: quiet on the benign capture', f'rc={rc} got={sorted(got)}')
    if not have_geo:
        tap.skip('watched-country', 'IP data not installed (scripts/setup.sh)')

    # a baseline: what the calm capture did is known; a new destination is not
    rc, rep, err = run(bad(False), name='baseline')
    basefile = os.path.join(WORK, 'baseline.json')
    json.dump(rep, open(basefile, 'w'))
    rc, rep, err = run(bad(False), '--baseline', basefile, name='same')
    tap.ok('new-destination' not in detectors(rep), 'new-destination: quiet when nothing is new')
    newer = bad(False)
    newer.tcp(D, R, DIP, 48000, '52.29.1.55', 443, tls_hello('fresh.example.org'), b'\x16\x03\x03\x00\x02\x02\x00')
    rc, rep, err = run(newer, '--baseline', basefile, name='newer')
    f = [x for x in rep.get('findings', []) if x['detector'] == 'new-destination']
    tap.ok(f and 'fresh.example.org' in f[0]['evidence'], 'new-destination: fires for fresh.example.org',
           rep.get('findings'))

    # an upload far above the device's rate in the baseline
    rc, rep, err = run(quiet_uploader(), name='quiet')
    quietfile = os.path.join(WORK, 'quiet.json')
    json.dump(rep, open(quietfile, 'w'))
    rc, rep, err = run(quiet_uploader(), '--baseline', quietfile, name='quiet-again')
    tap.ok('upload-surge' not in detectors(rep), 'upload-surge: quiet at the usual rate')
    loud = quiet_uploader()
    for i in range(1000):
        loud.tcp_seg(D, R, DIP, 48300, '52.34.6.60', 443, 0x18, b'\x17\x03\x03' + bytes(1400))
    rc, rep, err = run(loud, '--baseline', quietfile, name='loud')
    f = [x for x in rep.get('findings', []) if x['detector'] == 'upload-surge']
    tap.ok(f, f'upload-surge: fires at many times the baseline rate ({f[0]["title"] if f else "-"})', rep.get('findings'))

    # worst first, and --fail-on
    rc, rep, err = run(mirai(True), name='order')
    sev = [x['severity'] for x in rep['findings']]
    order = ['critical', 'high', 'medium', 'low', 'info']
    tap.ok(sev and sev == sorted(sev, key=order.index), f'findings come worst first: {sev}')
    rc, _, _ = run(mirai(True), '--fail-on', 'critical', name='fail')
    tap.ok(rc == 4, f'--fail-on critical: exit 4 when a critical finding fires (got {rc})')
    rc, _, _ = run(telnet(False), '--fail-on', 'high', name='nofail')
    tap.ok(rc == 0, f'--fail-on high: exit 0 without such findings (got {rc})')
    # errors in the user's files are named
    badcfg = os.path.join(WORK, 'bad.conf')
    open(badcfg, 'w').write('scan_hosts = 10\nscan_hostz = 3\n')
    rc, _, err = run(mirai(True), '--config', badcfg, name='badcfg')
    tap.ok(rc == 1 and 'bad.conf:2: unknown key' in err, f'a config typo: exit 1, file and line named ({err.strip()})')
    open(badcfg, 'w').write('scan_hosts = lots\n')
    rc, _, err = run(mirai(True), '--config', badcfg, name='badcfg2')
    tap.ok(rc == 1 and "bad.conf:1: bad value 'lots' for scan_hosts" in err, f'a bad value: named ({err.strip()})')
    rc, _, err = run(mirai(True), '--fail-on', 'severe', name='badsev')
    tap.ok(rc == 1 and '--fail-on' in err, '--fail-on with an unknown severity is refused')
    rc, _, err = run(mirai(True), '--baseline', blocklist, name='badbase')
    tap.ok(rc == 1 and 'not a JSON report' in err, 'a baseline that is not a report is refused, named')
    # the shipped config file is the defaults
    rc, rep1, _ = run(lan_scan(True), '--config', os.path.join(ROOT, 'share', 'findings.conf'), name='shipped')
    rc2, rep2, _ = run(lan_scan(True), name='defaults')
    tap.ok(rc == 0 and rep1.get('findings') == rep2.get('findings'), 'share/findings.conf gives the defaults')
    tap.end()


main()
