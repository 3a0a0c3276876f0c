/* gdb's auto-load entry (.debug_gdb_scripts, gdb manual 23.5.2): `gdb ./linux`
 * loads the kernel's helpers, scripts/gdb/vmcore-gdb.py (the vm- commands,
 * docs/workflows.md), by the absolute path the build gives.  gdb runs it
 * only from a safe path: add-auto-load-safe-path with the source tree. */
	.pushsection ".debug_gdb_scripts", "MS", @progbits, 1
	.byte 1 /* SECTION_SCRIPT_ID_PYTHON_FILE */
	.asciz GDB_SCRIPT
	.popsection
	.section .note.GNU-stack, "", @progbits
