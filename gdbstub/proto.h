/* The GDB remote serial protocol beneath the stub: transports, packets,
 * and the parsing of packet arguments.  No kernel state here. */
#ifndef GDBSTUB_PROTO_H
#define GDBSTUB_PROTO_H

#include <vmcore/kernel.h>
#include <vmcore/trace.h> /* struct sbuf */
#include <stddef.h>
#include <sys/user.h>

/* The largest packet we take (and say so in qSupported); longer ones are
 * dropped with a NAK. */
#define GDB_PACKET_SIZE 131072

struct gdb_listener;
struct gdb_conn;

/* gdb=tcp:[HOST]:PORT (loopback if HOST is empty; port 0: any free one),
 * gdb=unix:PATH, gdb=- (stdin and stdout).  NULL and a message in err. */
struct gdb_listener *gdb_listen(const char *spec, char *err, size_t errlen);
int gdb_listener_fd(struct gdb_listener *l); /* -1 for stdio */
/* "127.0.0.1:1234", "unix:/path", "stdio" */
const char *gdb_listener_addr(struct gdb_listener *l);
/* Wait for a client; NULL when none can come any more (stdio, used). */
struct gdb_conn *gdb_accept(struct gdb_listener *l);
/* A second client while one is attached: told so, and closed. */
void gdb_refuse_second(struct gdb_listener *l);

int gdb_conn_fd(struct gdb_conn *c);
/* Read what the socket has; -1 when the client has gone. */
int gdb_conn_fill(struct gdb_conn *c);
enum { GDB_NONE, GDB_PACKET, GDB_INTERRUPT };
/* The next complete packet (its data, unescaped, in buf), an interrupt
 * (^C), or GDB_NONE when more input is needed. */
int gdb_conn_next(struct gdb_conn *c, char *buf, size_t cap, size_t *len);
void gdb_conn_set_noack(struct gdb_conn *c, bool noack);
/* Send a packet: data (binary allowed) escaped, checksummed. */
void gdb_send(struct gdb_conn *c, const char *data, size_t len);
void gdb_conn_close(struct gdb_conn *c);

/* The packet parser itself, for tests: feed bytes, take events. */
struct gdb_parser {
	int state;
	u8 sum;
	int csum_digits;
	u8 csum;
	char *buf;
	size_t len, cap;
	bool overflow;
	bool escape;
};
enum { GDB_EV_NONE, GDB_EV_PACKET, GDB_EV_BAD, GDB_EV_INTERRUPT, GDB_EV_ACK, GDB_EV_NAK };
/* One byte in: an event when a packet, ^C, + or - is complete. */
int gdb_parser_feed(struct gdb_parser *p, u8 c);

/* Arguments */
int gdb_hex_decode(const char *hex, void *out, size_t n);   /* exactly 2n digits */
void gdb_hex_encode(struct sbuf *b, const void *data, size_t n);
int gdb_parse_addr_len(const char *s, u64 *addr, u64 *len, const char **rest); /* "A,L[:...]" */
/* "pPID.TID", "pPID", "TID", "-1", "0"; -1 is returned as -1, any as 0. */
int gdb_parse_thread_id(const char *s, int *pid, int *tid, const char **end);
struct gdb_vcont {
	char action; /* c s C S t */
	int sig;     /* GDB's number */
	int pid, tid;
};
/* ";c;s:p1.2;..." -> up to max actions; their number or -1 */
int gdb_parse_vcont(const char *s, struct gdb_vcont *acts, int max);
/* "OBJECT:read:ANNEX:OFF,LEN" */
int gdb_parse_qxfer(const char *s, char *object, size_t olen, char *annex, size_t alen, u64 *off, u64 *len);
/* The reply to a qXfer read: "m" or "l" and the part of data. */
void gdb_qxfer_chunk(struct sbuf *b, const char *data, size_t dlen, u64 off, u64 len);

/* x86-64 registers as the target description numbers them */
const char *gdb_target_xml(const char *annex);
void gdb_regs_encode(struct sbuf *b, const struct user_regs_struct *r, const void *xs, int xslen);
int gdb_regs_decode(const char *hex, struct user_regs_struct *r, void *xs, int xslen);
/* A register number gdb may name in p/P (target.xml's numbering). */
bool gdb_reg_valid(unsigned long regno);
bool gdb_reg_needs_xstate(int regno);
int gdb_reg_encode(struct sbuf *b, int regno, const struct user_regs_struct *r, const void *xs, int xslen);
int gdb_reg_decode(int regno, const char *hex, struct user_regs_struct *r, void *xs, int xslen);

#endif
