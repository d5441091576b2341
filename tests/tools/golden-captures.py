"""golden-captures.py OUTDIR - write the project's own generated captures
for the golden cases of tests/TESTLIST into OUTDIR, one file a case:

  findings/DET-fire.pcap, findings/DET-calm.pcap   tests/captures/findings.py
  lan/NAME.pcap          tests/captures/hostile_lan.py
  frag/KIND.pcap         tests/captures/hostile_frag.py
  dns/NAME.pcap          tests/captures/hostile_dns.py (the small ones)
  text/NAME.pcap         tests/captures/hostile_text.py

The builders are the test scripts' own functions (a script that runs its
tests when imported is read without its closing main() call), so a golden
case sees exactly the packets its test script does. Deterministic: the same
bytes on every run."""
import ast
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CAPS = os.path.join(os.path.dirname(HERE), 'captures')
sys.path.insert(0, CAPS)


def load(name):
    """The module tests/captures/NAME.py without its top-level main() call."""
    path = os.path.join(CAPS, name + '.py')
    tree = ast.parse(open(path).read(), path)
    tree.body = [s for s in tree.body
                 if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and
                         isinstance(s.value.func, ast.Name) and s.value.func.id == 'main')]
    ns = {'__name__': 'golden_' + name, '__file__': path}
    exec(compile(tree, path, 'exec'), ns)
    return ns


def main():
    out = sys.argv[1]
    work = []

    def put(sub, name, cap):
        d = os.path.join(out, sub)
        os.makedirs(d, exist_ok=True)
        cap.write(os.path.join(d, name + '.pcap'))

    f = load('findings')
    work.append(f['WORK'])
    for det, fn in (('lan-scan', 'lan_scan'), ('port-scan', 'port_scan'), ('lan-admin', 'lan_admin'),
                    ('arp-spoof', 'arp_spoof'), ('dns-public-resolver', 'dns_public'),
                    ('dns-encrypted', 'dns_encrypted'), ('dns-unresolved', 'dns_unresolved'),
                    ('cleartext-telnet', 'telnet'), ('cleartext-ftp', 'ftp'),
                    ('cleartext-credentials', 'creds'), ('cleartext-mqtt', 'mqtt'), ('weak-tls', 'weak_tls'),
                    ('local-protocol', 'local_protocol'), ('services', 'services'), ('upnp-portmap', 'upnp'),
                    ('internet-reachable', 'reachable'), ('large-upload', 'upload'), ('dns-tunnel', 'tunnel'),
                    ('blocklisted', 'bad'), ('mirai-telnet', 'mirai'), ('weak-tls-offer', 'weak_offer'),
                    ('arp-sweep', 'arp_sweep'), ('arp-storm', 'arp_storm'),
                    ('telnet-bruteforce', 'telnet_brute'), ('beacon', 'beacon')):
        put('findings', det + '-fire', f[fn](True))
        put('findings', det + '-calm', f[fn](False))
    put('findings', 'quiet-uploader', f['quiet_uploader']())

    lan = load('hostile_lan')
    for name, fn in (('spoof4', 'spoof4'), ('spoof6', 'spoof6'), ('router', 'router'), ('flood', 'flood'),
                     ('flood-first', 'flood_first'), ('honest', 'honest'), ('spoof-peer', 'spoof_peer')):
        put('lan', name, lan[fn]())

    frag = load('hostile_frag')
    for kind, fn in frag['KINDS'].items():
        c = frag['pkt'].Capture()
        fn(c)
        put('frag', kind, c)

    dns = load('hostile_dns')
    work.append(dns['WORK'])
    put('dns', 'unsolicited', dns['build_a']())
    put('dns', 'dhcp-forged', dns['build_d']())
    put('dns', 'mdns', dns['build_mdns']())

    text = load('hostile_text')
    work.append(text['WORK'])
    put('text', 'hostile', text['hostile_capture']())
    dests = list(text['TRANSLATED'])
    dests.append((text['teredo']('65.54.227.120', '200.160.2.3'), 'teredo', '200.160.2.3'))
    put('text', 'translated', text['translated_capture'](dests))

    for w in work:
        shutil.rmtree(w, ignore_errors=True)


if __name__ == '__main__':
    main()
