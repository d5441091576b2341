"""IoT Sentinel: every device appears, keyed by its MAC, with the maker the
IEEE registry gives for it (checked by hand against the brand on the box),
and with the DHCP host names and HTTP hosts the dataset's manifest lists."""
import csv
import glob
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import CAPTURES, Tap, all_names, device_by_mac, inspect, need_captures

# folder -> (maker as registered, country). Ednet is a brand of ASSMANN
# Electronic; the Fitbit Aria uses a Delta Electronics Wi-Fi module; the
# Smarter coffee machine an Espressif module; HomeMatic and MAX! are eQ-3's.
EXPECTED = {
    'Aria': ('Delta Electronics', 'TW'),
    'D-LinkCam': ('D-Link International', 'SG'),
    'D-LinkDayCam': ('D-Link International', 'SG'),
    'D-LinkHomeHub': ('D-Link International', 'SG'),
    'D-LinkSensor': ('D-Link International', 'SG'),
    'D-LinkSwitch': ('D-Link International', 'SG'),
    'D-LinkWaterSensor': ('D-Link International', 'SG'),
    'EdimaxCam1': ('Edimax Technology Co. Ltd.', 'TW'),
    'EdimaxPlug1101W': ('Edimax Technology Co. Ltd.', 'TW'),
    'EdimaxPlug2101W': ('Edimax Technology Co. Ltd.', 'TW'),
    'EdnetCam1': ('ASSMANN Electronic GmbH', 'DE'),
    'EdnetCam2': ('ASSMANN Electronic GmbH', 'DE'),
    'HomeMaticPlug': ('eQ-3 Entwicklung GmbH', 'DE'),
    'HueBridge': ('Philips Lighting BV', 'NL'),
    'MAXGateway': ('eQ-3 Entwicklung GmbH', 'DE'),
    'SmarterCoffee': ('Espressif Inc.', 'CN'),
    'TP-LinkPlugHS100': ('TP-LINK TECHNOLOGIES CO.,LTD.', 'CN'),
    'WeMoInsightSwitch': ('Belkin International Inc.', 'US'),
    'WeMoInsightSwitch2': ('Belkin International Inc.', 'US'),
    'WeMoLink': ('Belkin International Inc.', 'US'),
    'WeMoSwitch': ('Belkin International Inc.', 'US'),
}


def manifest():
    """file path -> (dhcp hostnames, http hosts) as the dataset's MANIFEST lists them."""
    out = {}
    with open(os.path.join(CAPTURES, 'MANIFEST.tsv')) as f:
        for row in csv.DictReader(f, delimiter='\t'):
            desc = row['description']
            dh = re.search(r'DHCP hostname: ([^;]+)', desc)
            hh = re.search(r'HTTP Host: ([^;]+)', desc)
            # the manifest lists several values comma separated and cuts
            # long lists short with "+N more"
            def values(m):
                return {v.strip() for v in m.group(1).split(',')
                        if v.strip() and not re.match(r'^\+\d+ more$', v.strip())} if m else set()
            out[row['file']] = (values(dh), {re.sub(r':\d+$', '', h) for h in values(hh)})
    return out


def main():
    tap = Tap()
    need_captures(tap, 'IoT Sentinel devices')
    base = os.path.join(CAPTURES, 'iot-sentinel')
    man = manifest()
    folders = sorted(d for d in os.listdir(base) if os.path.isdir(os.path.join(base, d)))
    tap.ok(set(EXPECTED) <= set(folders), 'every expected device folder is present',
           set(EXPECTED) - set(folders))
    for folder in folders:
        mac = open(os.path.join(base, folder, '_iotdevice-mac.txt')).read().split()[0].lower()
        files = sorted(glob.glob(os.path.join(base, folder, '*.pcap')))
        rc, rep, err = inspect(files)
        if not tap.ok(rc in (0, 3) and rep, f'{folder}: {len(files)} captures read', err[-500:]):
            continue
        d = device_by_mac(rep, mac)
        if not tap.ok(d is not None, f'{folder}: device {mac} found'):
            continue
        want = EXPECTED.get(folder)
        if want:
            tap.ok(d['maker']['name'] == want[0] and d['maker']['country'] == want[1],
                   f'{folder}: maker {want[0]} ({want[1]})', d['maker'])
        else:
            tap.ok(bool(d['maker']['name']), f'{folder}: some maker named', d['maker'])
        hosts, http = set(), set()
        for f in files:
            h, w = man.get(os.path.relpath(f, CAPTURES), (set(), set()))
            hosts |= h
            http |= w
        names = {n['name'] for n in d['names']}
        if hosts:
            tap.ok(hosts <= names, f'{folder}: DHCP host names {sorted(hosts)}', f'alfoil has {sorted(names)}')
        # HTTP hosts that are names (not the device's own or SSDP's IP:port)
        http = {h.lower() for h in http if not re.match(r'^[\d.:\[\]]+$', h)}
        if http:
            got = all_names(d)
            tap.ok(http <= got, f'{folder}: HTTP hosts {sorted(http)}', f'missing {sorted(http - got)}')
    tap.end()


main()
