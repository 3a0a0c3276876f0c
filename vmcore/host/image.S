/* The stub image, embedded so that ./linux stays one file. */
	.section .rodata
	.globl stub_image, stub_image_end
	.p2align 4
stub_image:
	.incbin STUB_ELF
stub_image_end:
	.section .note.GNU-stack,"",@progbits
