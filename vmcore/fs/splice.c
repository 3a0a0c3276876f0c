/* Moving data between files in the kernel: sendfile, splice, tee,
 * vmsplice and copy_file_range.
 *
 * Linux moves page references between pipes and the page cache; here the
 * bytes are copied through a page-sized kernel buffer, which keeps every
 * file system's read and write path as it is and costs one memcpy more.
 * What each call may do, and where it stops, follows Linux's:
 *  - a pipe end is used through pipe.c's primitives (wait for data or
 *    room, peek, consume, store), so bytes leave a pipe only once they
 *    have been written, and a file is read only as far as the pipe has
 *    room: nothing is lost when the other side fails half way;
 *  - splice and tee move what one wait makes available (min of length,
 *    bytes in the source pipe, room in the target) and return; sendfile
 *    and copy_file_range between files loop to the count or end of file;
 *  - the errors and their order are do_splice's, do_sendfile's and
 *    generic_copy_file_checks' (EBADF for the access modes, EINVAL when no
 *    side is a pipe or a side cannot be spliced, ESPIPE for an offset on a
 *    pipe, EXDEV between two mounts: no file system here has a
 *    cross-device copy of its own, as Linux's tmpfs and ext4). */
#include <vmcore/fsnotify.h>
#include <vmcore/syscall.h>
#include <vmcore/signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#define MAX_RW_COUNT 0x7ffff000L
#define SPLICE_F_MOVE 1
#define SPLICE_F_NONBLOCK 2
#define SPLICE_F_MORE 4
#define SPLICE_F_GIFT 8
#define SPLICE_F_ALL (SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | SPLICE_F_GIFT)
#define CHUNK PAGE_SIZE

static bool readable(struct file *f)
{
	return !(f->flags & O_PATH) && (f->flags & O_ACCMODE) != O_WRONLY;
}

static bool writable(struct file *f)
{
	return !(f->flags & O_PATH) && (f->flags & O_ACCMODE) != O_RDONLY;
}

/* A file that can be a splice source or target besides a pipe. */
static bool spliceable(struct file *f)
{
	return f->ops && !S_ISDIR(f->inode->mode);
}

/* file -> pipe: at most len bytes, as far as the pipe has room. */
static long file_to_pipe_moves(struct file *in, u64 *pos, struct pipe *p, size_t len, bool nb)
{
	long room = pipe_wait_room(p, nb);
	if (room < 0)
		return room;
	size_t want = MIN(len, (size_t)room), done = 0;
	u8 buf[CHUNK];
	while (done < want) {
		long n = vfs_read(in, buf, MIN(want - done, sizeof(buf)), pos);
		if (n <= 0) {
			if (n < 0 && !done)
				return n;
			break;
		}
		long s = pipe_store(p, buf, n);
		if (s < n) {
			/* no page for it (ENOMEM): give the rest back to the file */
			*pos -= n - MAX(s, 0);
			if (s <= 0)
				return done ? (long)done : s;
			done += s;
			break;
		}
		done += n;
	}
	return done;
}

/* the same, and the moved bytes' events (fsnotify) */
static long file_to_pipe(struct file *in, u64 *pos, struct pipe *p, size_t len, bool nb)
{
	long r = file_to_pipe_moves(in, pos, p, len, nb);
	fsnotify_rw(in, r, false);
	return r;
}

/* pipe -> file: what the pipe holds, up to len; bytes leave the pipe as
 * they are written. */
static long pipe_to_file_moves(struct pipe *p, struct file *out, u64 *pos, size_t len, bool nb)
{
	long avail = pipe_wait_data(p, nb);
	if (avail <= 0)
		return avail;
	size_t want = MIN(len, (size_t)avail), done = 0;
	u8 buf[CHUNK];
	while (done < want) {
		size_t n = pipe_peek(p, 0, buf, MIN(want - done, sizeof(buf)));
		long w = vfs_write(out, buf, n, pos);
		if (w <= 0) {
			if (!done)
				return w ? w : -EIO;
			break;
		}
		pipe_consume(p, w);
		done += w;
		if ((size_t)w < n)
			break;
	}
	return done;
}

