/* The built-in initramfs (a newc cpio made at build time). */
	.section .rodata
	.globl initramfs_image, initramfs_image_end
	.p2align 4
initramfs_image:
	.incbin INITRAMFS
initramfs_image_end:
	.section .note.GNU-stack,"",@progbits
