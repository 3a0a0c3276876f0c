/* futex(2) as strace prints it: the operation by name (its _PRIVATE and
 * FUTEX_CLOCK_REALTIME forms), and only the arguments the command uses,
 * each as the command reads it: a timeout, a second count, a bitset
 * (FUTEX_BITSET_MATCH_ANY), FUTEX_WAKE_OP's encoded operation. */
#include "decode.h"
#include <linux/futex.h>
#include <string.h>

#ifndef FUTEX_LOCK_PI2
#define FUTEX_LOCK_PI2 13
#endif

static const struct flag futex_cmds[] = {
	F(FUTEX_WAIT), F(FUTEX_WAKE), F(FUTEX_FD), F(FUTEX_REQUEUE), F(FUTEX_CMP_REQUEUE), F(FUTEX_WAKE_OP),
	F(FUTEX_LOCK_PI), F(FUTEX_UNLOCK_PI), F(FUTEX_TRYLOCK_PI), F(FUTEX_WAIT_BITSET), F(FUTEX_WAKE_BITSET),
	F(FUTEX_WAIT_REQUEUE_PI), F(FUTEX_CMP_REQUEUE_PI), F(FUTEX_LOCK_PI2),
};
static const struct flag wake_ops[] = { F(FUTEX_OP_SET), F(FUTEX_OP_ADD), F(FUTEX_OP_OR), F(FUTEX_OP_ANDN),
					F(FUTEX_OP_XOR) };
static const struct flag wake_cmps[] = { F(FUTEX_OP_CMP_EQ), F(FUTEX_OP_CMP_NE), F(FUTEX_OP_CMP_LT),
					 F(FUTEX_OP_CMP_LE), F(FUTEX_OP_CMP_GT), F(FUTEX_OP_CMP_GE) };

/* the command, or -1 for an operation without a name (an unknown
 * command, a bit beyond the two flags, FUTEX_CLOCK_REALTIME with a command
 * that takes no timeout) */
static int futex_cmd(u64 op)
{
	u32 o = (u32)op, cmd = o & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	if (!lookup(cmd, futex_cmds, ARRAY_SIZE(futex_cmds)))
		return -1;
	if ((o & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET &&
	    cmd != FUTEX_WAIT_REQUEUE_PI)
		return -1;
	return (int)cmd;
}

int futex_shown(u64 op, int idx[6])
{
	static const struct {
		int cmd, n, idx[6];
	} shapes[] = {
		{ FUTEX_WAIT, 4, { 0, 1, 2, 3 } },	     { FUTEX_WAKE, 3, { 0, 1, 2 } },
		{ FUTEX_FD, 3, { 0, 1, 2 } },		     { FUTEX_REQUEUE, 5, { 0, 1, 2, 3, 4 } },
		{ FUTEX_LOCK_PI, 3, { 0, 1, 3 } },	     { FUTEX_LOCK_PI2, 3, { 0, 1, 3 } },
		{ FUTEX_UNLOCK_PI, 2, { 0, 1 } },	     { FUTEX_TRYLOCK_PI, 2, { 0, 1 } },
		{ FUTEX_WAIT_BITSET, 5, { 0, 1, 2, 3, 5 } }, { FUTEX_WAKE_BITSET, 4, { 0, 1, 2, 5 } },
		{ FUTEX_WAIT_REQUEUE_PI, 5, { 0, 1, 2, 3, 4 } },
	};
	/* the low seven bits decide, as in strace, even when the operation has
	 * no name */
	int cmd = (int)(op & 127);
	for (size_t s = 0; s < ARRAY_SIZE(shapes); s++)
		if (shapes[s].cmd == cmd) {
			memcpy(idx, shapes[s].idx, sizeof(shapes[s].idx));
			return shapes[s].n;
		}
	for (int i = 0; i < 6; i++)
		idx[i] = i;
	return 6;
}

static void print_futex_op(struct sbuf *b, u64 op)
{
	int cmd = futex_cmd(op);
	if (cmd < 0) {
		sb_printf(b, "%#x /* FUTEX_??? */", (u32)op);
		return;
	}
	sb_puts(b, lookup(cmd, futex_cmds, ARRAY_SIZE(futex_cmds)));
	if (op & FUTEX_PRIVATE_FLAG)
		sb_puts(b, "_PRIVATE");
	if (op & FUTEX_CLOCK_REALTIME)
		sb_puts(b, "|FUTEX_CLOCK_REALTIME");
}

/* FUTEX_OP(op, oparg, cmp, cmparg) as strace spells it out */
static void print_wake_op(struct sbuf *b, u32 v)
{
	if ((v >> 28) & FUTEX_OP_OPARG_SHIFT)
		sb_puts(b, "FUTEX_OP_OPARG_SHIFT<<28|");
	const char *op = lookup((v >> 28) & 7, wake_ops, ARRAY_SIZE(wake_ops));
	if (op)
		sb_printf(b, "%s<<28", op);
	else
		sb_printf(b, "%#x<<28 /* FUTEX_OP_??? */", (v >> 28) & 7);
	sb_printf(b, "|%#x<<12|", (v >> 12) & 0xfff);
	const char *cmp = lookup((v >> 24) & 0xf, wake_cmps, ARRAY_SIZE(wake_cmps));
	if (cmp)
		sb_printf(b, "%s<<24", cmp);
	else
		sb_printf(b, "%#x<<24 /* FUTEX_OP_CMP_??? */", (v >> 24) & 0xf);
	sb_printf(b, "|%#x", v & 0xfff);
}

bool decode_futex_arg(struct sbuf *b, struct task *t, const char *k, const struct syscall_args *a)
{
	int cmd = (int)(a->a[1] & 127); /* as futex_shown */
	if (!strcmp(k, "futexop")) {
		print_futex_op(b, a->a[1]);
	} else if (!strcmp(k, "futexval")) {
		sb_printf(b, "%u", (u32)a->a[2]);
	} else if (!strcmp(k, "futex3")) {
		/* the timeout, or the count of waiters to requeue */
		switch (cmd) {
		case FUTEX_WAIT: case FUTEX_WAIT_BITSET: case FUTEX_LOCK_PI: case FUTEX_LOCK_PI2:
		case FUTEX_WAIT_REQUEUE_PI:
			print_ts(b, t, a->a[3]);
			break;
		case FUTEX_REQUEUE: case FUTEX_CMP_REQUEUE: case FUTEX_CMP_REQUEUE_PI: case FUTEX_WAKE_OP:
			sb_printf(b, "%u", (u32)a->a[3]);
			break;
		default:
			sb_printf(b, "%#llx", (unsigned long long)a->a[3]);
		}
	} else if (!strcmp(k, "futex5")) {
		u32 v = (u32)a->a[5];
		switch (cmd) {
		case FUTEX_WAIT_BITSET: case FUTEX_WAKE_BITSET:
			if (v == FUTEX_BITSET_MATCH_ANY)
				sb_puts(b, "FUTEX_BITSET_MATCH_ANY");
			else
				sb_printf(b, "%#x", v);
			break;
		case FUTEX_CMP_REQUEUE: case FUTEX_CMP_REQUEUE_PI:
			sb_printf(b, "%u", v);
			break;
		case FUTEX_WAKE_OP:
			print_wake_op(b, v);
			break;
		default: /* val3 is 32 bits */
			sb_printf(b, "%#x", v);
		}
	} else {
		return false;
	}
	return true;
}
