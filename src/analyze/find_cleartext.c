/* find_cleartext.c - cleartext and weak security: Telnet and FTP, HTTP
 * credentials, MQTT without TLS, plain HTTP to a cloud, TLS 1.0/1.1, and
 * the local protocols (miIO, Tuya) whose keys travel with the device. */
#include <strings.h>

#include "analyze/find_util.h"

/* The values of the device's attributes of one kind, as a list "values";
 * want (or NULL: all) picks them. */
static void attr_values(const struct rep_device *d, const char *kind, int (*want)(const char *v), struct fset *ev)
{
	for (size_t i = 0; i < d->n_attrs; i++)
		if (!strcmp(d->attrs[i].kind, kind) && (!want || want(d->attrs[i].value)))
			fs_name(fl_item(fs_list(ev, "values")), "value", d->attrs[i].value);
}

/* Basic and bearer tokens, and credentials in URLs, are readable as they
 * are; Digest and NTLM send no password */
static int readable_credentials(const char *v)
{
	return !strncasecmp(v, "Basic ", 6) || !strncasecmp(v, "Bearer ", 7) || !strncmp(v, "URL ", 4);
}

enum { CT_TELNET, CT_FTP, CT_MQTT, CT_HTTP, CT_OLDTLS, CT_N };

static void run(const struct report *r, const struct find_inputs *in, struct findings *out)
{
	(void)in;
	for (size_t k = 0; k < r->n_devices; k++) {
		const struct rep_device *d = &r->devices[k];
		if (d->gateway)
			continue;
		struct fset ev[CT_N];
		memset(ev, 0, sizeof ev);
		for (size_t i = 0; i < d->n_dests; i++) {
			const struct rep_dest *x = &d->dests[i];
			if (x->inbound || !is_tcp(x) || (!x->internet && !is_lan_host(x)))
				continue;
			struct fset *it = NULL;
			if ((x->port == 23 || x->port == 2323) && x->pkts_down)
				it = dest_item(fs_list(&ev[CT_TELNET], "destinations"), x);
			else if (x->port == 21 && x->pkts_down)
				it = dest_item(fs_list(&ev[CT_FTP], "destinations"), x);
			else if (x->port == 1883)
				it = dest_item(fs_list(&ev[CT_MQTT], "destinations"), x);
			else if (x->internet && x->app == APP_HTTP && x->company && !is_computer(d))
				it = dest_item(fs_list(&ev[CT_HTTP], "destinations"), x);
			fs_port(it, "port", x->port);
			if (x->tls_version && x->tls_version < 0x0303)
				fs_count(dest_item(fs_list(&ev[CT_OLDTLS], "destinations"), x), "tls_version", x->tls_version);
		}
		static const struct {
			enum severity sev;
			const char *kind, *subject;
		} dk[CT_N] = {
			[CT_TELNET] = { SEV_HIGH, "cleartext-telnet", "telnet" },
			[CT_FTP] = { SEV_HIGH, "cleartext-ftp", "ftp" },
			[CT_MQTT] = { SEV_MEDIUM, "cleartext-mqtt", "mqtt" },
			[CT_HTTP] = { SEV_LOW, "cleartext-cloud", "http" },
			[CT_OLDTLS] = { SEV_MEDIUM, "weak-tls", "tls" },
		};
		for (int i = 0; i < CT_N; i++)
			if (ev[i].n)
				finding_take(out, dk[i].sev, dk[i].kind, d, dk[i].subject, &ev[i]);
		struct fset cr = { .n = 0 };
		attr_values(d, "http-credentials", readable_credentials, &cr);
		if (cr.n)
			finding_take(out, SEV_HIGH, "cleartext-credentials", d, "http", &cr);
		struct fset weak = { .n = 0 };
		attr_values(d, "tls-weak-offer", NULL, &weak);
		if (weak.n)
			finding_take(out, SEV_MEDIUM, "weak-tls-offer", d, "tls", &weak);
		/* local protocols whose secrets are shared or easily taken */
		int tuya = 0, miio = 0;
		for (size_t i = 0; i < d->n_attrs; i++) {
			tuya |= !strcmp(d->attrs[i].kind, "tuya-gwid");
			miio |= !strcmp(d->attrs[i].kind, "miio-device-id");
		}
		for (size_t i = 0; i < d->n_serves; i++)
			miio |= d->serves[i].proto == IPPROTO_UDP && d->serves[i].port == 54321;
		struct finding *f;
		if ((tuya || miio) && (f = finding_add(out, SEV_LOW, "local-protocol", d, "lan"))) {
			fs_flag(&f->ev, "tuya", tuya);
			fs_flag(&f->ev, "miio", miio);
		}
	}
}

static const char *const kinds[] = { "cleartext-telnet", "cleartext-ftp", "cleartext-credentials", "cleartext-mqtt",
				     "cleartext-cloud", "weak-tls", "weak-tls-offer", "local-protocol", NULL };

const struct detector find_cleartext = {
	"cleartext", run, kinds, "Telnet, FTP, HTTP credentials, MQTT, plain HTTP, old TLS, local protocols",
};
