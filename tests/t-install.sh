#!/usr/bin/env bash
# make install / uninstall into a DESTDIR (docs/deploy.md): the files land
# where they should, the installed binary finds its share/ and data/ where
# install put them (the same report as the tree's), an edited config
# survives a second install and uninstall, uninstall leaves nothing of its
# own, and the installed unit passes systemd-analyze verify.
set -u
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dest=$work/root
example=$ROOT/examples/home.pcap
# a make of our own, not the jobs of a `make check` this runs under
unset MAKEFLAGS MFLAGS MAKELEVEL
mk() { make -s -C "$ROOT" "$@" DESTDIR="$dest" PREFIX=/usr; }

if ! mk install >"$work/install.log" 2>&1; then
	not_ok "make install DESTDIR PREFIX=/usr" "$(tail -20 "$work/install.log")"
	tap_end; exit 1
fi
ok "make install DESTDIR PREFIX=/usr"

missing=
for f in usr/bin/alfoil usr/share/alfoil/clouds.tsv usr/share/alfoil/signatures.tsv \
	usr/share/alfoil/infrastructure.tsv usr/share/alfoil/findings.conf lib/systemd/system/alfoil.service \
	etc/alfoil/alfoil.conf usr/share/doc/alfoil/deploy.md; do
	[ -f "$dest/$f" ] || missing="$missing $f"
done
[ -d "$dest/var/lib/alfoil" ] || missing="$missing var/lib/alfoil/"
if [ -z "$missing" ]; then ok "the binary, share/, the unit, the config, the doc and the state directory"
else not_ok "the binary, share/, the unit, the config, the doc and the state directory" "missing:$missing"; fi
check "the binary is executable" test -x "$dest/usr/bin/alfoil"
check "the config is dist/alfoil.conf" cmp "$ROOT/dist/alfoil.conf" "$dest/etc/alfoil/alfoil.conf"
unit=$dest/lib/systemd/system/alfoil.service
if grep -q '^ExecStart=/usr/bin/alfoil watch --config /etc/alfoil/alfoil.conf$' "$unit" &&
	! grep -q '@[A-Z]*@' "$unit"; then
	ok "the unit's ExecStart is PREFIX's binary, no @VAR@ left"
else not_ok "the unit's ExecStart is PREFIX's binary, no @VAR@ left" "$(grep -n 'Exec\|@' "$unit")"; fi

# PREFIX=/usr/local: the unit under PREFIX, the binary under PREFIX/bin
if make -s -C "$ROOT" install DESTDIR="$work/local" >"$work/local.log" 2>&1 &&
	[ -x "$work/local/usr/local/bin/alfoil" ] &&
	grep -q '^ExecStart=/usr/local/bin/alfoil ' "$work/local/usr/local/lib/systemd/system/alfoil.service"; then
	ok "the default PREFIX is /usr/local (binary and unit under it)"
else
	not_ok "the default PREFIX is /usr/local (binary and unit under it)" \
		"$(tail -5 "$work/local.log"; find "$work/local" -name 'alfoil*')"
fi

# run from elsewhere, so that nothing of the tree is beside it
(cd "$work" && "$dest/usr/bin/alfoil" --version) >"$work/version" 2>&1
check "the installed binary runs --version" test $? -eq 0
if grep -q "$dest/usr/share/alfoil/clouds.tsv" "$work/version" &&
	grep -q "$dest/usr/share/alfoil/signatures.tsv" "$work/version" &&
	! grep -q "$ROOT/share" "$work/version"; then
	ok "--version: the rules from the installed share/alfoil"
else not_ok "--version: the rules from the installed share/alfoil" "$(cat "$work/version")"; fi
if [ -d "$ROOT/data/" ] && [ -f "$ROOT/data/country.mmdb" ]; then
	if grep -q "$dest/usr/share/alfoil/data/country.mmdb" "$work/version"; then
		ok "--version: the IP data from the installed share/alfoil/data"
	else not_ok "--version: the IP data from the installed share/alfoil/data" "$(cat "$work/version")"; fi
else
	skip "--version: the IP data from the installed share/alfoil/data" \
		"data/ is absent (scripts/setup.sh): none installed"
fi

# the same report as the tree's binary, but for where the data sets are
if [ -f "$example" ]; then
	cp "$example" "$work/home.pcap"
	(cd "$work" && "$ALFOIL" inspect --json --no-progress home.pcap >tree.json 2>tree.err)
	(cd "$work" && "$dest/usr/bin/alfoil" inspect --json --no-progress home.pcap >inst.json 2>inst.err)
	strip='del(.data_sets[]?.path) | del(.data_sets[]?.fallback)'
	if jq -S "$strip" "$work/tree.json" >"$work/tree.s" 2>&1 &&
		jq -S "$strip" "$work/inst.json" >"$work/inst.s" 2>&1 &&
		[ "$(jq '.devices | length' "$work/inst.json")" -gt 0 ] && cmp -s "$work/tree.s" "$work/inst.s"; then
		ok "inspect examples/home.pcap: the installed binary's JSON is the tree's (data paths aside)"
	else
		not_ok "inspect examples/home.pcap: the installed binary's JSON is the tree's (data paths aside)" \
			"$(diff "$work/tree.s" "$work/inst.s" | head -20; cat "$work/inst.err" | head -5)"
	fi