/* the same, and the moved bytes' events (fsnotify) */
static long pipe_to_file(struct pipe *p, struct file *out, u64 *pos, size_t len, bool nb)
{
	long r = pipe_to_file_moves(p, out, pos, len, nb);
	fsnotify_rw(out, r, true);
	return r;
}

/* pipe -> pipe, consuming (splice) or not (tee). */
static long pipe_to_pipe(struct pipe *in, struct pipe *out, size_t len, bool nb, bool consume)
{
	long avail = pipe_wait_data(in, nb);
	if (avail <= 0)
		return avail;
	long room = pipe_wait_room(out, nb);
	if (room < 0)
		return room;
	/* the wait for room let the input change */
	size_t want = MIN(len, MIN(pipe_len(in), (size_t)room)), done = 0;
	u8 buf[CHUNK];
	while (done < want) {
		size_t n = pipe_peek(in, consume ? 0 : done, buf, MIN(want - done, sizeof(buf)));
		long s = pipe_store(out, buf, n);
		if (s <= 0)
			return done ? (long)done : s;
		if (consume)
			pipe_consume(in, s);
		done += s;
	}
	return done;
}

static long get_off(struct task *t, u64 uoff, s64 *off)
{
	if (copy_from_user(t->mm, off, uoff, sizeof(*off)) < 0)
		return -EFAULT;
	return *off < 0 ? -EINVAL : 0;
}

SYSCALL_DEFINE(splice)
{
	int fd_in = a->a[0], fd_out = a->a[2];
	u64 uoff_in = a->a[1], uoff_out = a->a[3];
	size_t len = a->a[4];
	unsigned flags = a->a[5];
	if (!len)
		return 0;
	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	struct file *in = fd_get(t, fd_in), *out = in ? fd_get(t, fd_out) : NULL;
	if (!in || !out)
		return -EBADF;
	if (!readable(in) || !writable(out))
		return -EBADF;
	struct pipe *ip = file_pipe(in), *op = file_pipe(out);
	bool nb = flags & SPLICE_F_NONBLOCK;
	s64 off;
	long r;
	if (ip && op) {
		if (uoff_in || uoff_out)
			return -ESPIPE;
		if (ip == op)
			return -EINVAL;
		nb |= ((in->flags | out->flags) & O_NONBLOCK) != 0;
		return pipe_to_pipe(ip, op, len, nb, true);
	}
	if (ip) {
		if (uoff_in)
			return -ESPIPE;
		if (!spliceable(out) || (out->flags & O_APPEND))
			return -EINVAL;
		u64 pos = out->pos;
		if (uoff_out) {
			if (!out->ops->seekable)
				return -EINVAL;
			if ((r = get_off(t, uoff_out, &off)) < 0)
				return r;
			pos = off;
		}
		nb |= (out->flags & O_NONBLOCK) != 0;
		r = pipe_to_file(ip, out, &pos, len, nb);
		if (r > 0) {
			if (uoff_out) {
				off = pos;
				if (copy_to_user(t->mm, uoff_out, &off, sizeof(off)) < 0)
					return -EFAULT;
			} else {
				out->pos = pos;
			}
		}
		return r;
	}
	if (op) {
		if (uoff_out)
			return -ESPIPE;
		if (!spliceable(in))
			return -EINVAL;
		u64 pos = in->pos;
		if (uoff_in) {
			if (!in->ops->seekable)
				return -EINVAL;
			if ((r = get_off(t, uoff_in, &off)) < 0)
				return r;
			pos = off;
		}
		nb |= (in->flags & O_NONBLOCK) != 0;
		r = file_to_pipe(in, &pos, op, MIN(len, (size_t)MAX_RW_COUNT), nb);
		if (r > 0) {
			if (uoff_in) {
				off = pos;
				if (copy_to_user(t->mm, uoff_in, &off, sizeof(off)) < 0)
					return -EFAULT;
			} else {
				in->pos = pos;
			}
		}
		return r;
	}
	return -EINVAL;
}

