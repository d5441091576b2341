"""Device kind and brand on real devices: every IoT Sentinel device (its MAC
in _iotdevice-mac.txt) against what the device is (the folder names it;
the table below writes that down), and the Xiaomi captures' devices. Prints
the table and the accuracy; fails below the floors set here."""
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import CAPTURES, Tap, device_by_mac, inspect, need_captures

# folder -> (kind, brand) of the real device
TRUTH = {
    'Aria': ('sensor', 'Fitbit'),            # Wi-Fi scale
    'D-LinkCam': ('camera', 'D-Link'),
    'D-LinkDayCam': ('camera', 'D-Link'),
    'D-LinkHomeHub': ('gateway', 'D-Link'),
    'D-LinkSensor': ('sensor', 'D-Link'),    # DCH-S150 motion sensor
    'D-LinkSwitch': ('plug', 'D-Link'),      # DSP-W215 smart plug
    'D-LinkWaterSensor': ('sensor', 'D-Link'),
    'EdimaxCam1': ('camera', 'Edimax'),
    'EdimaxPlug1101W': ('plug', 'Edimax'),
    'EdimaxPlug2101W': ('plug', 'Edimax'),
    'EdnetCam1': ('camera', 'Ednet'),
    'EdnetCam2': ('camera', 'Ednet'),
    'HomeMaticPlug': ('plug', 'eQ-3'),
    'HueBridge': ('gateway', 'Philips Hue'),
    'MAXGateway': ('gateway', 'eQ-3'),
    'SmarterCoffee': ('appliance', 'Smarter'),
    'TP-LinkPlugHS100': ('plug', 'TP-Link'),
    'WeMoInsightSwitch': ('plug', 'Belkin'),
    'WeMoInsightSwitch2': ('plug', 'Belkin'),
    'WeMoLink': ('gateway', 'Belkin'),
    'WeMoSwitch': ('plug', 'Belkin'),
}
KIND_FLOOR, BRAND_FLOOR = 0.75, 0.85

# capture, MAC, kind, a word the brand must contain
XIAOMI = [
    ('controlxiaomidevices/airpurifier.pcap', '78:11:dc:65:b6:6b', 'appliance', 'Xiaomi'),
    ('controlxiaomidevices/gateway.pcapng', '78:11:dc:f7:8a:75', 'gateway', 'Aqara'),
    ('controlxiaomidevices/lamp.pcapng', '78:11:dc:0f:3b:a6', 'bulb', 'Yeelight'),
    ('nku-lifecycle/xiaobai_Y2camera_setup.pcap', '78:df:72:24:69:4d', 'camera', 'Xiaomi'),
]


def main():
    tap = Tap()
    need_captures(tap, 'device identification on real devices')
    base = os.path.join(CAPTURES, 'iot-sentinel')
    kind_ok = brand_ok = n = 0
    rows = []
    for folder, (kind, brand) in sorted(TRUTH.items()):
        d = os.path.join(base, folder)
        if not os.path.isdir(d):
            continue
        mac = open(os.path.join(d, '_iotdevice-mac.txt')).read().split()[0].lower()
        rc, rep, err = inspect(sorted(glob.glob(os.path.join(d, '*.pcap'))))
        dev = device_by_mac(rep, mac)
        got = dev['identity'] if dev else {}
        k_ok = got.get('kind') == kind
        b_ok = brand.lower() in (got.get('brand') or '').lower()
        kind_ok += k_ok
        brand_ok += b_ok
        n += 1
        rows.append(f"{folder:20} {'ok ' if k_ok else 'NO '} {str(got.get('kind')):10} "
                    f"{str(got.get('what') or ''):32.32} {'ok ' if b_ok else 'NO '} "
                    f"{str(got.get('brand')):20.20} chip={got.get('chip')} conf={got.get('confidence')}")
    tap.note('IoT Sentinel devices: folder, kind right?, kind, what, brand right?, brand, chip, confidence')
    tap.note('\n'.join(rows))
    tap.ok(n == len(TRUTH), f'{n} IoT Sentinel devices classified')
    tap.ok(n and kind_ok / n >= KIND_FLOOR, f'kind right for {kind_ok} of {n} ({kind_ok / max(n, 1):.0%}; floor {KIND_FLOOR:.0%})')
    tap.ok(n and brand_ok / n >= BRAND_FLOOR, f'brand right for {brand_ok} of {n} ({brand_ok / max(n, 1):.0%}; floor {BRAND_FLOOR:.0%})')
    # nothing is claimed without evidence
    for folder in ('EdnetCam1', 'HomeMaticPlug'):
        d = os.path.join(base, folder)
        mac = open(os.path.join(d, '_iotdevice-mac.txt')).read().split()[0].lower()
        rc, rep, err = inspect(sorted(glob.glob(os.path.join(d, '*.pcap'))))
        dev = device_by_mac(rep, mac)
        tap.ok(dev and dev['identity']['kind'] == 'unknown' and dev['identity']['confidence'] == 0,
               f'{folder}: no evidence of its kind in its traffic, so "unknown" with confidence 0',
               dev and dev['identity'])
    for path, mac, kind, brand in XIAOMI:
        rc, rep, err = inspect([os.path.join(CAPTURES, 'xiaomi', path)])
        dev = device_by_mac(rep, mac)
        got = dev['identity'] if dev else {}
        ev = [f"{e['source']}={e['value']}" for e in got.get('evidence', [])][:3]
        tap.ok(got.get('kind') == kind and brand in (got.get('brand') or '') and got.get('confidence', 0) >= 0.5
               and got.get('evidence'),
               f'xiaomi/{path}: {mac} is a {kind} ({got.get("what")}), brand {got.get("brand")}, '
               f'confidence {got.get("confidence")}, because {"; ".join(ev)}', got)
    tap.end()


main()