else
	skip "inspect examples/home.pcap with the installed binary" "examples/home.pcap is absent (make example)"
fi

# the unit: systemd-analyze verify wants ExecStart's binary to exist, so a
# copy of the installed unit with the path rewritten into the DESTDIR is
# verified; any message about the unit (an unknown key is only a warning
# with status 0) fails it too
if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir -p "$work/unit"
	sed "s|^ExecStart=/usr/bin/|ExecStart=$dest/usr/bin/|" "$unit" \
		>"$work/unit/alfoil.service"
	systemd-analyze verify "$work/unit/alfoil.service" >"$work/verify" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && ! grep -q 'alfoil' "$work/verify"; then
		ok "systemd-analyze verify: the installed unit"
	else not_ok "systemd-analyze verify: the installed unit" "status $rc: $(cat "$work/verify")"; fi
	# the root-start drop-in of docs/deploy.md (its ```ini block) on top
	sed -n '/^```ini$/,/^```$/p' "$ROOT/docs/deploy.md" | sed '1d;$d' >"$work/dropin.conf"
	sed '/^\[Service\]$/d' "$work/dropin.conf" >"$work/dropin.lines"
	# the drop-in's lines at the end of [Service], where a drop-in's go
	awk -v f="$work/dropin.lines" '/^\[Install\]$/ { while ((getline l < f) > 0) print l; print "" } { print }' \
		"$work/unit/alfoil.service" >"$work/unit/alfoil-root.service"
	systemd-analyze verify "$work/unit/alfoil-root.service" >"$work/verify-root" 2>&1
	rc=$?
	if [ -s "$work/dropin.lines" ] && grep -q '^User=root$' "$work/unit/alfoil-root.service" && [ $rc -eq 0 ] &&
		! grep -q 'alfoil' "$work/verify-root"; then
		ok "systemd-analyze verify: the unit with deploy.md's root-start drop-in"
	else not_ok "systemd-analyze verify: the unit with deploy.md's root-start drop-in" \
		"status $rc: $(cat "$work/verify-root" "$work/dropin.lines")"; fi
	# a unit it rejects: the check above can fail
	sed 's|^ExecStart=.*|ExecStart=/nonexistent/alfoil watch|' "$work/unit/alfoil.service" >"$work/unit/bad.service"
	if ! systemd-analyze verify "$work/unit/bad.service" >/dev/null 2>&1; then
		ok "systemd-analyze verify: rejects a unit whose binary is missing"
	else not_ok "systemd-analyze verify: rejects a unit whose binary is missing"; fi
	absent=
	for k in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes StateDirectory=alfoil \
		ReadWritePaths=/var/lib/alfoil 'CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN' \
		'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_PACKET AF_NETLINK' MemoryDenyWriteExecute=yes \
		Restart=on-failure 'ExecReload=/bin/kill -HUP $MAINPID'; do
		grep -qxF "$k" "$unit" || absent="$absent [$k]"
	done
	if [ -z "$absent" ]; then ok "the unit's hardening lines are there"
	else not_ok "the unit's hardening lines are there" "absent:$absent"; fi
	# the figure docs/deploy.md quotes
	if systemd-analyze security --offline=yes "$work/unit/alfoil.service" >"$work/security" 2>&1; then
		echo "# $(tail -1 "$work/security")"
	fi
	# every system call watch's privilege drop makes is in the filter
	# (SystemCallFilter=@system-service; a denied one is EPERM, not a kill)
	expand() {
		systemd-analyze syscall-filter "$1" 2>/dev/null | awk 'NR > 1 && $1 !~ /^#/ && NF { print $1 }' |
			while read -r s; do case $s in @*) expand "$s" ;; *) echo "$s" ;; esac; done
	}
	expand @system-service | sort -u >"$work/allowed"
	denied=
	for s in capget capset prctl setresuid setresgid setgroups socket setsockopt bind poll mmap fcntl \
		pwrite64 fdatasync ftruncate futex rt_sigaction readlink; do
		grep -qx "$s" "$work/allowed" || denied="$denied $s"
	done
	if [ "$(wc -l <"$work/allowed")" -gt 100 ] && [ -z "$denied" ]; then
		ok "@system-service allows the system calls of the capture, the store and the drop"
	else not_ok "@system-service allows the system calls of the capture, the store and the drop" \
		"denied:$denied"; fi
else
	skip "systemd-analyze verify: the installed unit" "systemd-analyze is not installed (Debian package systemd)"
fi