SYSCALL_DEFINE(tee)
{
	size_t len = a->a[2];
	unsigned flags = a->a[3];
	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	if (!len)
		return 0;
	struct file *in = fd_get(t, a->a[0]), *out = in ? fd_get(t, a->a[1]) : NULL;
	if (!in || !out)
		return -EBADF;
	if (!readable(in) || !writable(out))
		return -EBADF;
	struct pipe *ip = file_pipe(in), *op = file_pipe(out);
	if (!ip || !op || ip == op)
		return -EINVAL;
	bool nb = (flags & SPLICE_F_NONBLOCK) || ((in->flags | out->flags) & O_NONBLOCK);
	return pipe_to_pipe(ip, op, len, nb, false);
}

SYSCALL_DEFINE(vmsplice)
{
	u64 uiov = a->a[1], nr = a->a[2];
	unsigned flags = a->a[3];
	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	struct file *f = fd_get(t, a->a[0]);
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	bool to_pipe = writable(f);
	if (!to_pipe && !readable(f))
		return -EBADF;
	if (nr > 1024)
		return -EINVAL;
	struct iovec iov[nr ? nr : 1];
	if (nr && copy_from_user(t->mm, iov, uiov, nr * sizeof(struct iovec)) < 0)
		return -EFAULT;
	size_t total = 0;
	for (u64 i = 0; i < nr; i++) {
		if ((s64)iov[i].iov_len < 0 || total + iov[i].iov_len < total)
			return -EINVAL;
		total += iov[i].iov_len;
	}
	total = MIN(total, (size_t)MAX_RW_COUNT);
	if (!total)
		return 0;
	struct pipe *p = file_pipe(f);
	if (!p)
		return -EBADF;
	bool nb = (flags & SPLICE_F_NONBLOCK) != 0;
	long r = to_pipe ? pipe_wait_room(p, nb) : pipe_wait_data(p, nb);
	if (r <= 0)
		return r;
	/* to the pipe: what fits; from it: what it holds */
	size_t want = MIN(total, (size_t)r), done = 0;
	u8 buf[CHUNK];
	for (u64 i = 0; i < nr && done < want; i++) {
		size_t off = 0;
		while (off < iov[i].iov_len && done < want) {
			size_t n = MIN(MIN(iov[i].iov_len - off, want - done), sizeof(buf));
			u64 ua = (u64)iov[i].iov_base + off;
			if (to_pipe) {
				if (copy_from_user(t->mm, buf, ua, n) < 0)
					return done ? (long)done : -EFAULT;
				long s = pipe_store(p, buf, n);
				if (s <= 0)
					return done ? (long)done : s;
				n = s;
			} else {
				n = pipe_peek(p, 0, buf, n);
				if (copy_to_user(t->mm, ua, buf, n) < 0)
					return done ? (long)done : -EFAULT;
				pipe_consume(p, n);
			}
			off += n;
			done += n;
		}
	}
	return done;
}

/* file -> file, through the buffer, until count or end of file. */
static long file_to_file_moves(struct file *in, u64 *ipos, struct file *out, u64 *opos, size_t count)
{
	size_t done = 0;
	u8 buf[CHUNK];
	while (done < count) {
		long n = vfs_read(in, buf, MIN(count - done, sizeof(buf)), ipos);
		if (n <= 0) {
			if (n < 0 && !done)
				return n;
			break;
		}
		long w = vfs_write(out, buf, n, opos);
		if (w < n) {
			*ipos -= n - MAX(w, 0);
			if (w <= 0)
				return done ? (long)done : (w ? w : -EIO);
			done += w;
			break;
		}
		done += n;
		if (signal_pending(current))
			break;
	}
	return done;
}

/* the same, and the moved bytes' events (fsnotify) */
static long file_to_file(struct file *in, u64 *ipos, struct file *out, u64 *opos, size_t count)
{
	long r = file_to_file_moves(in, ipos, out, opos, count);
	fsnotify_rw(in, r, false);
	fsnotify_rw(out, r, true);
	return r;
}

