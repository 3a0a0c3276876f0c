/* x86-64 registers for gdb: the target description we send
 * (qXfer:features:read:target.xml) and the conversion between its
 * numbering and the kernel's saved state: struct user_regs_struct for the
 * general registers, the XSAVE area (as PTRACE_GETREGSET NT_X86_XSTATE
 * gives it) for x87, SSE and the upper halves of the AVX registers. */
#include "proto.h"
#include <cpuid.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const char target_xml[] =
	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
	"<target version=\"1.0\">\n"
	"<architecture>i386:x86-64</architecture>\n"
	"<osabi>GNU/Linux</osabi>\n"
	"<feature name=\"org.gnu.gdb.i386.core\">\n"
	"<flags id=\"i386_eflags\" size=\"4\">\n"
	"<field name=\"CF\" start=\"0\" end=\"0\"/><field name=\"\" start=\"1\" end=\"1\"/>\n"
	"<field name=\"PF\" start=\"2\" end=\"2\"/><field name=\"AF\" start=\"4\" end=\"4\"/>\n"
	"<field name=\"ZF\" start=\"6\" end=\"6\"/><field name=\"SF\" start=\"7\" end=\"7\"/>\n"
	"<field name=\"TF\" start=\"8\" end=\"8\"/><field name=\"IF\" start=\"9\" end=\"9\"/>\n"
	"<field name=\"DF\" start=\"10\" end=\"10\"/><field name=\"OF\" start=\"11\" end=\"11\"/>\n"
	"<field name=\"NT\" start=\"14\" end=\"14\"/><field name=\"RF\" start=\"16\" end=\"16\"/>\n"
	"<field name=\"VM\" start=\"17\" end=\"17\"/><field name=\"AC\" start=\"18\" end=\"18\"/>\n"
	"<field name=\"VIF\" start=\"19\" end=\"19\"/><field name=\"VIP\" start=\"20\" end=\"20\"/>\n"
	"<field name=\"ID\" start=\"21\" end=\"21\"/>\n"
	"</flags>\n"
	"<reg name=\"rax\" bitsize=\"64\" type=\"int64\" regnum=\"0\"/>\n"
	"<reg name=\"rbx\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"rcx\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"rdx\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"rsi\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"rdi\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"rbp\" bitsize=\"64\" type=\"data_ptr\"/>\n"
	"<reg name=\"rsp\" bitsize=\"64\" type=\"data_ptr\"/>\n"
	"<reg name=\"r8\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"r9\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"r10\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"r11\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"r12\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"r13\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"r14\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"r15\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"rip\" bitsize=\"64\" type=\"code_ptr\"/>\n"
	"<reg name=\"eflags\" bitsize=\"32\" type=\"i386_eflags\"/>\n"
	"<reg name=\"cs\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"ss\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"ds\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"es\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"fs\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"gs\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st3\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st6\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"fctrl\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"fstat\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"ftag\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"fiseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"fioff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"foseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"fooff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"fop\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"</feature>\n"
	"<feature name=\"org.gnu.gdb.i386.sse\">\n"
	"<vector id=\"v8bf16\" type=\"bfloat16\" count=\"8\"/>\n"
	"<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
	"<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>\n"
	"<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>\n"
	"<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>\n"
	"<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>\n"
	"<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>\n"
	"<union id=\"vec128\">\n"
	"<field name=\"v8_bfloat16\" type=\"v8bf16\"/><field name=\"v4_float\" type=\"v4f\"/>\n"
	"<field name=\"v2_double\" type=\"v2d\"/><field name=\"v16_int8\" type=\"v16i8\"/>\n"
	"<field name=\"v8_int16\" type=\"v8i16\"/><field name=\"v4_int32\" type=\"v4i32\"/>\n"
	"<field name=\"v2_int64\" type=\"v2i64\"/><field name=\"uint128\" type=\"uint128\"/>\n"
	"</union>\n"
	"<flags id=\"i386_mxcsr\" size=\"4\">\n"
	"<field name=\"IE\" start=\"0\" end=\"0\"/><field name=\"DE\" start=\"1\" end=\"1\"/>\n"
	"<field name=\"ZE\" start=\"2\" end=\"2\"/><field name=\"OE\" start=\"3\" end=\"3\"/>\n"
	"<field name=\"UE\" start=\"4\" end=\"4\"/><field name=\"PE\" start=\"5\" end=\"5\"/>\n"
	"<field name=\"DAZ\" start=\"6\" end=\"6\"/><field name=\"IM\" start=\"7\" end=\"7\"/>\n"
	"<field name=\"DM\" start=\"8\" end=\"8\"/><field name=\"ZM\" start=\"9\" end=\"9\"/>\n"
	"<field name=\"OM\" start=\"10\" end=\"10\"/><field name=\"UM\" start=\"11\" end=\"11\"/>\n"
	"<field name=\"PM\" start=\"12\" end=\"12\"/><field name=\"FZ\" start=\"15\" end=\"15\"/>\n"
	"</flags>\n"
	"<reg name=\"xmm0\" bitsize=\"128\" type=\"vec128\" regnum=\"40\"/>\n"
	"<reg name=\"xmm1\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm2\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm3\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm4\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm5\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm6\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm7\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm8\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm9\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm10\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm11\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm12\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm13\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm14\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm15\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"mxcsr\" bitsize=\"32\" type=\"i386_mxcsr\" group=\"vector\"/>\n"
	"</feature>\n"
	"<feature name=\"org.gnu.gdb.i386.linux\">\n"
	"<reg name=\"orig_rax\" bitsize=\"64\" type=\"int\" regnum=\"57\"/>\n"
	"</feature>\n"
	"<feature name=\"org.gnu.gdb.i386.segments\">\n"
	"<reg name=\"fs_base\" bitsize=\"64\" type=\"int\"/>\n"
	"<reg name=\"gs_base\" bitsize=\"64\" type=\"int\"/>\n"
	"</feature>\n"
	"<feature name=\"org.gnu.gdb.i386.avx\">\n"
	"<reg name=\"ymm0h\" bitsize=\"128\" type=\"uint128\" regnum=\"60\"/>\n"
	"<reg name=\"ymm1h\" bitsize=\"128\" type=\"uint128\"/>\n"
	"<reg name=\"ymm2h\" bitsize=\"128\" type=\"uint128\"/>\n"
	"<reg name=\"ymm3h\" bitsize=\"128\" type=\"uint128\"/>\n"
	"<reg name=\"ymm4h\" bitsize=\"128\" type=\"uint128\"/>\n"
	"<reg name=\"ymm5h\" bitsize=\"128\" type=\"uint128\"/>\n"
	"<reg name=\"ymm6h\" bitsize=\"128\" type=\"uint128\"/>\n"
	"<reg name=\"ymm7h\" bitsize=\"128\" type=\"uint128\"/>\n"
	"<reg name=\"ymm8h\" bitsize=\"128\" type=\"uint128\"/>\n"
	"<reg name=\"ymm9h\" bitsize=\"128\" type=\"uint128\"/>\n"
	"<reg name=\"ymm10h\" bitsize=\"128\" type=\"uint128\"/>\n"
	"<reg name=\"ymm11h\" bitsize=\"128\" type=\"uint128\"/>\n"
	"<reg name=\"ymm12h\" bitsize=\"128\" type=\"uint128\"/>\n"
	"<reg name=\"ymm13h\" bitsize=\"128\" type=\"uint128\"/>\n"
	"<reg name=\"ymm14h\" bitsize=\"128\" type=\"uint128\"/>\n"
	"<reg name=\"ymm15h\" bitsize=\"128\" type=\"uint128\"/>\n"
	"</feature>\n"
	"</target>\n";

