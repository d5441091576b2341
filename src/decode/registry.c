/* registry.c - the application registry (decode/apps.def) as tables: one
 * struct app_def per line, and a direct index of every service port by
 * transport and number (2 x 65536 bytes), built once, so a datagram's
 * decoder costs two loads, not a search. */
#include <netinet/in.h>
#include <pthread.h>

#include "decode/app.h"

#define ENC_UNKNOWN APP_ENC_UNKNOWN
#define ENC_YES APP_ENC_YES
#define ENC_LIKELY APP_ENC_LIKELY
#define ENC_NO APP_ENC_NO

/* Each line's ports. */
#define UDP(p) { IPPROTO_UDP, APP_PORT_SERVER, p },
#define UDP_CLIENT(p) { IPPROTO_UDP, APP_PORT_CLIENT, p },
#define UDP_EITHER(p) { IPPROTO_UDP, APP_PORT_EITHER, p },
#define TCP(p) { IPPROTO_TCP, APP_PORT_SERVER, p },
#define APP(id, name, enc, seen, ports, code) static const struct app_def_port ports_##id[] = { ports { 0, 0, 0 } };
#include "decode/apps.def"
static const struct app_def_port ports_UNKNOWN[] = { { 0, 0, 0 } };
#undef UDP
#undef UDP_CLIENT
#undef UDP_EITHER
#undef TCP

/* Each line. */
#define UDP_DEC(fn) .udp = fn, .udp_name = #fn,
#define TCP_DEC(fn) .tcp = fn, .tcp_name = #fn,
#define UDP_IS(fn) .udp_is = fn,
#define TCP_IS(fn) .tcp_is = fn,
#define APP(i, nm, e, s, pts, code) \
	[APP_##i] = { .name = nm, .id = APP_##i, .enc = ENC_##e, .seen = ENC_##s, code .ports = ports_##i },
static const struct app_def defs[APP__COUNT] = {
	[APP_UNKNOWN] = { .name = "", .id = APP_UNKNOWN, .ports = ports_UNKNOWN },
#include "decode/apps.def"
};
#undef UDP_DEC
#undef TCP_DEC
#undef UDP_IS
#undef TCP_IS

/* How many service ports there are: one for each port macro, SERVICE line. */
#define UDP(p) +1
#define UDP_CLIENT(p) +1
#define UDP_EITHER(p) +1
#define TCP(p) +1
#define APP(id, name, enc, seen, ports, code) ports
#define SERVICE(proto, port, enc) +1
enum { N_PORTS = 0
#include "decode/apps.def"
};
#undef UDP
#undef UDP_CLIENT
#undef UDP_EITHER
#undef TCP

#define T_UDP IPPROTO_UDP
#define T_TCP IPPROTO_TCP
#define SERVICE(proto, p, e) { T_##proto, p, APP_UNKNOWN, ENC_##e, 1, 0 },
static const struct app_port services[] = {
#include "decode/apps.def"
	{ 0, 0, 0, 0, 0, 0 }
};

static struct app_port ports[N_PORTS];
static uint8_t index_udp[65536], index_tcp[65536]; /* 1 + an index into ports[], 0: none */
static const struct app_def *recog_udp[APP__COUNT], *recog_tcp[APP__COUNT]; /* NULL ends */
static pthread_once_t built = PTHREAD_ONCE_INIT;

_Static_assert(N_PORTS < 255, "the port index holds 8-bit entries");

/* The first line naming a port keeps it: the unit tests say there is
 * only one. */
static void add(size_t *n, const struct app_port *p)
{
	uint8_t *ix = p->proto == IPPROTO_UDP ? index_udp : index_tcp;
	if (*n >= N_PORTS || ix[p->port])
		return;
	ports[*n] = *p;
	ix[p->port] = (uint8_t)++*n;
}

static void build(void)
{
	size_t n = 0, nu = 0, nt = 0;
	for (int a = 1; a < APP__COUNT; a++) {
		const struct app_def *d = &defs[a];
		for (const struct app_def_port *dp = d->ports; dp->proto; dp++) {
			struct app_port p = { dp->proto, dp->port, d->id, d->enc, dp->role != APP_PORT_CLIENT,
					      dp->role == APP_PORT_EITHER };
			add(&n, &p);
		}
		if (d->udp && d->udp_is)
			recog_udp[nu++] = d;
		if (d->tcp && d->tcp_is)
			recog_tcp[nt++] = d;
	}
	for (const struct app_port *s = services; s->proto; s++)
		add(&n, s);
}

const struct app_def *app_def(enum app_proto a)
{
	return (unsigned)a < APP__COUNT ? &defs[a] : NULL;
}

const char *app_proto_name(enum app_proto a)
{
	return (unsigned)a < APP__COUNT ? defs[a].name : "";
}

const struct app_port *app_port(uint8_t proto, uint16_t port)
{
	pthread_once(&built, build);
	uint8_t i = proto == IPPROTO_UDP ? index_udp[port] : proto == IPPROTO_TCP ? index_tcp[port] : 0;
	return i ? &ports[i - 1] : NULL;
}

/* The line of a port when it has a decoder for the port's transport. */
static const struct app_def *decoder_at(const uint8_t *ix, uint16_t port, bool udp)
{
	uint8_t i = ix[port];
	if (!i)
		return NULL;
	const struct app_def *d = &defs[ports[i - 1].app];
	return (udp ? d->udp : d->tcp) ? d : NULL;
}

const struct app_def *app_udp(uint16_t sport, uint16_t dport)
{
	pthread_once(&built, build);
	const struct app_def *s = decoder_at(index_udp, sport, true);
	if (s && ports[index_udp[sport] - 1].either)
		return s;
	const struct app_def *d = decoder_at(index_udp, dport, true);
	return d ? d : s;
}

const struct app_def *app_tcp(uint16_t sport, uint16_t dport)
{
	pthread_once(&built, build);
	const struct app_def *d = decoder_at(index_tcp, dport, false);
	return d ? d : decoder_at(index_tcp, sport, false);
}

const struct app_def *app_udp_recognise(const uint8_t *p, size_t len)
{
	pthread_once(&built, build);
	for (const struct app_def *const *d = recog_udp; *d; d++)
		if ((*d)->udp_is(p, len))
			return *d;
	return NULL;
}

const struct app_def *app_tcp_recognise(const uint8_t *p, size_t len)
{
	pthread_once(&built, build);
	for (const struct app_def *const *d = recog_tcp; *d; d++)
		if ((*d)->tcp_is(p, len))
			return *d;
	return NULL;
}

app_decode_fn app_for_udp(uint16_t sport, uint16_t dport)
{
	const struct app_def *d = app_udp(sport, dport);
	return d ? d->udp : NULL;
}