SYSCALL_DEFINE(sendfile)
{
	u64 uoff = a->a[2];
	size_t count = a->a[3];
	struct file *in = fd_get(t, a->a[1]);
	if (!in || !readable(in))
		return -EBADF;
	s64 off = in->pos;
	if (uoff) {
		if (copy_from_user(t->mm, &off, uoff, sizeof(off)) < 0)
			return -EFAULT;
		if (!in->ops || !in->ops->seekable)
			return -ESPIPE;
	}
	if (off < 0 || (s64)count < 0)
		return -EINVAL;
	count = MIN(count, (size_t)MAX_RW_COUNT);
	struct file *out = fd_get(t, a->a[0]);
	if (!out || !writable(out))
		return -EBADF;
	u64 pos = off;
	long r;
	struct pipe *op = file_pipe(out);
	if (file_pipe(in) || !spliceable(in))
		return -EINVAL;
	if (op) {
		r = count ? file_to_pipe(in, &pos, op, count, out->flags & O_NONBLOCK) : 0;
	} else {
		if (out->flags & O_APPEND)
			return -EINVAL;
		if (!spliceable(out))
			return -EINVAL;
		r = file_to_file(in, &pos, out, &out->pos, count);
	}
	if (r > 0) {
		if (uoff) {
			off = pos;
			if (copy_to_user(t->mm, uoff, &off, sizeof(off)) < 0)
				return -EFAULT;
		} else {
			in->pos = pos;
		}
	}
	return r;
}

SYSCALL_DEFINE(copy_file_range)
{
	u64 uoff_in = a->a[1], uoff_out = a->a[3];
	size_t len = a->a[4];
	struct file *in = fd_get(t, a->a[0]), *out = in ? fd_get(t, a->a[2]) : NULL;
	if (!in || !out)
		return -EBADF;
	s64 pin = in->pos, pout = out->pos;
	if (uoff_in && copy_from_user(t->mm, &pin, uoff_in, sizeof(pin)) < 0)
		return -EFAULT;
	if (uoff_out && copy_from_user(t->mm, &pout, uoff_out, sizeof(pout)) < 0)
		return -EFAULT;
	if (a->a[5])
		return -EINVAL;
	struct inode *ii = in->inode, *oi = out->inode;
	if (S_ISDIR(ii->mode) || S_ISDIR(oi->mode))
		return -EISDIR;
	if (!S_ISREG(ii->mode) || !S_ISREG(oi->mode))
		return -EINVAL;
	if (!readable(in) || !writable(out) || (out->flags & O_APPEND))
		return -EBADF;
	/* as Linux's unsigned sum: a negative offset overflows */
	if ((u64)pin + len < (u64)pin || (u64)pout + len < (u64)pout)
		return -EOVERFLOW;
	if (pin < 0 || pout < 0)
		return -EINVAL;
	struct kstat st;
	long r = vfs_getattr(ii, &st);
	if (r < 0)
		return r;
	size_t count = (u64)pin >= st.size ? 0 : MIN((u64)len, st.size - (u64)pin);
	if (ii == oi && (u64)pout + count > (u64)pin && (u64)pout < (u64)pin + count)
		return -EINVAL;
	if (!count)
		return 0;
	if (ii->sb != oi->sb)
		return -EXDEV;
	u64 ip = pin, opos = pout;
	r = file_to_file(in, &ip, out, &opos, MIN(count, (size_t)MAX_RW_COUNT));
	if (r > 0) {
		pin = ip;
		pout = opos;
		if (uoff_in ? copy_to_user(t->mm, uoff_in, &pin, sizeof(pin)) < 0 : (in->pos = ip, false))
			return -EFAULT;
		if (uoff_out ? copy_to_user(t->mm, uoff_out, &pout, sizeof(pout)) < 0 : (out->pos = opos, false))
			return -EFAULT;
	}
	return r;
}
