"""Zeek's DHCP traces: the host names (and the client id of hw-type0) that
Zeek's baselines record for each client MAC are what alfoil reports for the
device with that MAC."""
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import CAPTURES, Tap, device_by_mac, inspect, need_captures


# Where alfoil and Zeek differ on purpose, and why.
NOT_CREDITED = {
    ('00:0b:82:01:fc:42', 'test0000'):
        'dhcp_discover_param_req_and_client_id.pcap sends it from Ethernet source 00:0a:28:00:fa:41 with '
        'chaddr 00:0b:82:01:fc:42 and no relay (giaddr 0); since issue 13 client options are credited to '
        'chaddr only from chaddr itself or through a relay, else counted (dhcp_spoofed)',
}


def baselines():
    """(mac, host_name) pairs from every dhcp.log baseline."""
    pairs = set()
    for log in glob.glob(os.path.join(CAPTURES, 'zeek', 'baseline', 'scripts.base.protocols.dhcp.*', 'dhcp.log')):
        fields = None
        for line in open(log):
            line = line.rstrip('\n')
            if line.startswith('#fields'):
                fields = line.split('\t')[1:]
                continue
            if line.startswith('#') or not fields:
                continue
            row = dict(zip(fields, line.split('\t')))
            if row.get('host_name', '-') not in ('-', '(empty)'):
                pairs.add((row['mac'], row['host_name']))
    return pairs


def main():
    tap = Tap()
    need_captures(tap, 'Zeek DHCP baselines')
    files = sorted(glob.glob(os.path.join(CAPTURES, 'zeek', 'dhcp', '*.pcap*')))
    rc, rep, err = inspect(files)
    tap.ok(rc == 0 and rep is not None, f'{len(files)} Zeek DHCP traces read in one run', err[-400:])
    pairs = baselines()
    tap.ok(len(pairs) >= 2, f'baselines give {len(pairs)} (mac, host name) pairs', pairs)
    for mac, host in sorted(pairs):
        d = device_by_mac(rep, mac)
        names = [n['name'] for n in d['names'] if n['source'] == 'dhcp-hostname'] if d else []
        if (mac, host) in NOT_CREDITED:
            spoofed = (rep or {}).get('capture', {}).get('counters', {}).get('dhcp_spoofed', 0)
            tap.ok(host not in names and spoofed > 0,
                   f'{mac}: DHCP host name {host!r} not credited, unlike Zeek: {NOT_CREDITED[(mac, host)]}',
                   f'alfoil: {names}, dhcp_spoofed={spoofed}')
            continue
        tap.ok(host in names, f'{mac}: DHCP host name {host!r} as in Zeek', f'alfoil: {names}')
    # hw-type0.pcap: Zeek's baseline prints the client id as hwtype=0,
    # hwaddr=cisco-cc00.0ac4.0000-Fa0/0; alfoil keeps option 61 as hex.
    want = '00' + b'cisco-cc00.0ac4.0000-Fa0/0'.hex()
    ids = [e['value'] for d in (rep or {}).get('devices', []) for e in d['evidence']
           if e['kind'] == 'dhcp-client-id']
    tap.ok(want in ids, 'hw-type0: client id cisco-cc00.0ac4.0000-Fa0/0 (type 0)', ids[:10])
    # every DHCP client with a parameter request list keeps it as a fingerprint
    prl = [e['value'] for d in (rep or {}).get('devices', []) for e in d['evidence']
           if e['kind'] == 'dhcp-parameter-list']
    tap.ok(len(prl) > 0 and all(all(x.isdigit() for x in p.split(',')) for p in prl),
           f'{len(prl)} DHCP parameter request lists kept as fingerprints', prl[:5])
    tap.end()


main()
