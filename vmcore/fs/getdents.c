/* getdents: the original directory-reading call, before getdents64.  Its
 * record has a long inode number and offset, the name, and the type in
 * the record's last byte (after the name's NUL and padding). */
#include <vmcore/fs_at.h>
#include <vmcore/syscall.h>
#include <stdlib.h>
#include <string.h>

struct linux_dirent {
	unsigned long d_ino, d_off;
	unsigned short d_reclen;
	char d_name[];
};

static int fill_old(struct dirent_sink *s, const char *name, size_t namelen, u64 ino, unsigned type,
		    s64 next)
{
	size_t reclen = (offsetof(struct linux_dirent, d_name) + namelen + 2 + 7) & ~7UL;
	if (s->used + reclen > s->len) {
		if (!s->used)
			s->error = -EINVAL;
		return 1;
	}
	struct linux_dirent *d = (void *)(s->buf + s->used);
	memset(d, 0, reclen);
	d->d_ino = ino;
	d->d_off = next;
	d->d_reclen = reclen;
	memcpy(d->d_name, name, namelen);
	((u8 *)d)[reclen - 1] = type;
	s->used += reclen;
	return 0;
}

SYSCALL_DEFINE(getdents)
{
	return getdents_with(t, a, fill_old);
}