const char *gdb_target_xml(const char *annex)
{
	return !strcmp(annex, "target.xml") ? target_xml : NULL;
}

#define NREGS 76
#define R_ST0 24
#define R_FCTRL 32
#define R_XMM0 40
#define R_MXCSR 56
#define R_ORIG_RAX 57
#define R_FS_BASE 58
#define R_YMM0H 60

/* The general registers in gdb's order: offsets in user_regs_struct. */
#define U(f) offsetof(struct user_regs_struct, f)
static const size_t gpr_off[24] = {
	U(rax), U(rbx), U(rcx), U(rdx), U(rsi), U(rdi), U(rbp), U(rsp), U(r8), U(r9), U(r10), U(r11),
	U(r12), U(r13), U(r14), U(r15), U(rip), U(eflags), U(cs), U(ss), U(ds), U(es), U(fs), U(gs),
};

static int reg_size(int n)
{
	if (n < 0)
		return -1;
	if (n < 17)
		return 8;
	if (n < R_ST0)
		return 4;
	if (n < R_FCTRL)
		return 10;
	if (n < R_XMM0)
		return 4;
	if (n < R_MXCSR)
		return 16;
	if (n == R_MXCSR)
		return 4;
	if (n < R_YMM0H)
		return 8;
	if (n < NREGS)
		return 16;
	return -1;
}

