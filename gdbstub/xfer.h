/* gdbstub/xfer.c: qXfer objects, info os, and vFile, from the kernel's
 * state.  Answers are appended to an sbuf (binary where the packet is). */
#ifndef GDBSTUB_XFER_H
#define GDBSTUB_XFER_H

#include "target.h"
#include <vmcore/trace.h>

void xfer_threads(struct sbuf *b);
int xfer_auxv(struct task *t, struct sbuf *b);
int xfer_exec_file(struct task *t, char *buf, size_t len);
void xfer_processes(struct sbuf *b);
void xfer_libraries_svr4(struct task *t, struct sbuf *b);

void vfile_setfs(int pid, struct sbuf *b);
void vfile_open(const char *path, int gflags, int mode, struct sbuf *b);
void vfile_close(int fd, struct sbuf *b);
void vfile_pread(int fd, u64 count, u64 off, struct sbuf *b);
void vfile_pwrite(int fd, u64 off, const void *data, size_t len, struct sbuf *b);
void vfile_fstat(int fd, struct sbuf *b);
void vfile_readlink(const char *path, struct sbuf *b);
void vfile_reset(void);

/* monitor.c: a monitor command's output */
void monitor_command(const char *cmd, struct sbuf *out);

#endif
