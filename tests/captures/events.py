"""The events of alfoil watch (issue 16), from a capture made here: a new
device, its learning period summed in one device-learned event, then a new
country and a new destination said one each; a new address of a known
domain is not new; the same capture fed twice says nothing again; names
with bidi overrides and controls never reach `alfoil events` raw; --json is
JSON Lines."""
import base64
import hashlib
import ipaddress
import json
import os
import re
import socket
import struct
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pkt import Capture, dns_answer, dns_query, tls_hello
from tap import ALFOIL, Tap
from hostile_text import HIDDEN

R, RIP = '50:c7:bf:00:00:01', '192.168.1.1'      # the router
D, DIP = '78:11:dc:00:00:02', '192.168.1.60'     # a Xiaomi device (its registry block)
WORK = tempfile.mkdtemp(prefix='alfoil-events-')
SNI = 'snimark-evil\u202egnp.exe\u202d\u2067.example.com'
HOUR = 3600.0


def tls(c, port, dst, sni):
    c.tcp(D, R, DIP, port, dst, 443, tls_hello(sni), b'\x16\x03\x03\x00\x04\x02\x00\x00\x00')


def capture():
    c = Capture()
    c.arp_reply(R, RIP, D, DIP)
    c.udp(D, R, DIP, 5000, RIP, 53, dns_query('de.api.io.mi.com'))
    c.udp(R, D, RIP, 53, DIP, 5000, dns_answer('de.api.io.mi.com', '3.120.177.22'))
    tls(c, 40001, '3.120.177.22', 'de.api.io.mi.com')
    tls(c, 40002, '93.184.216.34', SNI)
    # the first hours: the learning period (--learning 1) ends
    c.arp_reply(R, RIP, D, DIP)
    c.frames[-1] = (c.frames[-1][0] + 2 * HOUR, c.frames[-1][1])
    c.t += 2 * HOUR
    # then: the same cloud under another name and address in China (a new
    # country, not a new destination: mi.com is known), and a new one
    tls(c, 40003, '47.102.97.140', 'cn.api.io.mi.com')
    tls(c, 40004, '93.184.216.35', 'www.example.org')
    c.t += 2 * HOUR
    tls(c, 40005, '93.184.216.35', 'www.example.org')
    return c


def watch(db, pcap, *extra):
    return subprocess.run([ALFOIL, 'watch', '--config', '/dev/null', '--home-country', 'DE', '--learning', '1',
                           '-r', pcap, '--db', db, *extra], capture_output=True, text=True, timeout=300)


