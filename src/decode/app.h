/* app.h - application decoders: a transport payload in, observations out.
 *
 * Same contract as decode.h: any bytes, every length checked, nothing
 * allocated or printed. Each returns DEC_OK when the payload was (at least
 * partly) understood, or a negative DEC_E_* code. Observations found before an
 * error are still emitted (a truncated DNS answer still yields its question).
 */
#ifndef ALFOIL_DECODE_APP_H
#define ALFOIL_DECODE_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/apps.h"
#include "decode/obs.h"
#include "decode/pkt.h"

typedef int (*app_decode_fn)(const uint8_t *p, size_t len, struct obs_sink *sink);
/* Recognise a payload by its content alone: true when it is the protocol's. */
typedef bool (*app_is_fn)(const uint8_t *p, size_t len);

/* One decoder per file. Those of the registry (decode/apps.def) are
 * declared from its lines; the others: */
#define UDP_DEC(fn) int fn(const uint8_t *p, size_t len, struct obs_sink *sink);
#define TCP_DEC(fn) int fn(const uint8_t *p, size_t len, struct obs_sink *sink);
#define UDP_IS(fn) bool fn(const uint8_t *p, size_t len);
#define TCP_IS(fn) bool fn(const uint8_t *p, size_t len);
#define APP(id, name, enc, seen, ports, code) code
#include "decode/apps.def"
#undef UDP_DEC
#undef TCP_DEC
#undef UDP_IS
#undef TCP_IS
int app_http(const uint8_t *p, size_t len, struct obs_sink *sink);   /* request head */
int app_tls(const uint8_t *p, size_t len, struct obs_sink *sink);    /* TLS records holding a ClientHello */
int app_ndp(const uint8_t *p, size_t len, struct obs_sink *sink);    /* ICMPv6 message incl. type */

/* Stream helpers for TCP, used by the tracker to decide how much to buffer.
 * tls_record_need: given the first bytes of a client stream, the total number
 * of bytes the ClientHello handshake message needs (records included), 0 when
 * this is not a TLS handshake, or -1 when more bytes are needed to tell. */
long app_tls_need(const uint8_t *p, size_t len);
/* True when the payload starts like an HTTP/1.x request line. */
bool app_http_is_request(const uint8_t *p, size_t len);

/* The registry (registry.c, from decode/apps.def). */

/* Encryption as a line says it: the values of track's enum enc_state. */
enum app_enc { APP_ENC_UNKNOWN, APP_ENC_YES, APP_ENC_LIKELY, APP_ENC_NO };

/* A port as a line declares it. */
enum app_port_role {
	APP_PORT_SERVER = 1, /* UDP(p), TCP(p): the responder's port */
	APP_PORT_CLIENT,     /* UDP_CLIENT(p): a client's (DHCP's 68) */
	APP_PORT_EITHER,     /* UDP_EITHER(p): a server's, and wins on either side */
};
struct app_def_port {
	uint8_t proto; /* IPPROTO_UDP, IPPROTO_TCP; 0 ends the list */
	uint8_t role;  /* enum app_port_role */
	uint16_t port;
};

/* One line of decode/apps.def. */
struct app_def {
	const char *name;    /* "" for APP_UNKNOWN */
	uint8_t id;          /* enum app_proto */
	uint8_t enc;         /* enum app_enc guessed from its ports */
	uint8_t seen;        /* enum app_enc once its decoder recognised it */
	app_decode_fn udp;   /* datagrams with one of its UDP ports, or NULL */
	app_decode_fn tcp;   /* TCP payloads with one of its TCP ports, or NULL */
	app_is_fn udp_is;    /* a datagram on any port is its, or NULL */
	app_is_fn tcp_is;    /* a TCP payload on any port is its, or NULL */
	const char *udp_name, *tcp_name; /* the decoders' names ("app_dns"), or NULL */
	const struct app_def_port *ports;
};

/* A service port: every port of every line, and the SERVICE lines. */
struct app_port {
	uint8_t proto;
	uint16_t port;
	uint8_t app;    /* enum app_proto; APP_UNKNOWN for a SERVICE line */
	uint8_t enc;    /* enum app_enc */
	uint8_t server; /* the port is the server's (68 and 546 are clients') */
	uint8_t either; /* UDP_EITHER */
};

/* The line of an application, NULL out of range (APP_UNKNOWN has one,
 * named "", with no ports or decoders). */
const struct app_def *app_def(enum app_proto a);
/* The service port proto/port, or NULL: a direct index, no search. */
const struct app_port *app_port(uint8_t proto, uint16_t port);
/* The application whose decoder reads a datagram between sport and dport:
 * a UDP_EITHER port on either side first, then the destination port, then
 * the source port; NULL when none has a UDP decoder. */
const struct app_def *app_udp(uint16_t sport, uint16_t dport);
/* The same for a TCP payload (TCP_DEC). */
const struct app_def *app_tcp(uint16_t sport, uint16_t dport);
/* The first application (in the list's order) whose UDP_IS / TCP_IS says
 * the payload is its, or NULL. */
const struct app_def *app_udp_recognise(const uint8_t *p, size_t len);
const struct app_def *app_tcp_recognise(const uint8_t *p, size_t len);

/* UDP dispatch by port alone: app_udp()'s decoder, or NULL. */
app_decode_fn app_for_udp(uint16_t sport, uint16_t dport);

#endif
