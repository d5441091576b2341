"""The events of alfoil watch (issue 16), from a capture made here: a new
device, its learning period summed in one device-learned event, then a new
country and a new destination said one each; a new address of a known
domain is not new; the same capture fed twice says nothing again; names
with bidi overrides and controls never reach `alfoil events` raw; --json is
JSON Lines."""
import json
import os
import shutil
import sqlite3
import subprocess
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
    rc, out, _ = events(db, '--since', '2099-01-01')
    t.ok(rc == 0 and out == '', '--since after the last: nothing', out)
    rc, out, err = events(os.path.join(WORK, 'none.db'))
    t.ok(rc == 1 and 'none.db' in err, 'a database that is not there: exit 1, named', err)
    rc, out, err = events(db, '--since', 'yesterday-ish')
    t.ok(rc == 1 and '--since' in err, 'a bad --since: exit 1, named', err)
    shutil.rmtree(WORK, ignore_errors=True)
    t.end()


main()
