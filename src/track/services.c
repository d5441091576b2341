/* services.c - the well-known service ports as the tracker uses them:
 * which application a port carries, whether it is encrypted, and whether
 * the port is a server's (the responder's) or a client's (DHCP clients
 * send from 68). Used for the first guess of a destination's application
 * (dests.c) and for deciding which end of a flow is the server
 * (direction.c). The ports are the registry's (decode/apps.def): one line
 * per application there, nothing here. */
#include "decode/app.h"
#include "track/internal.h"

/* The registry says encryption in enum app_enc: the same values. */
_Static_assert((int)APP_ENC_UNKNOWN == (int)ENC_UNKNOWN && (int)APP_ENC_YES == (int)ENC_YES &&
		       (int)APP_ENC_LIKELY == (int)ENC_LIKELY && (int)APP_ENC_NO == (int)ENC_NO,
	       "enum app_enc and enum enc_state agree");

const struct app_port *service_lookup(uint8_t proto, uint16_t port)
{
	return app_port(proto, port);
}

bool service_port(uint8_t proto, uint16_t port)
{
	const struct app_port *s = app_port(proto, port);
	return s && s->server;
}