/* Where the AVX upper halves are in the XSAVE area (CPUID leaf 0xd,
 * sub-leaf 2); 0 without AVX. */
static int ymmh_offset(void)
{
	static int off = -1;
	if (off < 0) {
		unsigned a, b, c, d;
		off = 0;
		if (__get_cpuid_count(0xd, 2, &a, &b, &c, &d) && a >= 256)
			off = (int)b;
	}
	return off;
}

bool gdb_reg_valid(unsigned long n)
{
	return n < NREGS;
}

bool gdb_reg_needs_xstate(int n)
{
	return n >= R_ST0 && n <= R_MXCSR ? true : n >= R_YMM0H;
}

/* The full x87 tag word from FXSAVE's abridged one: for each physical
 * register, empty (3), or what its value is: valid (0), zero (1),
 * special (2). */
static u16 full_ftag(const u8 *fx)
{
	u16 fsw = fx[2] | fx[3] << 8;
	u8 abridged = fx[4];
	int top = (fsw >> 11) & 7;
	u16 tag = 0;
	for (int phys = 0; phys < 8; phys++) {
		int t = 3;
		if (abridged & (1 << phys)) {
			const u8 *st = fx + 32 + 16 * ((phys - top + 8) % 8);
			u16 exp = (st[9] & 0x7f) << 8 | st[8];
			u64 mant;
			memcpy(&mant, st, 8);
			if (exp == 0x7fff)
				t = 2;
			else if (exp == 0)
				t = mant ? 2 : 1;
			else
				t = (mant >> 63) ? 0 : 2;
		}
		tag |= t << (2 * phys);
	}
	return tag;
}

/* Register n's bytes (little-endian, as gdb wants them) into out; its
 * size, or -1. */
static int reg_get(int n, const struct user_regs_struct *r, const u8 *xs, int xslen, u8 *out)
{
	int size = reg_size(n);
	if (size < 0)
		return -1;
	memset(out, 0, size);
	if (n < 24) {
		u64 v;
		memcpy(&v, (const u8 *)r + gpr_off[n], 8);
		memcpy(out, &v, size);
		return size;
	}
	if (n == R_ORIG_RAX) {
		memcpy(out, &r->orig_rax, 8);
		return size;
	}
	if (n == R_FS_BASE || n == R_FS_BASE + 1) {
		memcpy(out, n == R_FS_BASE ? &r->fs_base : &r->gs_base, 8);
		return size;
	}
	if (!xs || xslen < 512)
		return size; /* the FPU state could not be read: zeros */
	if (n < R_FCTRL) {
		memcpy(out, xs + 32 + 16 * (n - R_ST0), 10);
	} else if (n < R_XMM0) {
		u32 v = 0;
		switch (n - R_FCTRL) {
		case 0: v = xs[0] | xs[1] << 8; break;                     /* fctrl */
		case 1: v = xs[2] | xs[3] << 8; break;                     /* fstat */
		case 2: v = full_ftag(xs); break;                          /* ftag */
		case 3: memcpy(&v, xs + 12, 4); v &= 0xffff; break;        /* fiseg */
		case 4: memcpy(&v, xs + 8, 4); break;                      /* fioff */
		case 5: memcpy(&v, xs + 20, 4); v &= 0xffff; break;        /* foseg */
		case 6: memcpy(&v, xs + 16, 4); break;                     /* fooff */
		case 7: v = (xs[6] | xs[7] << 8) & 0x7ff; break;           /* fop */
		}
		memcpy(out, &v, 4);
	} else if (n < R_MXCSR) {
		memcpy(out, xs + 160 + 16 * (n - R_XMM0), 16);
	} else if (n == R_MXCSR) {
		memcpy(out, xs + 24, 4);
	} else if (n >= R_YMM0H) {
		int off = ymmh_offset();
		u64 bv = 0;
		if (xslen >= 520)
			memcpy(&bv, xs + 512, 8);
		if (off && (bv & 4) && off + 16 * 16 <= xslen)
			memcpy(out, xs + off + 16 * (n - R_YMM0H), 16);
	}
	return size;
}

