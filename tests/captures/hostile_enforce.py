#!/usr/bin/env python3
"""hostile_enforce.py DIR - the hostile inputs of tests/t-hostile-enforce.sh.

Writes into DIR what an attacker on the LAN (through packet names) or a
file someone else wrote could hand alfoil enforce and profile learn:

  report.json     an inspect --json report whose device looked up names
                  that would break a DNS config (a.b/#, quotes, spaces,
                  newlines, backslashes, '#', ';', non-ASCII), with hostile
                  addresses and a good name among them; a second device
                  whose destination carries an SNI with a space
  traversal.json  a report whose device MAC is ../../x (and one good one)
  mud/            MUD files: a good one, one with a bad ACE beside a good
                  one, a malformed one, one with the prefix "192.0.2.0/\\n24"
  pol-*.txt       policy files: the dash form, broadcast, multicast, zero
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HOSTILE = ['a.b/#', 'x"y.example', 'sp ace.example', 'nl\nx.example', 'bs\\x.example', 'h#x.example',
           'semi;x.example', 'caf\u00e9.example', 'ok.example" always_transparent', 'a.b/0.0.0.0']
DEV1, DEV2, DEV3 = '02:00:00:00:0d:01', '02:00:00:00:0d:02', '02:00:00:00:0d:03'


def dest(domain, addr, port=443):
    return {'scope': 'internet', 'direction': 'outbound', 'address': addr, 'domain': domain,
            'proto': 'tcp', 'port': port, 'app': 'tls'}


def report():
    queries = [{'name': n, 'count': 1} for n in HOSTILE] + [{'name': 'cloud.example', 'count': 3}]
    return {'devices': [
        {'mac': DEV1, 'ipv4': ['192.168.1.10', '192.168.1.11; accept'], 'ipv6': ['2001:db8::10', '192.168.1.12'],
         'roles': [], 'identity': {'kind': 'plug'},
         'dns': {'queries': queries,
                 'answers': [{'name': 'cloud.example', 'address': '203.0.113.10'},
                             {'name': 'cloud.example', 'address': '203.0.113.11 }; accept'},
                             {'name': 'evil example', 'address': '203.0.113.12'}]},
         'destinations': [dest('cloud.example', '203.0.113.10')]},
        {'mac': DEV2, 'ipv4': ['192.168.1.20'], 'ipv6': [], 'roles': [], 'identity': {'kind': 'camera'},
         'dns': {'queries': [{'name': 'cam.example', 'count': 1}], 'answers': [{'name': 'cam.example', 'address': '198.51.100.20'}]},
         # one SNI with a space, beside a good name: the good one must stay
         'destinations': [dest('sp ace.example', '198.51.100.21'), dest('cam.example', '198.51.100.20')]},
        {'mac': '68:c6:3a:00:00:02 accept; ether saddr 00:00:00:00:00:00', 'ipv4': ['192.168.1.9'], 'roles': [],
         'identity': {'kind': 'plug'}, 'dns': {'queries': [], 'answers': []}},
        {'mac': 'ff:ff:ff:ff:ff:ff', 'ipv4': ['192.168.1.255'], 'roles': [], 'identity': {'kind': 'plug'}},
    ]}


def mud(acl_aces):
    """a MUD file with one from-device ACL of these ACEs"""
    return {'ietf-mud:mud': {'mud-version': 1, 'mud-url': 'https://example.invalid/x.json',
                             'last-update': '2026-11-25T00:00:00Z', 'cache-validity': 48, 'is-supported': True,
                             'systeminfo': 'test', 'from-device-policy': {'access-lists': {'access-list': [{'name': 'a'}]}}},
            'ietf-access-control-list:acls': {'acl': [{'name': 'a', 'type': 'ipv4-acl-type', 'aces': {'ace': acl_aces}}]}}


def ace(name, ip, port=443):
    return {'name': name, 'matches': {'ipv4': dict(protocol=6, **ip),
                                      'tcp': {'destination-port': {'operator': 'eq', 'port': port}}},
            'actions': {'forwarding': 'accept'}}


def main():
    out = sys.argv[1]
    os.makedirs(os.path.join(out, 'mud'), exist_ok=True)
    json.dump(report(), open(os.path.join(out, 'report.json'), 'w'), indent=1)
    json.dump({'devices': [{'mac': '../../x', 'ipv4': [], 'roles': [], 'identity': {'kind': 'plug'},
                            'destinations': [dest('cloud.example', '203.0.113.10')]},
                           {'mac': '02:00:00:00:0d:0a/../../y', 'destinations': []},
                           {'mac': DEV1, 'ipv4': [], 'roles': [], 'identity': {'kind': 'plug'},
                            'destinations': [dest('cloud.example', '203.0.113.10')]}]},
              open(os.path.join(out, 'traversal.json'), 'w'))
    m = os.path.join(out, 'mud')
    good = ace('cloud', {'ietf-acldns:dst-dnsname': 'cloud.example'})
    json.dump(mud([good]), open(os.path.join(m, '02-00-00-00-0d-01.json'), 'w'))
    json.dump(mud([ace('bad', {'ietf-acldns:dst-dnsname': 'x.example" ; flush ruleset'}, 80),
                   ace('cam', {'ietf-acldns:dst-dnsname': 'cam.example'}, 8443)]),
              open(os.path.join(m, '02-00-00-00-0d-02.json'), 'w'))
    open(os.path.join(m, '02-00-00-00-0d-03.json'), 'w').write('{"ietf-mud:mud": {"mud-version": 1,')
    json.dump(mud([ace('pfx', {'destination-ipv4-network': '192.0.2.0/\n24'}, 9443),
                   ace('pfx-plus', {'destination-ipv4-network': '192.0.2.0/+24'}, 9444),
                   ace('pfx-ok', {'destination-ipv4-network': '198.51.100.0/24'}, 9445)]),
              open(os.path.join(m, '02-00-00-00-0d-04.json'), 'w'))
    for name, text in (('dash', '02-00-00-00-0D-01 = quarantine\n'),
                       ('bcast', '# broadcast\nff:ff:ff:ff:ff:ff = quarantine\n'),
                       ('mcast', '01:00:5e:00:00:fb = local-only\n'),
                       ('zero', '00:00:00:00:00:00 = quarantine\n'),
                       ('junk', '02:00:00:00:0d:01 = quarantine; flush ruleset\n')):
        open(os.path.join(out, f'pol-{name}.txt'), 'w').write(text)


main()
