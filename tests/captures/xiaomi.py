"""Real Xiaomi traffic (../shared/captures/xiaomi): the miIO devices, their
mDNS names and their *.io.mi.com cloud destinations.

Note on controlxiaomidevices/gateway.pcapng: it was captured on a machine
that ARP-spoofed its way between the gateway and the router (every frame
appears twice, once with the spoofer's MAC), so the gateway's address and
flows are seen under the spoofer's MAC; the test checks the flow, not to
whom the spoofed frames are credited."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import CAPTURES, ROOT, Tap, device_by_mac, inspect, need_captures

X = os.path.join(CAPTURES, 'xiaomi')


def names(d, source=None):
    return {n['name'] for n in d['names'] if source is None or n['source'] == source}


def evidence(d, kind):
    return {e['value'] for e in d['evidence'] if e['kind'] == kind}


def dests(rep):
    return [(d, x) for d in rep['devices'] for x in d['destinations']]


def main():
    tap = Tap()
    need_captures(tap, 'Xiaomi captures')

    rc, rep, err = inspect([os.path.join(X, 'controlxiaomidevices', 'airpurifier.pcap')])
    tap.ok(rc == 0 and rep, 'airpurifier.pcap read', err[-300:])
    d = device_by_mac(rep, '78:11:dc:65:b6:6b')
    if tap.ok(d is not None, 'air purifier 78:11:dc:65:b6:6b found'):
        tap.ok(d['maker']['name'] == 'XIAOMI Electronics,CO.,LTD' and d['maker']['country'] == 'CN',
               'air purifier maker: Xiaomi (CN)', d['maker'])
        tap.ok('72610872' in names(d, 'miio-device-id'), 'air purifier miIO device id 72610872', names(d))
        tap.ok('zhimi-airpurifier-m2_miio72610872' in names(d, 'mdns-instance'),
               'air purifier mDNS instance names its model (zhimi.airpurifier.m2)', names(d))
        tap.ok('_miio._udp' in evidence(d, 'mdns-service'), 'air purifier announces _miio._udp',
               d['evidence'])
        cloud = [x for x in d['destinations'] if x['address'] == '27.109.124.92']
        tap.ok(cloud and cloud[0]['app'] == 'miio' and cloud[0]['port'] == 8053
               and cloud[0]['scope'] == 'internet',
               'air purifier talks miIO to its cloud 27.109.124.92 udp/8053', cloud)

    rc, rep, err = inspect([os.path.join(X, 'controlxiaomidevices', 'gateway.pcapng')])
    tap.ok(rc == 0 and rep, 'gateway.pcapng read', err[-300:])
    cloud = [x for _, x in dests(rep or {'devices': []}) if x['address'] == '27.109.124.86']
    tap.ok(cloud and cloud[0]['port'] == 80 and cloud[0]['app'] == 'miio' and cloud[0]['encrypted'] != 'no',
           'gateway: miIO framed over TCP port 80 to 27.109.124.86, not cleartext HTTP', cloud)
    ids = set().union(*(names(d, 'miio-device-id') for d in (rep or {'devices': []})['devices']))
    tap.ok('83642259' in ids, 'gateway: miIO device id 83642259 from its cloud session', ids)
    gw = device_by_mac(rep, '78:11:dc:f7:8a:75')
    tap.ok(gw is not None and gw['maker']['name'].startswith('XIAOMI'), 'gateway 78:11:dc:f7:8a:75 is a Xiaomi')

    rc, rep, err = inspect([os.path.join(X, 'controlxiaomidevices', 'lamp.pcapng')])
    tap.ok(rc == 0 and rep, 'lamp.pcapng read', err[-300:])
    lamp = device_by_mac(rep, '78:11:dc:0f:3b:a6')
    if tap.ok(lamp is not None, 'lamp 78:11:dc:0f:3b:a6 found'):
        ctl = [x for x in lamp['destinations'] if x['port'] == 55443 and x['proto'] == 'tcp']
        tap.ok(ctl and ctl[0]['direction'] == 'inbound' and ctl[0]['scope'] == 'private',
               'lamp is controlled over the LAN: inbound TCP 55443 (Yeelight protocol)', lamp['destinations'])

    files = sorted(os.path.join(X, 'nku-lifecycle', f) for f in os.listdir(os.path.join(X, 'nku-lifecycle'))
                   if f.startswith('xiaobai_Y2camera') and f.endswith('.pcap'))
    rc, rep, err = inspect(files)
    tap.ok(rc == 0 and rep, f'{len(files)} camera captures read', err[-300:])
    cam = device_by_mac(rep, '78:df:72:24:69:4d')
    if tap.ok(cam is not None, 'camera 78:df:72:24:69:4d found'):
        mi = {x['domain'] for x in cam['destinations'] if (x['domain'] or '').endswith('.io.mi.com')}
        tap.ok({'business.smartcamera.api.io.mi.com', 'xiaomi8.p2psy2.io.mi.com'} <= mi,
               f'camera talks to *.io.mi.com: {sorted(mi)}', mi)
        tap.ok(all(x['scope'] == 'internet' for x in cam['destinations'] if x['domain'] in mi),
               'those destinations are on the internet')
        cloud = [x for x in cam['destinations'] if x['domain'] in mi]
        tap.ok(all(x.get('company') == 'Xiaomi' for x in cloud), "they are Xiaomi's (share/clouds.tsv)",
               [(x['domain'], x.get('company')) for x in cloud])
        if os.path.exists(os.path.join(ROOT, 'data', 'country.mmdb')):
            where = sorted({(x['domain'], x['country'], x.get('org')) for x in cloud})
            tap.ok(all(x.get('country') for x in cloud),
                   "each has the country the IP data gives: " + '; '.join(f'{d} {c} ({o})' for d, c, o in where), where)
        else:
            tap.skip('countries of the Xiaomi cloud', 'IP data not installed (scripts/setup.sh)')
    router = device_by_mac(rep, 'c8:bf:4c:77:a0:3a')
    tap.ok(router is not None and 'gateway' in router['roles']
           and router['maker']['name'] == 'Beijing Xiaomi Mobile Software Co., Ltd',
           'the Xiaomi router c8:bf:4c:77:a0:3a is recognised as the gateway', router and router['roles'])
    tap.end()


main()
