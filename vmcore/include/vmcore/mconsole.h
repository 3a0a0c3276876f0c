/* The control console (umid=NAME), UML's mconsole: a Unix datagram socket
 * at ~/.vmcore/NAME/mconsole that scripts/vmctl (or UML's uml_mconsole)
 * sends commands to while the kernel runs.
 *
 * Two halves, as UML's mconsole_user.c / mconsole_kern.c: the host half
 * (vmcore/host/mconsole.c) owns the umid directory, the socket, the wire
 * format and the thread that serves it; the kernel half
 * (vmcore/kernel/mconsole.c) carries out one command and replies.  The
 * thread is no guest task: it answers while every guest task is busy,
 * frozen or stuck, and takes the BKL only for what needs kernel state,
 * with a bounded wait. */
#ifndef VMCORE_MCONSOLE_H
#define VMCORE_MCONSOLE_H

#include <vmcore/kernel.h>

/* The data of one request or one reply datagram, with its NUL. */
#define MCONSOLE_MAX_DATA 512

/* umid=NAME: make the directory, the pid file and the socket, and start
 * the thread.  A directory left by a kernel that is gone is taken over;
 * one of a live kernel is refused.  Prints why on failure; -errno. */
int mconsole_start(const char *umid);
/* Remove the socket, the pid file and the directory (every way out of
 * the kernel; async-signal-safe). */
void mconsole_remove(void);

/* The request being served (host half). */
struct mc_request;
/* Send a reply, in as many datagrams as it takes; err marks a failure.
 * The first reply of a request is the one the client gets; later ones are
 * dropped.  Returns false if the client could not be reached. */
bool mconsole_reply(struct mc_request *req, const char *text, size_t len, bool err);

/* Kernel half: carry out cmd (NUL-terminated, checked to be UTF-8 without
 * control characters) and reply to req. */
void mconsole_command(struct mc_request *req, char *cmd);

#endif