static int reg_set(int n, struct user_regs_struct *r, u8 *xs, int xslen, const u8 *in)
{
	int size = reg_size(n);
	if (size < 0)
		return -1;
	if (n < 24) {
		u64 v = 0;
		memcpy(&v, in, size);
		memcpy((u8 *)r + gpr_off[n], &v, 8);
		return 0;
	}
	if (n == R_ORIG_RAX) {
		memcpy(&r->orig_rax, in, 8);
		return 0;
	}
	if (n == R_FS_BASE || n == R_FS_BASE + 1) {
		memcpy(n == R_FS_BASE ? &r->fs_base : &r->gs_base, in, 8);
		return 0;
	}
	if (!xs || xslen < 576)
		return -1;
	u64 bv;
	memcpy(&bv, xs + 512, 8);
	if (n < R_FCTRL) {
		memcpy(xs + 32 + 16 * (n - R_ST0), in, 10);
		bv |= 1;
	} else if (n < R_XMM0) {
		u32 v;
		memcpy(&v, in, 4);
		switch (n - R_FCTRL) {
		case 0: xs[0] = v; xs[1] = v >> 8; break;
		case 1: xs[2] = v; xs[3] = v >> 8; break;
		case 2: { /* back to the abridged form: not empty is 1 */
			u8 ab = 0;
			for (int i = 0; i < 8; i++)
				if (((v >> (2 * i)) & 3) != 3)
					ab |= 1 << i;
			xs[4] = ab;
			break;
		}
		case 3: xs[12] = v; xs[13] = v >> 8; break;
		case 4: memcpy(xs + 8, &v, 4); break;
		case 5: xs[20] = v; xs[21] = v >> 8; break;
		case 6: memcpy(xs + 16, &v, 4); break;
		case 7: xs[6] = v; xs[7] = (xs[7] & ~7) | ((v >> 8) & 7); break;
		}
		bv |= 1;
	} else if (n < R_MXCSR) {
		memcpy(xs + 160 + 16 * (n - R_XMM0), in, 16);
		bv |= 2;
	} else if (n == R_MXCSR) {
		memcpy(xs + 24, in, 4);
		bv |= 2;
	} else {
		int off = ymmh_offset();
		if (!off || off + 16 * 16 > xslen)
			return -1;
		if (!(bv & 4))
			memset(xs + off, 0, 16 * 16); /* was in its initial state */
		memcpy(xs + off + 16 * (n - R_YMM0H), in, 16);
		bv |= 4;
	}
	memcpy(xs + 512, &bv, 8);
	return 0;
}

static void hex_bytes(struct sbuf *b, const u8 *p, int n)
{
	gdb_hex_encode(b, p, n);
}

void gdb_regs_encode(struct sbuf *b, const struct user_regs_struct *r, const void *xs, int xslen)
{
	u8 v[16];
	for (int n = 0; n < NREGS; n++) {
		int size = reg_get(n, r, xs, xslen, v);
		hex_bytes(b, v, size);
	}
}

int gdb_regs_decode(const char *hex, struct user_regs_struct *r, void *xs, int xslen)
{
	size_t avail = strlen(hex) / 2;
	size_t pos = 0;
	u8 v[16];
	for (int n = 0; n < NREGS; n++) {
		int size = reg_size(n);
		if (pos + size > avail)
			return pos == avail && n > 0 ? 0 : -1; /* a shorter g: what is there */
		if (gdb_hex_decode(hex + 2 * pos, v, size) < 0)
			return -1;
		pos += size;
		if (reg_set(n, r, xs, xslen, v) < 0 && gdb_reg_needs_xstate(n) && xs)
			return -1;
	}
	return 0;
}

int gdb_reg_encode(struct sbuf *b, int n, const struct user_regs_struct *r, const void *xs, int xslen)
{
	u8 v[16];
	int size = reg_get(n, r, xs, xslen, v);
	if (size < 0)
		return -1;
	hex_bytes(b, v, size);
	return 0;
}

int gdb_reg_decode(int n, const char *hex, struct user_regs_struct *r, void *xs, int xslen)
{
	u8 v[16];
	int size = reg_size(n);
	if (size < 0 || strlen(hex) != (size_t)size * 2 || gdb_hex_decode(hex, v, size) < 0)
		return -1;
	return reg_set(n, r, xs, xslen, v);
}
