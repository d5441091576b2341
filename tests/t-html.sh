#!/usr/bin/env bash
# The HTML report, rendered for real: headless Chromium (Debian chromium)
# loads the page written for the bundled example at a phone's width, takes a
# screenshot (kept in build/test-out/) and dumps the DOM it rendered; the
# test checks what the page shows: the headline, the country chart and
# table, every device with its kind, and that nothing comes from outside.
set -u
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=$ROOT/build/test-out
mkdir -p "$out"
example=$ROOT/examples/home.pcap
html=$out/home.html

"$ALFOIL" inspect --no-progress --html "$html" -o /dev/null "$example" 2>"$work/err"
check "inspect --html writes the page" test -s "$html"
check "self-contained: no scripts, no external stylesheets, fonts or images" \
	sh -c "! grep -qiE '<script|<link |@import|url\\(|<img|<iframe' '$html'"
check "the DB-IP attribution link its licence asks for" grep -q 'href="https://db-ip.com"' "$html"

chrome=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$chrome" ]; then
	skip "rendered in headless Chromium" "chromium is not installed (scripts/setup.sh installs it)"
	tap_end
	exit 0
fi
flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars
	--no-first-run --user-data-dir="$work/profile" --window-size=412,1600)
timeout 60 "$chrome" "${flags[@]}" --dump-dom "file://$html" >"$work/dom.html" 2>"$work/chrome.err"
check "Chromium renders the page (DOM dumped)" test -s "$work/dom.html"
timeout 60 "$chrome" "${flags[@]}" --screenshot="$out/home-phone.png" "file://$html" >/dev/null 2>>"$work/chrome.err"
check "a phone-width screenshot: $out/home-phone.png" test -s "$out/home-phone.png"

dom() { python3 - "$work/dom.html" "$@"; }
dom <<'PY' >"$work/facts" 2>&1
import sys
from html.parser import HTMLParser

class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.text, self.bars, self.devices, self.kinds, self.rows = [], {}, [], 0, [], {}
        self.cur = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.stack.append((tag, a))
        if a.get('id'):
            self.cur = a['id']
        if tag == 'g' and a.get('class') == 'bar':
            self.bars.append(a.get('data-country'))
        if tag == 'section' and 'device' in (a.get('class') or ''):
            self.devices += 1
        if tag == 'tr' and self.cur in ('inventory', 'countries'):
            self.rows[self.cur] = self.rows.get(self.cur, 0) + 1
    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()
    def handle_data(self, d):
        if self.stack and self.stack[-1][1].get('class') == 'kind':
            self.kinds.append(d.strip())
        if any(a.get('id') == 'headline' for _, a in self.stack):
            self.text['headline'] = self.text.get('headline', '') + d

p = P()
p.feed(open(sys.argv[1]).read())
print('headline=' + ' '.join(p.text.get('headline', '').split()))
print('bars=' + ','.join(b or '' for b in p.bars))
print('devices=%d' % p.devices)
print('kinds=' + ','.join(p.kinds))
print('inventory_rows=%d' % p.rows.get('inventory', 0))
print('country_rows=%d' % p.rows.get('countries', 0))
PY
fact() { sed -n "s/^$1=//p" "$work/facts"; }
h=$(fact headline)
if [ -s "$ROOT/data/country.mmdb" ]; then
	check "the headline a person reads first: '$h'" sh -c "echo '$h' | grep -q '^7 devices. 4 send data abroad (home DE): CN (2 devices, 3.6 MB up)'"
	check "a bar per destination country, CN first: $(fact bars)" sh -c "echo '$(fact bars)' | grep -q '^CN,' && [ \$(echo '$(fact bars)' | tr ',' '\\n' | wc -l) -ge 4 ]"
	check "the country table has a row per country" test "$(fact country_rows)" -ge 5
else
	skip "headline and country chart" "IP data not installed (scripts/setup.sh)"
fi
check "the findings come first on the page" sh -c "grep -q 'id=\"findings\"' '$work/dom.html' && [ \$(grep -b -o 'id=\"findings\"' '$work/dom.html' | cut -d: -f1) -lt \$(grep -b -o 'id=\"inventory\"' '$work/dom.html' | cut -d: -f1) ]"
check "every device has a card: $(fact devices)" test "$(fact devices)" = 7
check "the inventory lists them all (+ header row)" test "$(fact inventory_rows)" = 8
check "kinds shown: $(fact kinds)" sh -c "echo '$(fact kinds)' | grep -q 'camera' && echo '$(fact kinds)' | grep -q 'bulb' && echo '$(fact kinds)' | grep -q 'gateway' && echo '$(fact kinds)' | grep -q 'phone'"
check "findings name the device by name and address" grep -q 'chuangmi-camera-ipc019 (192.168.1.103): Xiaomi camera uploaded' "$work/dom.html"
check "a device's rows of one company are one fold: the camera's Xiaomi group (2 destinations, CN and SG), open" \
	sh -c "sed -n '/id=\"dev-94:f8:27:6d:12:c9\"/,/<\/section>/p' '$work/dom.html' | tr -d '\n' | grep -q '<details class=\"group\" open=\"\"><summary><b>Xiaomi</b> · Mi Home camera cloud · 2 destinations · CN, SG · '"
check "the laptop's other companies are folded (closed <details>)" \
	sh -c "[ \$(sed -n '/id=\"dev-34:f6:4b:91:6e:2a\"/,/<\/section>/p' '$work/dom.html' | grep -c '<details class=\"group\"><summary>') -ge 1 ]"
check "the gateway's NTP is one infrastructure line" grep -q 'infrastructure: NTP to 1 server in 1 country' "$work/dom.html"
check "the data sets with their dates in the header" grep -qE 'id="data-sets">data: oui [0-9]{4}-[0-9]{2}-[0-9]{2}' "$work/dom.html"
timeout 60 "$chrome" "${flags[@]/--window-size=412,1600/--window-size=1100,2600}" --screenshot="$out/home-wide.png" "file://$html" >/dev/null 2>>"$work/chrome.err"
check "a desktop-width screenshot too: $out/home-wide.png" test -s "$out/home-wide.png"
read -r w hgt busy colours reds < <(python3 "$ROOT/tests/captures/pngcheck.py" "$out/home-phone.png")
check "the screenshot is a drawn page, not blank: ${w}x${hgt}, ${busy} of rows drawn, ${colours} colours, ${reds} red samples (the abroad bars)" \
	sh -c "[ '$w' = 412 ] && python3 -c 'import sys; sys.exit(not (float(sys.argv[1]) > 0.3 and int(sys.argv[2]) > 8))' '$busy' '$colours'"
tap_end
