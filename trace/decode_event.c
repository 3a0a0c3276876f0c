/* Event files, pidfds and waitid as strace prints them: the flags of
 * eventfd2, timerfd, signalfd4, inotify and pidfd_open, inotify's event
 * masks, struct itimerspec, pidfd_send_signal's siginfo, waitid's id type,
 * options and the siginfo it fills in. */
#include "decode.h"
#include <vmcore/mm.h>
#include <signal.h>
#include <string.h>
#include <time.h>

static const struct flag efd_flags[] = { { 1, "EFD_SEMAPHORE" }, { 02000000, "EFD_CLOEXEC" }, { 04000, "EFD_NONBLOCK" } };
/* timerfd_create and timerfd_settime share strace's table */
static const struct flag tfd_flags[] = { { 1, "TFD_TIMER_ABSTIME" }, { 2, "TFD_TIMER_CANCEL_ON_SET" },
					 { 02000000, "TFD_CLOEXEC" }, { 04000, "TFD_NONBLOCK" } };
static const struct flag sfd_flags[] = { { 02000000, "SFD_CLOEXEC" }, { 04000, "SFD_NONBLOCK" } };
static const struct flag in_init_flags[] = { { 04000, "IN_NONBLOCK" }, { 02000000, "IN_CLOEXEC" } };
static const struct flag in_masks[] = {
	{ 0x1, "IN_ACCESS" }, { 0x2, "IN_MODIFY" }, { 0x4, "IN_ATTRIB" }, { 0x8, "IN_CLOSE_WRITE" },
	{ 0x10, "IN_CLOSE_NOWRITE" }, { 0x20, "IN_OPEN" }, { 0x40, "IN_MOVED_FROM" }, { 0x80, "IN_MOVED_TO" },
	{ 0x100, "IN_CREATE" }, { 0x200, "IN_DELETE" }, { 0x400, "IN_DELETE_SELF" }, { 0x800, "IN_MOVE_SELF" },
	{ 0x2000, "IN_UNMOUNT" }, { 0x4000, "IN_Q_OVERFLOW" }, { 0x8000, "IN_IGNORED" },
	{ 0x1000000, "IN_ONLYDIR" }, { 0x2000000, "IN_DONT_FOLLOW" }, { 0x4000000, "IN_EXCL_UNLINK" },
	{ 0x10000000, "IN_MASK_CREATE" }, { 0x20000000, "IN_MASK_ADD" }, { 0x40000000, "IN_ISDIR" },
	{ 0x80000000, "IN_ONESHOT" },
};
static const struct flag pidfd_flags[] = { { 04000, "PIDFD_NONBLOCK" } };
static const struct flag idtypes[] = { { 0, "P_ALL" }, { 1, "P_PID" }, { 2, "P_PGID" }, { 3, "P_PIDFD" } };
/* waitid names WSTOPPED where wait4 says WUNTRACED */
static const struct flag waitid_opts[] = {
	{ 1, "WNOHANG" }, { 4, "WEXITED" }, { 2, "WSTOPPED" }, { 8, "WCONTINUED" }, { 0x1000000, "WNOWAIT" },
	{ 0x20000000, "__WNOTHREAD" }, { 0x40000000, "__WALL" }, { 0x80000000, "__WCLONE" },
};

static void print_itimerspec(struct sbuf *b, struct task *t, u64 addr)
{
	struct itimerspec its;
	if (!addr || copy_from_user(t->mm, &its, addr, sizeof(its)) < 0) {
		print_ptr(b, addr);
		return;
	}
	sb_printf(b, "{it_interval={tv_sec=%lld, tv_nsec=%ld}, it_value={tv_sec=%lld, tv_nsec=%ld}}",
		  (long long)its.it_interval.tv_sec, its.it_interval.tv_nsec, (long long)its.it_value.tv_sec,
		  its.it_value.tv_nsec);
}

static void print_siginfo_at(struct sbuf *b, struct task *t, u64 addr, bool with_times)
{
	siginfo_t si;
	if (!addr || copy_from_user(t->mm, &si, addr, sizeof(si)) < 0)
		print_ptr(b, addr);
	else if (!si.si_signo)
		sb_puts(b, "{}");
	else
		decode_siginfo_times(b, &si, with_times);
}

bool event_kind_is_output(const char *k)
{
	return !strcmp(k, "itimerspec_out") || !strcmp(k, "siginfo_out");
}

bool decode_event_arg(struct sbuf *b, struct task *t, const char *k, int i, const struct syscall_args *a, long ret)
{
	u64 v = a->a[i];
	bool failed = IS_ERR_VALUE(ret);
	if (!strcmp(k, "efdflags"))
		print_flags_x(b, (u32)v, efd_flags, ARRAY_SIZE(efd_flags), "EFD_???");
	else if (!strcmp(k, "tfdflags"))
		print_flags_x(b, (u32)v, tfd_flags, ARRAY_SIZE(tfd_flags), "TFD_???");
	else if (!strcmp(k, "sfdflags"))
		print_flags_x(b, (u32)v, sfd_flags, ARRAY_SIZE(sfd_flags), "SFD_???");
	else if (!strcmp(k, "inflags"))
		print_flags_x(b, (u32)v, in_init_flags, ARRAY_SIZE(in_init_flags), "IN_???");
	else if (!strcmp(k, "inmask"))
		print_flags_x(b, (u32)v, in_masks, ARRAY_SIZE(in_masks), "IN_???");
	else if (!strcmp(k, "pidfdflags"))
		print_flags_x(b, (u32)v, pidfd_flags, ARRAY_SIZE(pidfd_flags), "PIDFD_???");
	else if (!strcmp(k, "idtype"))
		print_xval(b, (u32)v, idtypes, ARRAY_SIZE(idtypes), "P_???");
	else if (!strcmp(k, "waitidopts"))
		print_flags_x(b, (u32)v, waitid_opts, ARRAY_SIZE(waitid_opts), "W???");
	else if (!strcmp(k, "itimerspec_in"))
		print_itimerspec(b, t, v);
	else if (!strcmp(k, "itimerspec_out"))
		failed ? print_ptr(b, v) : print_itimerspec(b, t, v);
	else if (!strcmp(k, "siginfo_in"))
		print_siginfo_at(b, t, v, false);
	else if (!strcmp(k, "siginfo_out"))
		failed ? print_ptr(b, v) : print_siginfo_at(b, t, v, true);
	else
		return false;
	return true;
}
