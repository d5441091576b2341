"""alfoil profile learn/check on the bundled example: every MUD file has the
RFC 8520 structure (checked here field by field), learn -> write -> read ->
check gives no deviation on the capture it was learnt from, a removed rule
shows up as a deviation (exit 4), and invalid MUD files are refused with the
JSON path of the problem."""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import ALFOIL, ROOT, Tap
import pkt

EXAMPLE = os.path.join(ROOT, 'examples', 'home.pcap')


def mud_problems(doc):
    """A structural check of RFC 8520 (ietf-mud) + RFC 8519 (ietf-access-control-list)."""
    p = []
    mud = doc.get('ietf-mud:mud')
    if not isinstance(mud, dict):
        return ['no ietf-mud:mud container']
    if mud.get('mud-version') != 1:
        p.append('mud-version is not 1')
    for k in ('mud-url', 'last-update', 'systeminfo'):
        if not isinstance(mud.get(k), str):
            p.append(f'{k} missing')
    if not re.match(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$', mud.get('last-update', '')):
        p.append('last-update is not a date-and-time')
    if not isinstance(mud.get('cache-validity'), int) or not 1 <= mud['cache-validity'] <= 168:
        p.append('cache-validity not 1..168 hours')
    acls = doc.get('ietf-access-control-list:acls', {}).get('acl')
    if not isinstance(acls, list):
        return p + ['no acls.acl list']
    names = {a.get('name'): a for a in acls}
    for pol in ('from-device-policy', 'to-device-policy'):
        for ref in mud.get(pol, {}).get('access-lists', {}).get('access-list', []):
            if ref.get('name') not in names:
                p.append(f'{pol} names a missing ACL {ref.get("name")}')
    for a in acls:
        if a.get('type') not in ('ipv4-acl-type', 'ipv6-acl-type'):
            p.append(f'acl {a.get("name")}: bad type')
        for e in a.get('aces', {}).get('ace', []):
            if not e.get('name') or e.get('actions', {}).get('forwarding') not in ('accept', 'drop', 'reject'):
                p.append(f'ace in {a.get("name")} lacks name or forwarding')
            m = e.get('matches', {})
            fam = 'ipv6' if a.get('type') == 'ipv6-acl-type' else 'ipv4'
            for k in m:
                if k not in (fam, 'tcp', 'udp', 'ietf-mud:mud'):
                    p.append(f'ace {e.get("name")}: unexpected match {k}')
            ip = m.get(fam, {})
            for k in ip:
                if k not in ('protocol', 'ietf-acldns:dst-dnsname', 'ietf-acldns:src-dnsname',
                             'destination-ipv4-network', 'source-ipv4-network',
                             'destination-ipv6-network', 'source-ipv6-network'):
                    p.append(f'ace {e.get("name")}: unexpected {fam} field {k}')
            for l4 in ('tcp', 'udp'):
                for k, v in m.get(l4, {}).items():
                    if k in ('source-port', 'destination-port'):
                        if 'lower-port' in v:  # RFC 8519 port-range
                            if set(v) != {'lower-port', 'upper-port'} or \
                                    not 0 <= v['lower-port'] <= v.get('upper-port', -1) <= 65535:
                                p.append(f'ace {e.get("name")}: bad {k} range')
                        elif v.get('operator') != 'eq' or not 0 <= v.get('port', -1) <= 65535:
                            p.append(f'ace {e.get("name")}: bad {k}')
                    elif k != 'ietf-mud:direction-initiated' or v not in ('from-device', 'to-device'):
                        p.append(f'ace {e.get("name")}: unexpected {l4} field {k}')
    return p


def run(*args):
    return subprocess.run([ALFOIL, 'profile', *args], capture_output=True, text=True, timeout=120)


CAM, PHONE, ROUTER = '74:da:38:00:00:01', 'a4:5e:60:00:00:02', '00:11:22:00:00:03'


def fold_and_foreign(tap, work):
    """Answers to a phone app's temporary ports fold into one range; MUD
    files in other tools' style (MUDgee: the draft's access-lists container,
    controller and same-manufacturer classes, prefixes, port ranges) are read;
    names and prefixes that would reach nft or DNS configuration are checked."""
    c = pkt.Capture()
    for i, port in enumerate((40211, 51734, 38790, 60122, 45001)):  # the app's ports, one per session
        c.udp(CAM, 'ff:ff:ff:ff:ff:ff', '192.168.1.20', 8600, '255.255.255.255', port, b'\x01' * 40)
    c.udp(CAM, '01:00:5e:7f:ff:fa', '192.168.1.20', 40000, '239.255.255.250', 1900,
          b'NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNT: upnp:rootdevice\r\n\r\n')
    c.tcp(CAM, ROUTER, '192.168.1.20', 40100, '52.28.0.80', 443)
    cap = os.path.join(work, 'cam.pcap')
    c.write(cap)
    out = os.path.join(work, 'fold')
    r = run('learn', '--device', CAM, '-o', out, cap)
    summary = open(os.path.join(out, CAM.replace(':', '-') + '.txt')).read() if r.returncode == 0 else ''
    tap.ok('to the local network udp/1024-65535' in summary and 'udp/40211' not in summary and
           'udp/1900' in summary, 'five answers to temporary ports: one range rule; SSDP kept on its own', summary)
    doc = json.load(open(os.path.join(out, CAM.replace(':', '-') + '.json'))) if summary else {}
    text = json.dumps(doc)
    tap.ok('"lower-port": 1024, "upper-port": 65535' in text and not mud_problems(doc),
           'the range is written as an RFC 8519 port-range', mud_problems(doc))
    r = run('check', '--profiles', out, cap)
    tap.ok(r.returncode == 0 and '0 deviations' in r.stdout, 'the folded profile allows its own capture',
           r.stdout + r.stderr)

    # tests/data/mud/mudgee-style.json, a profile in MUDgee's style written by
    # hand: the ACLs under "ietf-access-control-list:access-lists", DNS by the
    # well-known controller, a same-manufacturer peer, the cloud as a /24 (an
    # AWS block; nothing is sent, the capture is built here), SSDP by range
    foreign = os.path.join(work, 'foreign')
    os.makedirs(foreign)
    mud = json.load(open(os.path.join(ROOT, 'tests', 'data', 'mud', 'mudgee-style.json')))
    json.dump(mud, open(os.path.join(foreign, CAM.replace(':', '-') + '.json'), 'w'))
    r = run('check', '--profiles', foreign, cap)
    tap.ok(r.returncode == 0 and '1 device checked against 1 profile: 0 deviations' in r.stdout,
           "a MUDgee-style file (draft container name, classes, /24, gte, range) is read and allows the capture",
           r.stdout + r.stderr)
    mud['ietf-access-control-list:access-lists']['acl'][0]['aces']['ace'][1]['matches']['ipv4'][
        'destination-ipv4-network'] = '198.51.100.0/24'
    json.dump(mud, open(os.path.join(foreign, CAM.replace(':', '-') + '.json'), 'w'))
    r = run('check', '--profiles', foreign, cap)
    tap.ok(r.returncode == 4 and '52.28.0.80' in r.stdout and '1 deviation' in r.stdout,
           'outside the prefix: a deviation', r.stdout)
    for field, value, want in (
            ('destination-ipv4-network', '52.28.0.0/33', 'destination-ipv4-network: not an IPv4 prefix'),
            ('destination-ipv4-network', '2001:db8::/32', 'destination-ipv4-network: not an IPv4 prefix'),
            ('ietf-acldns:dst-dnsname', 'evil.example"; flush ruleset', 'dst-dnsname: not a domain name')):
        m = json.loads(json.dumps(mud))
        ip = m['ietf-access-control-list:access-lists']['acl'][0]['aces']['ace'][1]['matches']['ipv4']
        ip.pop('destination-ipv4-network')
        ip[field] = value
        json.dump(m, open(os.path.join(foreign, CAM.replace(':', '-') + '.json'), 'w'))
        r = run('check', '--profiles', foreign, cap)
        tap.ok(r.returncode == 1 and 'access-lists.acl[0].aces.ace[1].matches.ipv4.' in r.stderr and want in r.stderr,
               f'refused: {value!r} ({r.stderr.strip()[-90:]})', r.stderr)
    m = json.loads(json.dumps(mud))
    m['ietf-access-control-list:access-lists']['acl'][0]['aces']['ace'][2]['matches']['udp']['destination-port'] = \
        {'operator': 'neq', 'port': 80}
    json.dump(m, open(os.path.join(foreign, CAM.replace(':', '-') + '.json'), 'w'))
    r = run('check', '--profiles', foreign, cap)
    tap.ok(r.returncode == 1 and 'ace[2].matches.udp.destination-port.operator' in r.stderr,
           'an operator alfoil cannot enforce (neq) is refused by path', r.stderr)


def main():
    tap = Tap()
    work = tempfile.mkdtemp(prefix='alfoil-profile-')
    out = os.path.join(work, 'profiles')
    r = run('learn', '-o', out, EXAMPLE)
    files = sorted(glob.glob(os.path.join(out, '*.json')))
    tap.ok(r.returncode == 0 and len(files) == 6, f'learn: one MUD file per device but the router ({len(files)})', r.stderr)
    problems = {os.path.basename(f): mud_problems(json.load(open(f))) for f in files}
    tap.ok(files and not any(problems.values()), 'every file has the RFC 8520 / 8519 structure', problems)
    bulb = json.load(open(os.path.join(out, 'f8-24-41-c2-8e-17.json')))
    text = json.dumps(bulb)
    tap.ok('"ietf-acldns:dst-dnsname": "de.ot.io.mi.com"' in text and '"local-networks"' in text,
           "the bulb's profile names its cloud by domain and its LAN peers as local-networks")
    summary = open(os.path.join(out, 'f8-24-41-c2-8e-17.txt')).read()
    tap.ok('from the local network tcp/55443' in summary and 'to de.ot.io.mi.com tcp/443' in summary,
           'the summary reads like what the bulb does', summary)
    r = run('check', '--profiles', out, EXAMPLE)
    tap.ok(r.returncode == 0 and '6 devices checked against 6 profiles: 0 deviations' in r.stdout,
           'round trip: learn, write, read, check on the same capture: no deviation', r.stdout + r.stderr)
    # take the camera's upload destination out of its profile
    cam = os.path.join(out, '94-f8-27-6d-12-c9.json')
    doc = json.load(open(cam))
    for acl in doc['ietf-access-control-list:acls']['acl']:
        acl['aces']['ace'] = [e for e in acl['aces']['ace'] if 'cn-v1.camera.io.mi.com' not in json.dumps(e)]
    json.dump(doc, open(cam, 'w'))
    r = run('check', '--profiles', out, EXAMPLE)
    tap.ok(r.returncode == 4 and 'cn-v1.camera.io.mi.com' in r.stdout and '1 deviation' in r.stdout,
           'a destination the profile does not allow is reported, exit 4', r.stdout)
    # the same deviation as a finding of alfoil inspect
    os.remove(os.path.join(out, '5e-a1-3c-77-09-d4.json'))  # the phone: no profile
    rep = os.path.join(work, 'with-profiles.json')
    r = subprocess.run([ALFOIL, 'inspect', '--json', '-q', '--no-progress', '--profiles', out, '--fail-on', 'medium',
                        '-o', rep, EXAMPLE], capture_output=True, text=True, timeout=120)
    fs = json.load(open(rep)).get('findings', []) if os.path.exists(rep) else []
    dev = [f for f in fs if f.get('detector') == 'profile-deviation']
    tap.ok(r.returncode == 4 and len(dev) == 1 and 'cn-v1.camera.io.mi.com' in json.dumps(dev[0]) and
           dev[0].get('severity') == 'medium',
           'inspect --profiles: the deviation is a medium finding of the camera; --fail-on medium exits 4',
           r.stderr + json.dumps(dev))
    miss = [f for f in fs if f.get('detector') == 'profile-missing']
    tap.ok(len(miss) == 1 and '5e:a1:3c:77:09:d4' in json.dumps(miss[0]),
           'the device without a profile is named (info)', json.dumps(miss))
    # invalid MUD files are refused, naming the JSON path
    bad = os.path.join(work, 'bad')
    os.makedirs(bad)
    cases = [
        (lambda d: d['ietf-mud:mud'].pop('mud-url'), 'ietf-mud:mud.mud-url: missing'),
        (lambda d: d['ietf-mud:mud'].__setitem__('mud-version', 2), 'ietf-mud:mud.mud-version: must be 1'),
        (lambda d: d['ietf-mud:mud']['from-device-policy']['access-lists']['access-list'][0].__setitem__('name', 'nope'),
         'from-device-policy.access-lists.access-list[0].name: names no ACL'),
        (lambda d: d['ietf-access-control-list:acls']['acl'][0]['aces']['ace'][0]['matches']['tcp']
         ['destination-port'].__setitem__('port', 70000),
         'acls.acl[0].aces.ace[0].matches.tcp.destination-port.port: not a port number'),
        (lambda d: d['ietf-access-control-list:acls']['acl'][0]['aces']['ace'][0].pop('actions'),
         'acls.acl[0].aces.ace[0]: actions.forwarding'),
    ]
    for mutate, want in cases:
        d = json.load(open(os.path.join(out, 'f8-24-41-c2-8e-17.json')))
        mutate(d)
        json.dump(d, open(os.path.join(bad, 'f8-24-41-c2-8e-17.json'), 'w'))
        r = run('check', '--profiles', bad, EXAMPLE)
        tap.ok(r.returncode == 1 and want in r.stderr and 'f8-24-41-c2-8e-17.json' in r.stderr,
               f'invalid MUD refused: {r.stderr.strip()[:150]}', r.stderr)
    r = run('learn', EXAMPLE)
    tap.ok(r.returncode == 1 and '-o DIR' in r.stderr, 'learn without -o: a clear error')

    fold_and_foreign(tap, work)

    # enforce, dry run: policies by MAC, by kind and by default; blocklists
    fresh = os.path.join(work, 'fresh')
    run('learn', '-o', fresh, EXAMPLE)
    report = os.path.join(work, 'home.json')
    subprocess.run([ALFOIL, 'inspect', '--json', '-q', '--no-progress', '-o', report, EXAMPLE], check=True)
    pol = os.path.join(work, 'policies')
    open(pol, 'w').write('# cameras may not go out; the phone is watched only\n'
                         'kind:camera = local-only\nkind:phone = allow\n68:c6:3a:3a:1f:2b = quarantine\n')

    def enforce(*a):
        return subprocess.run([ALFOIL, 'enforce', '--profiles', fresh, '--policies', pol, '--report', report, *a],
                              capture_output=True, text=True, timeout=60)
    r = enforce()
    nft = r.stdout
    lines = [l for l in nft.splitlines() if l.startswith(('table', 'delete'))]
    tap.ok(r.returncode == 0 and lines == ['table inet alfoil', 'delete table inet alfoil', 'table inet alfoil {'],
           'the ruleset is one table of its own, created, deleted and filled in one file (atomic)', r.stderr)
    tap.ok('ether saddr 94:f8:27:6d:12:c9 jump d94f8276d12c9  # local-only' in nft,
           'the camera is local-only by its kind')
    tap.ok('5e:a1:3c:77:09:d4' not in nft.split('chain forward')[1].split('}')[0], 'the phone (kind phone = allow) is not held')
    tap.ok('ether saddr 68:c6:3a:3a:1f:2b jump d68c63a3a1f2b  # quarantine' in nft and
           'ether saddr 68:c6:3a:3a:1f:2b udp dport { 53, 67, 547 } accept' in nft,
           'the plug by its MAC: quarantined, DHCP (and DHCPv6) and DNS to the router only')
    tap.ok('elements = { 3.120.177.22' in nft or '3.120.177.22' in nft,
           "the bulb's cloud domain became the addresses alfoil saw it resolve to")
    h = enforce('--hosts')
    tap.ok(h.returncode == 0 and '0.0.0.0 cn-v1.camera.io.mi.com' in h.stdout and 'de.ot.io.mi.com' not in h.stdout,
           'hosts blocklist: the camera\'s clouds (local-only), not the bulb\'s allowed cloud', h.stdout)
    d = enforce('--dnsmasq')
    tap.ok('address=/cn-v1.camera.io.mi.com/0.0.0.0' in d.stdout, 'dnsmasq format')
    u = enforce('--unbound')
    tap.ok('local-zone: "cn-v1.camera.io.mi.com." always_nxdomain' in u.stdout, 'unbound format')
    # enforce on the captures directly (the engine's records) writes what
    # it writes from the saved report of the same captures, every back end
    for be in ('--nft', '--dnsmasq', '--unbound', '--pihole', '--hosts'):
        a = enforce(be)
        b = subprocess.run([ALFOIL, 'enforce', '--profiles', fresh, '--policies', pol, be, EXAMPLE],
                           capture_output=True, text=True, timeout=60)
        tap.ok(a.returncode == b.returncode == 0 and a.stdout == b.stdout and len(b.stdout) > 200 and
               a.stderr.replace(report, 'X') == b.stderr.replace(EXAMPLE, 'X'),
               f'enforce {be} on the capture = on its saved report (output, warnings, status)',
               f'rc {a.returncode} {b.returncode}; stderr {a.stderr[:200]!r} / {b.stderr[:200]!r}')
    b = subprocess.run([ALFOIL, 'enforce', '--profiles', fresh, '--report', report, EXAMPLE],
                       capture_output=True, text=True, timeout=60)
    tap.ok(b.returncode == 1 and 'not both' in b.stderr, 'enforce: captures and --report together are refused',
           b.stderr)
    b = subprocess.run([ALFOIL, 'enforce', '--profiles', fresh, '--hosts', os.path.join(work, 'nothing.pcap')],
                       capture_output=True, text=True, timeout=60)
    tap.ok(b.returncode == 1 and 'nothing.pcap' in b.stderr and not b.stdout,
           'enforce on a capture that is not there: an error naming it, nothing written', b.stderr)
    b = subprocess.run([ALFOIL, 'enforce', '--help'], capture_output=True, text=True, timeout=60)
    tap.ok('CAPTURE...' in b.stdout and '--hosts' in b.stdout and '--pihole' in b.stdout,
           'enforce --help: captures as operands, one option per back end')
    # profile learn and check: the captures and their saved report give the same
    via_rep = os.path.join(work, 'via-report')
    via_cap = os.path.join(work, 'via-capture')
    a = run('learn', '--device', 'all', '-o', via_rep, '--report', report)
    b = run('learn', '--device', 'all', '-o', via_cap, EXAMPLE)
    same = sorted(os.listdir(via_rep)) == sorted(os.listdir(via_cap)) and len(os.listdir(via_cap)) > 4
    for f in os.listdir(via_cap) if same else []:
        x = open(os.path.join(via_rep, f)).read()
        y = open(os.path.join(via_cap, f)).read()
        if f.endswith('.json'):
            x = json.loads(x)
            y = json.loads(y)
            x['ietf-mud:mud'].pop('last-update')
            y['ietf-mud:mud'].pop('last-update')
        same = same and x == y
    tap.ok(a.returncode == b.returncode == 0 and same and
           a.stdout.replace(via_rep, 'D') == b.stdout.replace(via_cap, 'D'),
           'profile learn on the capture = on its saved report (every MUD file and summary)', a.stderr + b.stderr)
    one = os.path.join(work, 'one')
    os.makedirs(one)
    d = json.load(open(os.path.join(via_cap, 'f8-24-41-c2-8e-17.json')))
    for acl in d['ietf-access-control-list:acls']['acl']:
        acl['aces']['ace'] = acl['aces']['ace'][1:]  # the first rule of each list gone
    json.dump(d, open(os.path.join(one, 'f8-24-41-c2-8e-17.json'), 'w'))
    a = run('check', '--profiles', one, '--report', report)
    b = run('check', '--profiles', one, EXAMPLE)
    tap.ok(a.returncode == b.returncode == 4 and a.stdout == b.stdout and '1 device checked' in b.stdout and
           b.stdout.count('profile-deviation') >= 1,
           'profile check on the capture = on its saved report (the same deviations)', a.stdout + b.stdout)
    open(pol, 'w').write('kind:camera = lockdown\n')
    r = enforce()
    tap.ok(r.returncode == 1 and 'policies:1' in r.stderr and 'lockdown' in r.stderr, 'a bad policy is named with its line')
    shutil.rmtree(work)
    tap.end()


main()
