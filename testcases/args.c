/* args: argc/argv/envp and the auxiliary vector as Linux gives them to a
 * new program, checked from getauxval() and from the initial stack. */
#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;
extern char _start[];
static int fails;

static void check(const char *what, int ok)
{
	printf("%s %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		fails++;
}

int main(int argc, char **argv, char **envp)
{
	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	for (char **e = envp; *e; e++)
		printf("env %s\n", *e);
	check("argv[argc] == NULL", argv[argc] == NULL);
	/* the initial stack: argc at sp, argv right after; sp 16-aligned */
	check("stack alignment", (((uintptr_t)argv - 8) & 15) == 0);
	char **e = envp;
	while (*e)
		e++;
	ElfW(auxv_t) *av = (ElfW(auxv_t) *)(e + 1);
	unsigned long seen_pagesz = 0, seen_entry = 0;
	for (; av->a_type != AT_NULL; av++) {
		if (av->a_type == AT_PAGESZ)
			seen_pagesz = av->a_un.a_val;
		if (av->a_type == AT_ENTRY)
			seen_entry = av->a_un.a_val;
	}
	check("auxv on the stack: AT_PAGESZ", seen_pagesz == 4096);
	check("auxv on the stack: AT_ENTRY", seen_entry == getauxval(AT_ENTRY));
	check("AT_PAGESZ", getauxval(AT_PAGESZ) == 4096);
	check("AT_CLKTCK", getauxval(AT_CLKTCK) == 100);
	check("AT_ENTRY == _start", getauxval(AT_ENTRY) == (unsigned long)_start);
	ElfW(Phdr) *ph = (ElfW(Phdr) *)getauxval(AT_PHDR);
	unsigned long n = getauxval(AT_PHNUM);
	int load = 0;
	for (unsigned long i = 0; ph && i < n; i++)
		load += ph[i].p_type == PT_LOAD;
	check("AT_PHDR/AT_PHNUM name PT_LOAD headers", ph && n > 0 && load > 0);
	check("AT_PHENT", getauxval(AT_PHENT) == sizeof(ElfW(Phdr)));
	unsigned char *rnd = (unsigned char *)getauxval(AT_RANDOM);
	int nonzero = 0;
	for (int i = 0; rnd && i < 16; i++)
		nonzero |= rnd[i];
	check("AT_RANDOM: 16 readable bytes", rnd && nonzero);
	const char *fn = (const char *)getauxval(AT_EXECFN);
	check("AT_EXECFN is a string", fn && strlen(fn) > 0);
	check("AT_UID", getauxval(AT_UID) == getuid());
	check("AT_EUID", getauxval(AT_EUID) == geteuid());
	check("AT_GID", getauxval(AT_GID) == getgid());
	check("AT_EGID", getauxval(AT_EGID) == getegid());
	check("AT_SECURE", getauxval(AT_SECURE) == 0);
	check("AT_HWCAP present", getauxval(AT_HWCAP) != 0);
	const char *plat = (const char *)getauxval(AT_PLATFORM);
	check("AT_PLATFORM", plat && strcmp(plat, "x86_64") == 0);
	check("environ == envp", environ == envp);
	return fails ? 1 : 0;
}
