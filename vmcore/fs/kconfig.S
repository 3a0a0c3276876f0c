/* /proc/config.gz's bytes (scripts/mkconfig.py, made at build time). */
	.section .rodata
	.globl kconfig_gz, kconfig_gz_end
kconfig_gz:
	.incbin KCONFIG_GZ
kconfig_gz_end:
	.section .note.GNU-stack,"",@progbits
