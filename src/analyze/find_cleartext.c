/* find_cleartext.c - cleartext and weak security: Telnet and FTP, HTTP
 * credentials, MQTT without TLS, plain HTTP to a cloud, TLS 1.0/1.1, and
 * the local protocols (miIO, Tuya) whose keys travel with the device. */
#include <strings.h>

#include "analyze/find_util.h"

void detect_cleartext(const struct report *r, const struct find_inputs *in, struct findings *out)
{
	(void)in;
	for (size_t k = 0; k < r->n_devices; k++) {
		const struct rep_device *d = &r->devices[k];
		if (d->gateway)
			continue;
		char telnet[300] = "", ftp[300] = "", mqtt[300] = "", http[300] = "", oldtls[300] = "";
		for (size_t i = 0; i < d->n_dests; i++) {
			const struct rep_dest *x = &d->dests[i];
			if (x->inbound || !is_tcp(x) || (!x->internet && !is_lan_host(x)))
				continue;
			char item[160], a[ADDR_STRLEN];
			snprintf(item, sizeof item, "%s:%u", dest_label(x, a), x->port);
			if ((x->port == 23 || x->port == 2323) && x->pkts_down)
				list_add(telnet, sizeof telnet, item);
			else if (x->port == 21 && x->pkts_down)
				list_add(ftp, sizeof ftp, item);
			else if (x->port == 1883)
				list_add(mqtt, sizeof mqtt, item);
			else if (x->internet && x->app == APP_HTTP && x->company && !is_computer(d))
				list_add(http, sizeof http, item);
			if (x->tls_version && x->tls_version < 0x0303) {
				snprintf(item, sizeof item, "%s (TLS 1.%d)", dest_label(x, a), x->tls_version - 0x0301);
				list_add(oldtls, sizeof oldtls, item);
			}
		}
		struct finding *f;
		if (telnet[0] && (f = finding_add(out, SEV_HIGH, "cleartext-telnet", d,
						  "Telnet sends passwords in the clear: turn it off, or block "
						  "port 23 for this device."))) {
			finding_title(f, "logs in with Telnet (cleartext)");
			finding_evidence(f, "Telnet sessions to %s", telnet);
		}
		if (ftp[0] && (f = finding_add(out, SEV_HIGH, "cleartext-ftp", d,
					       "FTP sends passwords and files in the clear; use SFTP or HTTPS."))) {
			finding_title(f, "uses FTP (cleartext)");
			finding_evidence(f, "FTP sessions to %s", ftp);
		}
		/* Basic and bearer tokens, and credentials in URLs, are readable as
		 * they are; Digest and NTLM send no password */
		char creds[400] = "";
		for (size_t i = 0; i < d->n_attrs; i++) {
			const char *v = d->attrs[i].value;
			if (!strcmp(d->attrs[i].kind, "http-credentials") &&
			    (!strncasecmp(v, "Basic ", 6) || !strncasecmp(v, "Bearer ", 7) || !strncmp(v, "URL ", 4)))
				list_add(creds, sizeof creds, v);
		}
		if (creds[0] &&
		    (f = finding_add(out, SEV_HIGH, "cleartext-credentials", d,
				     "Anyone on the path can read these credentials: change the password "
				     "and use HTTPS."))) {
			finding_title(f, "sends credentials over plain HTTP");
			finding_evidence(f, "%s", creds);
		}
		if (mqtt[0] && (f = finding_add(out, SEV_MEDIUM, "cleartext-mqtt", d,
						"MQTT without TLS exposes the device's messages and "
						"credentials; the broker should offer port 8883."))) {
			finding_title(f, "talks MQTT without TLS");
			finding_evidence(f, "MQTT (port 1883) to %s", mqtt);
		}
		if (http[0] && (f = finding_add(out, SEV_LOW, "cleartext-cloud", d,
						"What it tells its cloud can be read and changed on the way."))) {
			finding_title(f, "talks plain HTTP to its cloud");
			finding_evidence(f, "HTTP to %s", http);
		}
		if (oldtls[0] && (f = finding_add(out, SEV_MEDIUM, "weak-tls", d,
						  "TLS 1.0 and 1.1 are retired (RFC 8996): the firmware is "
						  "old; look for an update."))) {
			finding_title(f, "offers at most TLS 1.0 or 1.1");
			finding_evidence(f, "%s", oldtls);
		}
		char weak[400] = "";
		for (size_t i = 0; i < d->n_attrs; i++)
			if (!strcmp(d->attrs[i].kind, "tls-weak-offer"))
				list_add(weak, sizeof weak, d->attrs[i].value);
		if (weak[0] && (f = finding_add(out, SEV_MEDIUM, "weak-tls-offer", d,
						"It offers ciphers broken for years: a server that accepts "
						"them exposes its traffic. Update the firmware."))) {
			finding_title(f, "offers weak TLS cipher suites");
			finding_evidence(f, "%s", weak);
		}
		/* local protocols whose secrets are shared or easily taken */
		int tuya = 0, miio = 0;
		for (size_t i = 0; i < d->n_attrs; i++) {
			tuya |= !strcmp(d->attrs[i].kind, "tuya-gwid");
			miio |= !strcmp(d->attrs[i].kind, "miio-device-id");
		}
		for (size_t i = 0; i < d->n_serves; i++)
			miio |= d->serves[i].proto == IPPROTO_UDP && d->serves[i].port == 54321;
		if ((tuya || miio) &&
		    (f = finding_add(out, SEV_LOW, "local-protocol", d,
				     "Anyone on the LAN can find and often control it: keep such devices "
				     "on a network of their own."))) {
			finding_title(f, "speaks %s on the LAN", tuya && miio ? "Tuya and miIO" : tuya ? "Tuya" : "Xiaomi miIO");
			finding_evidence(f, "%s%s", tuya ? "broadcasts Tuya discovery (its key is shared by all Tuya devices)" : "",
					 miio ? (tuya ? "; miIO on UDP 54321 (the token is given out to any app that asks during setup)"
						      : "miIO on UDP 54321 (the token is given out to any app that asks during setup)")
					      : "");
		}
	}
}
