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

#include "decode/obs.h"
#include "decode/pkt.h"

typedef int (*app_decode_fn)(const uint8_t *p, size_t len, struct obs_sink *sink);

/* One decoder per file. */
int app_dhcp(const uint8_t *p, size_t len, struct obs_sink *sink);   /* UDP 67/68 */
int app_dhcp6(const uint8_t *p, size_t len, struct obs_sink *sink);  /* UDP 546/547 */
int app_dns(const uint8_t *p, size_t len, struct obs_sink *sink);    /* DNS message */
int app_dns_tcp(const uint8_t *p, size_t len, struct obs_sink *sink); /* 2-byte length + message(s) */
int app_mdns(const uint8_t *p, size_t len, struct obs_sink *sink);   /* UDP 5353 */
int app_ssdp(const uint8_t *p, size_t len, struct obs_sink *sink);   /* UDP 1900 */
int app_ntp(const uint8_t *p, size_t len, struct obs_sink *sink);    /* UDP 123 */
int app_miio(const uint8_t *p, size_t len, struct obs_sink *sink);   /* UDP 54321 */
int app_tuya(const uint8_t *p, size_t len, struct obs_sink *sink);   /* UDP 6666/6667 */
int app_http(const uint8_t *p, size_t len, struct obs_sink *sink);   /* request head */
int app_tls(const uint8_t *p, size_t len, struct obs_sink *sink);    /* TLS records holding a ClientHello */
int app_pppp(const uint8_t *p, size_t len, struct obs_sink *sink);  /* UDP 32100, 32108, P2P ports */
/* True when a datagram is one CS2 PPPP message (magic, known type, exact
 * length): P2P peers use any port, so the content must say it. */
bool app_pppp_is(const uint8_t *p, size_t len);
int app_ndp(const uint8_t *p, size_t len, struct obs_sink *sink);    /* ICMPv6 message incl. type */

/* Stream helpers for TCP, used by the tracker to decide how much to buffer.
 * tls_record_need: given the first bytes of a client stream, the total number
 * of bytes the ClientHello handshake message needs (records included), 0 when
 * this is not a TLS handshake, or -1 when more bytes are needed to tell. */
long app_tls_need(const uint8_t *p, size_t len);
/* True when the payload starts like an HTTP/1.x request line. */
bool app_http_is_request(const uint8_t *p, size_t len);

/* UDP dispatch: the decoder for a datagram between sport and dport, or NULL.
 * mDNS (5353) before DNS (53) before the rest; both ports are tried. */
app_decode_fn app_for_udp(uint16_t sport, uint16_t dport);

#endif
