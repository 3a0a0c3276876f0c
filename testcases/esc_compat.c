/* Wall one: 32-bit code in a 64-bit process (a far return to CS=0x23).
 *   esc_compat fault    32-bit code touches a fresh page (a page fault
 *                       taken in compat mode), then returns to 64-bit mode
 *   esc_compat syscall  the syscall instruction in compat mode, eax=83
 *   esc_compat int80    int $0x80 in compat mode, eax=83
 *   esc_compat int80_64 int $0x80 from 64-bit code, eax=83
 * eax=83 is symlink in the i386 table and mkdir in the x86-64 one; rdi
 * names /esc_compat_dir, which must never be created: a 32-bit call is
 * not an x86-64 call.  (vmcore has no i386 table and refuses them with
 * ENOSYS; Linux runs symlink(NULL, NULL): EFAULT.)  The 32-bit code and its
 * stack are copied below 4 GiB, where compat mode can address them; the
 * 32-bit code loads DS and ES (null in a 64-bit process) before using
 * memory.  Natively the compat syscall instruction returns through the
 * 32-bit vDSO, which a 64-bit process lacks: it ends in SIGSEGV there. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

extern const char blob_start[], blob_end[];

/* entry (64-bit): edi = page to touch or path, esi = mode; returns eax */
asm(".pushsection .text\n"
    ".globl blob_start, blob_end\n"
    "blob_start:\n"
    ".code64\n"
    "	push %rbx\n	push %rbp\n	push %r12\n"
    "	mov %rsp, saved_rsp(%rip)\n"
    "	lea stack_top(%rip), %rsp\n"
    "	mov %edi, %ebx\n	mov %esi, %ebp\n"
    "	lea code32(%rip), %rax\n"
    "	pushq $0x23\n	pushq %rax\n	lretq\n"
    ".code32\n"
    "code32:\n"
    "	mov $0x2b, %eax\n	mov %eax, %ds\n	mov %eax, %es\n"
    "	cmp $1, %ebp\n	je do_syscall\n"
    "	cmp $2, %ebp\n	je do_int80\n"
    "	movl $0x5a5a5a5a, (%ebx)\n	movl (%ebx), %eax\n	jmp back\n"
    "do_syscall:\n"
    "	mov %ebx, %edi\n	xor %ebx, %ebx\n	xor %ecx, %ecx\n	mov $83, %eax\n	syscall\n	jmp back\n"
    "do_int80:\n"
    "	mov %ebx, %edi\n	xor %ebx, %ebx\n	xor %ecx, %ecx\n	mov $83, %eax\n	int $0x80\n	jmp back\n"
    "back:\n"
    "	call 1f\n"
    "1:	pop %edx\n	add $(back64 - 1b), %edx\n"
    "	pushl $0x33\n	pushl %edx\n	lretl\n"
    ".code64\n"
    "back64:\n"
    "	mov saved_rsp(%rip), %rsp\n"
    "	pop %r12\n	pop %rbp\n	pop %rbx\n	ret\n"
    "	.balign 8\n"
    "saved_rsp: .quad 0\n"
    "	.fill 1024, 1, 0\n"
    "stack_top:\n"
    "blob_end:\n"
    ".popsection\n");

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "fault";
	/* the code and its stack, then the path */
	char *low = mmap((void *)0x20000000, 4 * 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (low == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memcpy(low, blob_start, blob_end - blob_start);
	int (*entry)(unsigned, unsigned) = (int (*)(unsigned, unsigned))(void *)low;
	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(mode, "fault")) {
		/* far from the code, out of reach of any fault-around window */
		char *fresh = mmap((void *)0x30000000, 4096, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (fresh == MAP_FAILED)
			return 1;
		int v = entry((unsigned long)fresh, 0);
		printf("32-bit code touched a fresh page: %#x\n", v);
		return v != 0x5a5a5a5a;
	}
	char *path = low + 3 * 4096;
	strcpy(path, "/esc_compat_dir");
	if (!strcmp(mode, "int80_64")) {
		long r;
		asm volatile("int $0x80" : "=a"(r) : "0"(83L), "b"(0L), "c"(0L), "D"(path) : "memory");
		printf("64-bit int80 eax=83: %s\n", r == -38 ? "ENOSYS" : r == -14 ? "EFAULT" : r == 0 ? "0" : "other");
		return r == 0;
	}
	int r = entry((unsigned long)path, !strcmp(mode, "syscall") ? 1 : 2);
	printf("compat %s eax=83: %s\n", mode, r == -38 ? "ENOSYS" : r == -14 ? "EFAULT" : r == 0 ? "0" : "other");
	return r == 0;
}
