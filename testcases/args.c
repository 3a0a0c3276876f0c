/* args: argc/argv/envp and the auxiliary vector as Linux gives them to a new program, from getauxval() and from the initial stack. */
#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;
extern char _start[];
/* the linker's name for our own ELF header (static and static-pie alike) */
extern const ElfW(Ehdr) __ehdr_start __attribute__((visibility("hidden")));
static int fails;

static void check(const char *what, int ok)
{
	printf("%s %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		fails++;
}

/* the entries Linux's binfmt_elf always puts in the vector of a static
 * program (AT_SYSINFO_EHDR is left out: there is no vDSO in the guest) */
static const struct {
	unsigned long type;
	const char *name;
} keys[] = {
	{ AT_HWCAP, "AT_HWCAP" }, { AT_PAGESZ, "AT_PAGESZ" }, { AT_CLKTCK, "AT_CLKTCK" },
	{ AT_PHDR, "AT_PHDR" },   { AT_PHENT, "AT_PHENT" },   { AT_PHNUM, "AT_PHNUM" },
	{ AT_BASE, "AT_BASE" },   { AT_FLAGS, "AT_FLAGS" },   { AT_ENTRY, "AT_ENTRY" },
	{ AT_UID, "AT_UID" },     { AT_EUID, "AT_EUID" },     { AT_GID, "AT_GID" },
	{ AT_EGID, "AT_EGID" },   { AT_SECURE, "AT_SECURE" }, { AT_RANDOM, "AT_RANDOM" },
	{ AT_EXECFN, "AT_EXECFN" }, { AT_PLATFORM, "AT_PLATFORM" },
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

int main(int argc, char **argv, char **envp)
{
	char what[128];
	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	for (char **e = envp; *e; e++)
		printf("env %s\n", *e);
	check("argv[argc] == NULL", argv[argc] == NULL);
	check("envp follows argv", envp == argv + argc + 1);
	check("environ == envp", environ == envp);
	/* at entry sp points to argc, argv follows; the ABI wants sp 16-aligned */
	check("argc on the stack", *((long *)argv - 1) == argc);
	check("stack alignment", (((uintptr_t)argv - 8) & 15) == 0);

	/* the vector on the stack, past envp's NULL, against getauxval() */
	char **e = envp;
	while (*e)
		e++;
	ElfW(auxv_t) *av = (ElfW(auxv_t) *)(e + 1);
	int seen[NKEYS] = { 0 }, count = 0, agree = 1;
	unsigned long hwcap = 0;
	for (; av->a_type != AT_NULL && count < 100; av++, count++) {
		for (size_t k = 0; k < NKEYS; k++) {
			if (av->a_type != keys[k].type)
				continue;
			seen[k]++;
			if (av->a_type == AT_HWCAP)
				hwcap = av->a_un.a_val; /* glibc's getauxval gives its own */
			else if (av->a_un.a_val != getauxval(keys[k].type)) {
				printf("stack %s differs from getauxval\n", keys[k].name);
				agree = 0;
			}
		}
	}
	check("auxv ends with AT_NULL", av->a_type == AT_NULL);
	check("auxv on the stack agrees with getauxval", agree);
	for (size_t k = 0; k < NKEYS; k++) {
		snprintf(what, sizeof(what), "auxv on the stack holds %s once", keys[k].name);
		check(what, seen[k] == 1);
	}

	check("AT_PAGESZ", getauxval(AT_PAGESZ) == 4096);
	check("AT_CLKTCK", getauxval(AT_CLKTCK) == 100);
	check("AT_ENTRY == _start", getauxval(AT_ENTRY) == (unsigned long)_start);
	check("AT_BASE == 0 (no interpreter)", getauxval(AT_BASE) == 0);
	check("AT_FLAGS == 0", getauxval(AT_FLAGS) == 0);

	/* AT_PHDR/AT_PHNUM/AT_PHENT are our own program headers */
	const ElfW(Ehdr) *eh = &__ehdr_start;
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)getauxval(AT_PHDR);
	unsigned long n = getauxval(AT_PHNUM);
	check("our ELF header", memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0);
	check("AT_PHDR == our program headers",
	      ph == (const ElfW(Phdr) *)((const char *)eh + eh->e_phoff));
	check("AT_PHNUM == e_phnum", n == eh->e_phnum && n > 0);
	check("AT_PHENT == e_phentsize", getauxval(AT_PHENT) == eh->e_phentsize &&
	      eh->e_phentsize == sizeof(ElfW(Phdr)));
	int load = 0, phdr_ok = 1;
	uintptr_t bias = 0;
	for (unsigned long i = 0; ph && i < n; i++)
		if (ph[i].p_type == PT_LOAD && load++ == 0)
			bias = (uintptr_t)eh - (ph[i].p_vaddr - ph[i].p_offset);
	for (unsigned long i = 0; ph && i < n; i++)
		if (ph[i].p_type == PT_PHDR)
			phdr_ok = ph[i].p_vaddr + bias == (uintptr_t)ph;
	check("a PT_LOAD among the program headers", load > 0);
	check("PT_PHDR (if any) names AT_PHDR", phdr_ok);
	check("AT_ENTRY == e_entry + load bias", getauxval(AT_ENTRY) == eh->e_entry + bias);

	const volatile unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	int nonzero = 0;
	for (int i = 0; rnd && i < 16; i++)
		nonzero |= rnd[i];
	check("AT_RANDOM: 16 readable bytes, not all zero", rnd && nonzero);
	const char *fn = (const char *)getauxval(AT_EXECFN);
	check("AT_EXECFN is a readable string", fn && strlen(fn) > 0);
	check("AT_UID", getauxval(AT_UID) == getuid());
	check("AT_EUID", getauxval(AT_EUID) == geteuid());
	check("AT_GID", getauxval(AT_GID) == getgid());
	check("AT_EGID", getauxval(AT_EGID) == getegid());
	check("AT_SECURE", getauxval(AT_SECURE) == 0);
	/* Linux passes CPUID.1:EDX; x86-64 has at least FPU TSC CX8 CMOV MMX FXSR SSE SSE2 */
	unsigned long base = 1UL << 0 | 1UL << 4 | 1UL << 8 | 1UL << 15 | 1UL << 23 | 1UL << 24 |
			     1UL << 25 | 1UL << 26;
	check("AT_HWCAP holds the x86-64 baseline CPUID.1:EDX bits", (hwcap & base) == base);
	const char *plat = (const char *)getauxval(AT_PLATFORM);
	check("AT_PLATFORM", plat && strcmp(plat, "x86_64") == 0);
	/* the strings sit above the vector, as Linux lays them out */
	check("argv strings above the vector", argc == 0 || (uintptr_t)argv[0] > (uintptr_t)av);
	check("envp strings above the vector", !envp[0] || (uintptr_t)envp[0] > (uintptr_t)av);
	return fails ? 1 : 0;
}
