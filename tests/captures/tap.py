"""tap.py - TAP output and alfoil runs for the capture tests (python3 only)."""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.environ.get('ALFOIL_SHARED', os.path.join(ROOT, '..', 'shared'))
CAPTURES = os.path.join(SHARED, 'captures')
ALFOIL = os.environ.get('ALFOIL', os.path.join(ROOT, 'build', 'san', 'alfoil'))
if not os.path.isabs(ALFOIL):
    ALFOIL = os.path.join(ROOT, ALFOIL)


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, desc, why=''):
        self.n += 1
        if cond:
            print(f'ok {self.n} - {desc}')
        else:
            self.failed += 1
            print(f'not ok {self.n} - {desc}')
            for line in str(why).splitlines()[:20]:
                print(f'#   {line}')
        return cond

    def skip(self, desc, why):
        self.n += 1
        print(f'ok {self.n} - {desc} # SKIP {why}')

    def note(self, msg):
        for line in str(msg).splitlines():
            print(f'# {line}')

    def end(self):
        print(f'1..{self.n}')
        sys.exit(1 if self.failed else 0)


def need_captures(tap, what):
    if not os.path.isdir(CAPTURES):
        tap.skip(what, '../shared/captures is absent: real-capture tests not run')
        tap.end()


def inspect(files, extra=()):
    """Run alfoil inspect --json on files; returns (exit status, report or None, stderr)."""
    p = subprocess.run([ALFOIL, 'inspect', '--json', '--no-progress', *extra, *files],
                       capture_output=True, text=True, timeout=600)
    try:
        rep = json.loads(p.stdout) if p.stdout.strip() else None
    except json.JSONDecodeError:
        rep = None
    return p.returncode, rep, p.stderr


def device_by_mac(rep, mac):
    mac = mac.lower()
    for d in rep['devices'] if rep else []:
        if (d.get('mac') or '').lower() == mac:
            return d
    return None


def all_names(d):
    """Every name attached to a device's destinations, DNS queries and answers."""
    out = set()
    for x in d['destinations']:
        for v in x['names'].values():
            for name in v if isinstance(v, list) else [v]:
                out.add(name.lower())
    for q in d['dns']['queries']:
        out.add(q['name'].lower())
    for a in d['dns']['answers']:
        out.add(a['name'].lower())
    return out