def events(db, *extra):
    p = subprocess.run([ALFOIL, 'events', '--db', db, *extra], capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def community_id(saddr, daddr, sport, dport, proto):
    """The Community ID v1 (seed 0) as the spec defines it, for TCP/UDP."""
    a, b = ipaddress.ip_address(saddr).packed, ipaddress.ip_address(daddr).packed
    if (a, sport) > (b, dport):
        a, b, sport, dport = b, a, dport, sport
    h = hashlib.sha1(struct.pack('!H', 0) + a + b + struct.pack('BB', proto, 0) + struct.pack('!HH', sport, dport))
    return '1:' + base64.b64encode(h.digest()).decode()


def eve_checks(t, pcap):
    """--eve FILE: a line each event said, Suricata's conventions."""
    db, eve = os.path.join(WORK, 'eve.db'), os.path.join(WORK, 'eve.json')
    p = watch(db, pcap, '--eve', eve)
    lines = open(eve, encoding='ascii').read().splitlines() if os.path.exists(eve) else []
    try:
        objs = [json.loads(l) for l in lines]
    except json.JSONDecodeError as e:
        objs = []
        t.note(f'not JSON: {e}')
    con = sqlite3.connect(db)
    n_new = con.execute("SELECT count(*) FROM events WHERE state = 'new'").fetchone()[0]
    con.close()
    t.ok(p.returncode == 0 and objs and len(objs) == n_new, f'--eve: a line per event said ({len(objs)} of {n_new})',
         p.stderr + '\n'.join(lines[:5]))
    ts = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+0000$')
    t.ok(all(ts.match(o.get('timestamp', '')) and o.get('event_type') == 'alfoil' for o in objs),
         'EVE: timestamp with microseconds and offset, event_type alfoil', lines[:3])
    o = next((x for x in objs if x.get('alfoil', {}).get('type') == 'new-destination' and
              x['alfoil'].get('subject') == 'example.org'), {})
    want = community_id(DIP, '93.184.216.35', 40004, 443, 6)
    t.ok(o.get('src_ip') == DIP and o.get('src_port') == 40004 and o.get('dest_ip') == '93.184.216.35' and
         o.get('dest_port') == 443 and o.get('proto') == 'TCP',
         'EVE: the flow that made the destination: src_ip, src_port, dest_ip, dest_port, proto', o)
    t.ok(o.get('community_id') == want, f'EVE: its community_id is the spec\'s ({want})', o)
    d = next((x for x in objs if x.get('alfoil', {}).get('type') == 'new-device'), {})
    t.ok('src_ip' not in d and d.get('alfoil', {}).get('device', {}).get('mac') and d['alfoil'].get('advice'),
         'EVE: an event without a flow has no flow fields; device and advice under alfoil', d)
    # the SNI with bidi overrides (said at once without learning): cleaned
    # where it entered, escaped by jansson where it leaves
    eve3 = os.path.join(WORK, 'eve-hostile.json')
    p = watch(os.path.join(WORK, 'eve3.db'), pcap, '--eve', eve3, '--learning', '0')
    raw = open(eve3, 'rb').read() if os.path.exists(eve3) else b''
    t.ok(p.returncode == 0 and b'snimark' in raw and raw.isascii() and
         not any(c < 0x20 and c != 0x0a for c in raw),
         'EVE: a name from a packet with bidi overrides arrives made safe (ASCII only, no control)', raw[:300])
    eve2 = os.path.join(WORK, 'eve-medium.json')
    p = watch(os.path.join(WORK, 'eve2.db'), pcap, '--eve', eve2, '--eve-severity', 'medium')
    sev = [json.loads(l)['alfoil']['severity'] for l in open(eve2)] if os.path.exists(eve2) else []
    t.ok(p.returncode == 0 and sev and set(sev) <= {'medium', 'high'},
         f'--eve-severity medium: only those ({len(sev)} lines: {sorted(set(sev))})', p.stderr)


def syslog_checks(t, pcap):
    """--syslog through syslog(3): /dev/log is a socket of the test's, in a
    mount namespace of its own (nothing of the host's /dev changes)."""
    if os.geteuid() != 0 or not shutil.which('unshare'):
        t.skip('--syslog: the events reach syslog(3)', 'needs root and unshare (a mount namespace for /dev/log)')
        return
    sock = os.path.join(WORK, 'log.sock')
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    srv.bind(sock)
    dev = os.path.join(WORK, 'dev')
    os.mkdir(dev)
    db = os.path.join(WORK, 'syslog.db')
    script = (f'mount -t tmpfs tmpfs {dev} && for n in null zero urandom random; do touch {dev}/$n && '
              f'mount --bind /dev/$n {dev}/$n || exit 1; done && touch {dev}/log && mount --bind {sock} {dev}/log && '
              f'mount --rbind {dev} /dev && exec "$@"')
    p = subprocess.run(['unshare', '-m', '--propagation', 'private', 'sh', '-c', script, 'sh', ALFOIL, 'watch',
                        '--config', '/dev/null', '--home-country', 'DE', '--learning', '1', '--syslog',
                        '--syslog-severity', 'medium', '-r', pcap, '--db', db],
                       capture_output=True, text=True, timeout=300)
    srv.setblocking(False)
    msgs = []
    while True:
        try:
            msgs.append(srv.recv(65536).decode('utf-8', 'replace'))
        except BlockingIOError:
            break
    srv.close()
    t.note('syslog: ' + repr(msgs[:4]))
    t.ok(p.returncode == 0 and any('new-country' in m and 'severity=medium' in m and 'subject=CN' in m for m in msgs),
         '--syslog: the medium events reach syslog(3) (new-country CN)', p.stderr + repr(msgs))
    t.ok(msgs and not any('severity=low' in m or 'severity=info' in m for m in msgs),
         '--syslog-severity medium: none below', repr(msgs))
    t.ok(all(m.startswith('<28>') for m in msgs if 'severity=medium' in m),
         'facility daemon, priority warning for medium (<28>)', repr(msgs[:2]))


def mute_ack_checks(t, pcap):
    """alfoil mute before the events come, alfoil events ack after."""
    part = os.path.join(WORK, 'part.pcap')
    c = Capture()
    c.arp_reply(R, RIP, D, DIP)
    c.write(part)
    db, eve = os.path.join(WORK, 'mute.db'), os.path.join(WORK, 'mute.json')
    p = watch(db, part, '--learning', '0')
    m = subprocess.run([ALFOIL, 'mute', '--db', db, D, 'new-country', 'CN'], capture_output=True, text=True)
    t.ok(p.returncode == 0 and m.returncode == 0, 'alfoil mute MAC new-country CN: exit 0', p.stderr + m.stderr)
    p = watch(db, pcap, '--learning', '0', '--eve', eve)
    con = sqlite3.connect(db)
    st = dict(((k, s), st) for k, s, st in con.execute('SELECT kind, subject, state FROM events WHERE device = ?', (D,)))
    con.close()
    t.ok(st.get(('new-country', 'CN')) == 'muted' and st.get(('new-country', 'DE')) == 'new',
         'the muted one is kept as muted, the others said', st)
    lines = open(eve).read() if os.path.exists(eve) else ''
    t.ok('"CN"' not in lines and '"DE"' in lines, 'and it is not in the EVE file', lines[:300])
    rc, out, _ = events(db)
    t.ok(' CN' not in out and ' DE' in out, 'nor in alfoil events', out)
    rc, out, _ = events(db, '--all')
    t.ok('[muted]' in out, 'alfoil events --all: there, marked muted', out)
    m = subprocess.run([ALFOIL, 'mute', '--db', db, '--list'], capture_output=True, text=True)
    t.ok(m.returncode == 0 and D in m.stdout and 'new-country' in m.stdout and 'CN' in m.stdout,
         'alfoil mute --list', m.stdout + m.stderr)
    m = subprocess.run([ALFOIL, 'mute', '--db', db, D, 'new-nonsense'], capture_output=True, text=True)
    t.ok(m.returncode == 1 and 'new-nonsense' in m.stderr, 'a kind that is none: exit 1, named', m.stderr)
    m = subprocess.run([ALFOIL, 'mute', '--db', db, '--remove', D, 'new-country', 'CN'], capture_output=True, text=True)
    m2 = subprocess.run([ALFOIL, 'mute', '--db', db, '--remove', D, 'new-country', 'CN'], capture_output=True,
                        text=True)
    t.ok(m.returncode == 0 and m2.returncode == 1, '--remove: once, then there is none (exit 1)', m2.stderr)
    # ack
    rc, js, _ = events(db, '--json')
    ids = [json.loads(l)['id'] for l in js.splitlines() if json.loads(l)['subject'] == 'DE']
    a = subprocess.run([ALFOIL, 'events', '--db', db, 'ack', str(ids[0]) if ids else '0'], capture_output=True,
                       text=True)
    rc, out, _ = events(db)
    t.ok(ids and a.returncode == 0 and not any('new-country' in l and l.endswith('  DE') for l in out.splitlines()),
         f'alfoil events ack {ids[:1]}: no longer listed', a.stderr + out)
    a = subprocess.run([ALFOIL, 'events', '--db', db, 'ack', str(ids[0]) if ids else '0'], capture_output=True,
                       text=True)
    t.ok(a.returncode == 1 and 'acked already' in a.stderr, 'acknowledged twice: exit 1, said', a.stderr)
    a = subprocess.run([ALFOIL, 'events', '--db', db, 'ack', '12x'], capture_output=True, text=True)
    t.ok(a.returncode == 1 and '12x' in a.stderr, 'ack of what is not an id: exit 1, named', a.stderr)


class Hook(BaseHTTPRequestHandler):
    got = []

    def do_POST(self):
        n = int(self.headers.get('Content-Length', 0))
        Hook.got.append((self.path, dict(self.headers), self.rfile.read(n)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *a):
        pass


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def webhook_checks(t, pcap):
    """--webhook to a server on loopback that is down at first: the events
    of medium and worse arrive, each once, after the retries."""
    port = free_port()
    db = os.path.join(WORK, 'hook.db')
    Hook.got = []
    w = subprocess.Popen([ALFOIL, 'watch', '--config', '/dev/null', '--home-country', 'DE', '--learning', '1',
                          '-r', pcap, '--db', db, '--webhook', f'http://127.0.0.1:{port}/hook'],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    srv = HTTPServer(('127.0.0.1', port), Hook)
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    out, err = w.communicate(timeout=60)
    con = sqlite3.connect(db)
    want = sorted(i for (i,) in con.execute("SELECT id FROM events WHERE state = 'new' AND severity IN ('medium',"
                                            " 'high', 'critical')"))
    con.close()
    got = []
    for path, hdr, body in Hook.got:
        try:
            got.append(json.loads(body))
        except json.JSONDecodeError:
            got.append({'bad': body[:80]})
    ids = sorted(o.get('id', -1) for o in got)
    t.ok(w.returncode == 0 and want and ids == want,
         f'--webhook: the events of medium and worse, each once ({ids} of {want}), the server down at first', err)
    t.ok('tries failed so far' in err and 'sent again after' in err, 'the failures logged, and the recovery', err)
    o = next((x for x in got if x.get('type') == 'new-country'), {})
    t.ok(o.get('subject') == 'CN' and o.get('device', {}).get('mac') == D and o.get('advice') and
         all(p == '/hook' and h.get('Content-Type') == 'application/json' for p, h, _ in Hook.got),
         'the POSTs: JSON, the object of alfoil events --json', o)
    # ntfy and gotify, the server up
    for fmt in ('ntfy', 'gotify'):
        Hook.got = []
        db2 = os.path.join(WORK, f'hook-{fmt}.db')
        p = subprocess.run([ALFOIL, 'watch', '--config', '/dev/null', '--home-country', 'DE', '--learning', '1',
                            '-r', pcap, '--db', db2, '--webhook', f'http://127.0.0.1:{port}/t',
                            '--webhook-format', fmt], capture_output=True, text=True, timeout=60)
        cn = [(h, b) for _, h, b in Hook.got if b'advice' not in b and (b'CN' in b or 'CN' in h.get('Title', ''))]
        if fmt == 'ntfy':
            ok = cn and cn[0][0].get('Title') == 'alfoil: new-country CN' and cn[0][0].get('Priority') == '4' and \
                cn[0][1].decode().startswith('192.168.1.60')
        else:
            g = json.loads(cn[0][1]) if cn else {}
            ok = g.get('title') == 'alfoil: new-country CN' and g.get('priority') == 6 and D in g.get('message', '')
        t.ok(p.returncode == 0 and len(Hook.got) == len(want) and ok,
             f'--webhook-format {fmt}: title, priority and message', repr(Hook.got[:3]))
    srv.shutdown()
    srv.server_close()


def lifecycle_checks(t):
    """A capture of its own for what comes with time: a finding opened then
    cleared (a DNS server on the internet, --resolve-after 1 h), the device
    back after --back-after 1 day while the router kept the steps going,
    and what its MUD profile (learnt from the first hour) does not allow."""
    first, whole = os.path.join(WORK, 'life-1.pcap'), os.path.join(WORK, 'life.pcap')
    c = Capture()
    c.arp_reply(R, RIP, D, DIP)
    tls(c, 41001, '3.120.177.22', 'de.api.io.mi.com')
    c.udp(D, R, DIP, 5354, '8.8.8.8', 53, dns_query('example.com'))
    c.udp(R, D, '8.8.8.8', 53, DIP, 5354, dns_answer('example.com', '93.184.216.34'))
    c.write(first)
    for _ in range(6):          # 30 hours: the router only, every 5 hours
        c.t += 5 * HOUR
        c.arp_request(R, RIP, '192.168.1.77')
    c.t += HOUR
    tls(c, 41002, '3.120.177.22', 'de.api.io.mi.com')   # the device is back
    tls(c, 41003, '47.102.97.140', 'cn.api.io.mi.com')  # and does what its profile does not allow
    c.t += 2 * HOUR
    c.arp_request(R, RIP, '192.168.1.77')
    c.write(whole)
    prof = os.path.join(WORK, 'profiles')
    p = subprocess.run([ALFOIL, 'profile', 'learn', '-o', prof, first], capture_output=True, text=True, timeout=60)
    t.ok(p.returncode == 0, 'a MUD profile learnt from the first hour', p.stderr)
    db = os.path.join(WORK, 'life.db')
    p = subprocess.run([ALFOIL, 'watch', '--config', '/dev/null', '--home-country', 'DE', '--learning', '0',
                        '--resolve-after', '1', '--back-after', '1', '--profiles', prof, '-r', whole, '--db', db],
                       capture_output=True, text=True, timeout=120)
    con = sqlite3.connect(db)
    ev = con.execute("SELECT kind, subject, severity FROM events WHERE device = ? AND state = 'new'", (D,)).fetchall()
    con.close()
    t.note('lifecycle: ' + repr(ev))
    kinds = {k for k, _, _ in ev}
    t.ok(p.returncode == 0 and any(k == 'finding-opened' and s.startswith('dns-') for k, s, _ in ev),
         'finding-opened: the DNS server on the internet', p.stderr[-500:])
    t.ok(any(k == 'finding-cleared' and s.startswith('dns-') for k, s, _ in ev),
         'finding-cleared: not found again for --resolve-after', ev)
    t.ok('device-back' in kinds, 'device-back: seen again after --back-after while the router kept the steps', ev)
    t.ok(any(k == 'profile-deviation' and sev == 'medium' for k, _, sev in ev),
         'profile-deviation: what the profile learnt from the first hour does not allow', ev)


def frames_bytes(frames):
    return b''.join(struct.pack('<IIII', int(t), int((t % 1) * 1e6), len(b), len(b)) + b for t, b in frames)


def sighup_checks(t):
    """--eve FILE opened again on SIGHUP (logrotate): watch reads a FIFO;
    the file is moved away after the first events, SIGHUP, and the events
    after go to a new FILE."""
    fifo, eve, db = os.path.join(WORK, 'cap.fifo'), os.path.join(WORK, 'rot.json'), os.path.join(WORK, 'rot.db')
    os.mkfifo(fifo)
    w = subprocess.Popen([ALFOIL, 'watch', '--config', '/dev/null', '--home-country', 'DE', '--learning', '0',
                          '--commit-interval', '1', '-r', fifo, '--db', db, '--eve', eve],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    c = Capture()
    c.arp_reply(R, RIP, D, DIP)
    c.t += 5
    c.arp_request(R, RIP, DIP)
    c.t += 5
    c.arp_request(R, RIP, DIP)
    first = len(c.frames)
    X = '00:17:88:00:00:09'
    c.t += 5
    c.arp_reply(X, '192.168.1.99', R, RIP)
    c.t += 5
    c.arp_request(R, RIP, DIP)
    c.t += 5
    c.arp_request(R, RIP, DIP)
    with open(fifo, 'wb', buffering=0) as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1) + frames_bytes(c.frames[:first]))
        for _ in range(100):
            if os.path.exists(eve) and os.path.getsize(eve) > 0:
                break
            time.sleep(0.1)
        before = open(eve).read() if os.path.exists(eve) else ''
        os.rename(eve, eve + '.1')
        w.send_signal(signal.SIGHUP)
        time.sleep(1)
        f.write(frames_bytes(c.frames[first:]))
    out, err = w.communicate(timeout=60)
    after = open(eve).read() if os.path.exists(eve) else ''
    old = open(eve + '.1').read()
    t.ok(w.returncode == 0 and R in before and X not in old and X in after and R not in after,
         'SIGHUP: --eve opened again, a new file gets what came after the move', err[-800:] + '\n' + after[:300])


def main():
    t = Tap()
    pcap = os.path.join(WORK, 'events.pcap')
    capture().write(pcap)
    db = os.path.join(WORK, 'e.db')
    p = watch(db, pcap)
    t.ok(p.returncode == 0, 'watch -r of the events capture: exit 0', p.stderr)
    con = sqlite3.connect(db)
    rows = con.execute('SELECT kind, subject, state, count, device FROM events ORDER BY id').fetchall()
    said = [(k, s) for k, s, st, _, dev in rows if st == 'new' and dev == D]
    t.note('events: ' + repr(rows))
    t.ok(('new-device', '') in said, 'a new-device event for the device', rows)
    learned = con.execute("SELECT record FROM events WHERE kind = 'device-learned' AND device = ?", (D,)).fetchall()
    t.ok(len(learned) == 1, 'one device-learned event at the end of its learning period', rows)
    ev = json.loads(learned[0][0]) if learned else {}
    t.ok(ev.get('new-destination', {}).get('count') == 2 and 'mi.com' in ev['new-destination']['subjects'],
         "it sums what the first hour found: 2 destinations, mi.com among them", ev)
    t.ok(('new-country', 'CN') in said, 'after it: a new country (CN) said on its own', said)
    t.ok(('new-destination', 'example.org') in said, 'and a new destination (example.org)', said)
    t.ok(('new-destination', 'mi.com') not in said,
         'a new name and address of a known domain is not a new destination', said)
    again = [c for k, s, st, c, dev in rows if k == 'new-destination' and s == 'example.org']
    t.ok(again == [1], 'example.org: one event, counted once (its second connection is the same destination)', rows)
    learning = [(k, s) for k, s, st, _, dev in rows if st == 'learning']
    t.ok(('new-country', 'DE') in learning and ('new-company', 'Xiaomi') in learning,
         'the first hour: kept as learnt (DE, Xiaomi), not said one by one', learning)
    total = con.execute('SELECT count(*), sum(count) FROM events').fetchone()
    con.close()

    # the same capture again: nothing new, nothing counted twice
    p = watch(db, pcap)
    con = sqlite3.connect(db)
    total2 = con.execute('SELECT count(*), sum(count) FROM events').fetchone()
    con.close()
    t.ok(p.returncode == 0 and total2 == total, f'the same capture fed twice: the same events {total} -> {total2}',
         p.stderr)

    # alfoil events: text, safe to show
    rc, out, err = events(db)
    t.ok(rc == 0, 'alfoil events: exit 0', err)
    lines = [l for l in out.splitlines() if not l.startswith('    ')]
    t.ok(len(lines) == len(said) + sum(1 for k, s, st, _, dev in rows if st == 'new' and dev != D),
         f'one line an event said ({len(lines)}), none of the learnt ones', out)
    t.ok(any('new-country' in l and ' CN' in l and 'medium' in l for l in lines),
         'the new country abroad is medium', out)
    t.ok(any(l.startswith('    advice: ') for l in out.splitlines()), 'each with its advice', out)
    rc, out_all, _ = events(db, '--all')
    bad = sorted({'U+%04X' % ord(ch) for ch in out_all if ch in HIDDEN or (ord(ch) < 0x20 and ch not in '\n\t')})
    t.ok(not bad and 'snimark' in out_all, 'the SNI with bidi overrides is shown made safe (--all)', bad)
    t.ok(rc == 0 and '[learning]' in out_all and out_all.count('\n') > out.count('\n'),
         '--all: the learnt ones too, marked', out_all)

    # JSON Lines
    rc, js, err = events(db, '--json', '--all')
    objs = []
    try:
        objs = [json.loads(l) for l in js.splitlines()]
        parsed = True
    except json.JSONDecodeError as e:
        parsed = str(e)
    t.ok(rc == 0 and parsed is True and len(objs) == total[0], f'--json: {len(objs)} objects, a line each', js[:500])
    t.ok(all(js.isascii() for js in js.splitlines()), '--json: ASCII only (escaped)', '')
    o = next((x for x in objs if x['type'] == 'new-country' and x['subject'] == 'CN'), {})
    t.ok(o.get('device', {}).get('mac') == D and o.get('evidence', {}).get('address') == '47.102.97.140' and
         o.get('severity') == 'medium' and o.get('time', '').endswith('Z') and o.get('advice'),
         '--json: time, type, severity, device mac, evidence, advice', o)

    # filters and errors
    rc, out, _ = events(db, '--device', R)
    t.ok(rc == 0 and D not in out and out.count('new-device') == 1, '--device: that device only', out)
    rc, out2, _ = events(db, '--device', R.upper().replace(':', '-'))
    t.ok(rc == 0 and out2 == out, '--device in capitals and dashes: the same device (as report takes it)', out2)
    rc, _, err = events(db, '--device', 'not-a-mac')
    t.ok(rc == 1 and 'not-a-mac' in err, '--device that is no MAC or address: exit 1, named', err)
    rc, out, _ = events(db, '--since', '2099-01-01')
    t.ok(rc == 0 and out == '', '--since after the last: nothing', out)
    rc, out, err = events(os.path.join(WORK, 'none.db'))
    t.ok(rc == 1 and 'none.db' in err, 'a database that is not there: exit 1, named', err)
    rc, out, err = events(db, '--since', 'yesterday-ish')
    t.ok(rc == 1 and '--since' in err, 'a bad --since: exit 1, named', err)
    eve_checks(t, pcap)
    syslog_checks(t, pcap)
    mute_ack_checks(t, pcap)
    webhook_checks(t, pcap)
    lifecycle_checks(t)
    sighup_checks(t)
    shutil.rmtree(WORK, ignore_errors=True)
    t.end()


# the work directory goes on every way out (a check that raised, too)
try:
    main()
finally:
    shutil.rmtree(WORK, ignore_errors=True)