# the config: every key a watch long option and the reverse (once watch
# is built in: its --help lists the options)
keys=$(sed -nE 's/^#([a-z][a-z-]*) = .*/\1/p' "$ROOT/dist/alfoil.conf" | sort -u)
if "$ALFOIL" watch --help >"$work/watch-help" 2>&1 && grep -q -- '--commit-interval' "$work/watch-help"; then
	# the options' own lines ("  -i, --interface IFACE", "      --db PATH"),
	# not the mentions in the text; not --help, --config, nor -r's (files)
	opts=$(sed -nE 's/^  (-[a-zA-Z], |    )--([a-z][a-z-]*).*/\1 \2/p' "$work/watch-help" |
		grep -vE '^-r, ' | awk '{ print $NF }' | grep -vxE 'help|config' | sort -u)
	if [ "$keys" = "$opts" ]; then ok "alfoil.conf: one key per watch long option"
	else not_ok "alfoil.conf: one key per watch long option" "$(diff <(echo "$keys") <(echo "$opts"))"; fi
	# the values shown are ones watch takes: every line uncommented but
	# those naming a file, a user or an interface of this machine, or a
	# server on the internet (the webhook's example), read by
	# the installed binary over the example, whose history then has its
	# seven devices
	here='interface|user|db|report-file|(data|ieee)-dir|(country|asn)-db'
	here="$here|clouds|signatures|find-config|blocklist|profiles|policies|eve|webhook"
	sed -nE 's/^#([a-z][a-z-]*) = /\1 = /p' "$dest/etc/alfoil/alfoil.conf" | grep -vE "^($here) " \
		>"$work/all.conf"
	if [ -f "$example" ]; then
		"$dest/usr/bin/alfoil" watch -r "$example" --db "$work/w.db" --config "$work/all.conf" \
			>"$work/watch.out" 2>&1
		rc=$?
		n=$("$dest/usr/bin/alfoil" report --db "$work/w.db" --json 2>/dev/null | jq '.devices | length')
		d="alfoil.conf's values uncommented: the installed watch takes them (the example: 7 devices)"
		if [ $rc -eq 0 ] && [ "$(wc -l <"$work/all.conf")" -gt 10 ] && [ "${n:-0}" -eq 7 ]; then ok "$d"
		else not_ok "$d" "status $rc, devices ${n:-none}: $(tail -5 "$work/watch.out")"; fi
	else
		skip "alfoil.conf's values uncommented: the installed watch takes them" "examples/home.pcap is absent"
	fi
else
	skip "alfoil.conf: one key per watch long option" "this alfoil has no watch command yet"
fi
# the keys of the contract (notes: issue 15), whatever watch adds to them
absent=
for k in interface db commit-interval user filter buffer-size home-country data-dir log-level rollup-after \
	keep-days keep-names keep-events keep-findings resolve-after enforce; do
	echo "$keys" | grep -qx -- "$k" || absent="$absent $k"
done
if [ -z "$absent" ]; then ok "alfoil.conf: the contract's 16 keys, each commented out"
else not_ok "alfoil.conf: the contract's 16 keys, each commented out" "absent:$absent"; fi
check "alfoil.conf: no key set (every line a default, commented out)" \
	test "$(grep -cvE '^(#.*)?$' "$ROOT/dist/alfoil.conf")" -eq 0

# a second install keeps an edited config and leaves the new one beside it
echo "interface = eth9" >>"$dest/etc/alfoil/alfoil.conf"
cp "$dest/etc/alfoil/alfoil.conf" "$work/edited.conf"
mk install >"$work/install2.log" 2>&1
check "a second install succeeds" test $? -eq 0
check "a second install keeps the edited config" cmp "$work/edited.conf" "$dest/etc/alfoil/alfoil.conf"
check "... and writes the new one as alfoil.conf.dist" cmp "$ROOT/dist/alfoil.conf" "$dest/etc/alfoil/alfoil.conf.dist"

# uninstall: what install wrote goes, the edited config and a database stay
touch "$dest/var/lib/alfoil/alfoil.db"
mk uninstall >"$work/uninstall.log" 2>&1
check "make uninstall succeeds" test $? -eq 0
left=$(cd "$dest" && find . -type f | sort)
if [ "$left" = "$(printf './etc/alfoil/alfoil.conf\n./var/lib/alfoil/alfoil.db')" ]; then
	ok "uninstall removes what install wrote, keeps the edited config and the database"
else not_ok "uninstall removes what install wrote, keeps the edited config and the database" "left: $left"; fi
check "uninstall says the edited config was kept" grep -q 'alfoil.conf was edited: kept' "$work/uninstall.log"

# a fresh install and uninstall leave no file at all
rm -rf "$dest"
mk install >/dev/null 2>&1 && mk uninstall >/dev/null 2>&1
left=$(cd "$dest" 2>/dev/null && find . -type f)
if [ -z "$left" ] && [ ! -e "$dest/usr/share/alfoil" ] && [ ! -e "$dest/var/lib/alfoil" ]; then
	ok "install then uninstall: no file, no alfoil directory left"
else
	not_ok "install then uninstall: no file, no alfoil directory left" \
		"$left $(ls -d "$dest"/usr/share/alfoil "$dest"/var/lib/alfoil 2>&1)"
fi

tap_end
