/* The stub: the host program that becomes one guest address space.
 *
 * vmcore starts it (from a copy embedded in ./linux, whose ELF header the
 * kernel moves to its STUB_BASE: the code is position-independent) traced
 * by a kernel task thread.  At the exec stop the tracer sets:
 *   rdi = physmem fd, rsi = physmem offset of the data pages, rdx = their size,
 *   r8 = the top of the host's user address space
 * and writes a seccomp filter program (a struct sock_fprog, then the
 * instructions) at the start of those pages.  The entry maps the pages
 * read-only at STUB_DATA, unmaps every other host mapping below and above
 * the stub (the original stack, vdso, vvar), installs the filter and stops
 * with int3.  From then on the address space holds only this code page, the
 * data pages and what the kernel maps from physmem, and every host system
 * call the process makes passes the filter (wall two: see
 * vmcore/host/seccomp.c): a forbidden one kills it with SIGSYS.
 *
 * stub_batch runs a batch of host syscalls (mmap, munmap, mprotect) that the
 * kernel wrote into the data pages: rdi = address of the first op, rsi = count.
 * It stops with the int3 at STUB_BATCH_DONE; rax = 0 or the first error,
 * r12 = index reached.  stub_clone stops with the int3 at STUB_CLONE_DONE.
 * The tracer runs both from a register state it sets completely (flags,
 * segments; never the guest's) and accepts only a stop at those addresses
 * (wall one).  The guest itself can never run these syscalls: guest code
 * only ever runs under PTRACE_SYSEMU, which catches every syscall
 * instruction.  The fixed offsets (.org) are STUB_* in vmcore/host.h. */

/* offsets from _start: the data pages, and the end of the stub's range */
#define DATA_OFF 0x10000
#define END_OFF (DATA_OFF + 4 * 4096)

	.text
	.globl _start
_start:
	/* r15 = the step reached, for the tracer's message when one fails */
	mov $1, %r15d
	mov %rdi, %r12
	mov %rsi, %r13
	mov %rdx, %r14
	mov %r8, %rbx
	/* prctl(PR_SET_NAME, "vmcore-stub") so the host's ps names us */
	mov $157, %eax
	mov $15, %edi
	lea name(%rip), %rsi
	syscall
	/* mmap(STUB_DATA, size, PROT_READ, MAP_SHARED|MAP_FIXED, fd, off) */
	mov $2, %r15d
	mov $9, %eax
	lea _start+DATA_OFF(%rip), %rdi
	mov %r14, %rsi
	mov $1, %edx
	mov $0x11, %r10d
	mov %r12, %r8
	mov %r13, %r9
	syscall
	cmp $-4095, %rax
	jae fail
	/* munmap(0, STUB_BASE): everything below us */
	mov $11, %eax
	xor %edi, %edi
	lea _start(%rip), %rsi
	syscall
	/* munmap(STUB_END, top - STUB_END): stack, vdso, vvar above us */
	mov $5, %r15d
	mov $11, %eax
	lea _start+END_OFF(%rip), %rdi
	mov %rbx, %rsi
	sub %rdi, %rsi
	syscall
	test %rax, %rax
	jnz fail
	/* prctl(PR_SET_NO_NEW_PRIVS, 1): needed to install a filter */
	mov $3, %r15d
	mov $157, %eax
	mov $38, %edi
	mov $1, %esi
	xor %edx, %edx
	xor %r10d, %r10d
	xor %r8d, %r8d
	syscall
	test %rax, %rax
	jnz fail
	/* seccomp(SECCOMP_SET_MODE_FILTER, 0, STUB_DATA): the kernel's filter */
	mov $4, %r15d
	mov $317, %eax
	mov $1, %edi
	xor %esi, %esi
	lea _start+DATA_OFF(%rip), %rdx
	syscall
fail:
	int3
	ud2

	.globl stub_batch
	.org 0x100
stub_batch:
	mov %rdi, %rbx
	mov %rsi, %rbp
	xor %r12d, %r12d
1:	cmp %rbp, %r12
	jae 2f
	mov 0(%rbx), %rax
	mov 8(%rbx), %rdi
	mov 16(%rbx), %rsi
	mov 24(%rbx), %rdx
	mov 32(%rbx), %r10
	mov 40(%rbx), %r8
	mov 48(%rbx), %r9
	syscall
	cmp $-4095, %rax
	jae 3f
	add $56, %rbx
	inc %r12
	jmp 1b
2:	xor %eax, %eax
3:	jmp batch_done
	.org 0x1f0
batch_done:			/* STUB_BATCH_DONE */
	int3
	ud2

/* stub_clone: make a new host thread in this address space.
 * rdi = clone flags.  The parent stops with int3, rax = the new tid.  The
 * new thread, untraced, waits in pause() until a kernel task thread seizes
 * it and gives it the guest's registers; it never runs guest code before. */
	.org 0x200
	.globl stub_clone
stub_clone:
	mov $56, %eax
	xor %esi, %esi
	xor %edx, %edx
	xor %r10d, %r10d
	xor %r8d, %r8d
	syscall
	test %rax, %rax
	jz 1f
	jmp clone_done
1:	mov $34, %eax
	syscall
	jmp 1b
	.org 0x230
clone_done:			/* STUB_CLONE_DONE */
	int3
	ud2

/* stub_exit: end this host thread (a guest thread's exit). */
	.org 0x240
	.globl stub_exit
stub_exit:
	mov $60, %eax
	xor %edi, %edi
	syscall
	ud2

name:	.asciz "vmcore-stub"
	.section .note.GNU-stack,"",@progbits
