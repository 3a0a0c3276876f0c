/* Extended attributes: the system calls' limits and the in-memory store
 * that tmpfs keeps per inode (simple_xattr.c). */
#ifndef VMCORE_XATTR_H
#define VMCORE_XATTR_H

#include <vmcore/kernel.h>

#define XATTR_NAME_MAX_ 255     /* a whole name, "user." included */
#define XATTR_SIZE_MAX_ 65536   /* one value */
#define XATTR_LIST_MAX_ 65536   /* a listxattr buffer */
#define XATTR_CREATE_ 1
#define XATTR_REPLACE_ 2

/* A list of (name, value) in descending order of name, as Linux lists. */
struct simple_xattr {
	struct simple_xattr *next;
	size_t size;
	void *value;
	char name[];
};

/* What one attribute costs its file system's inode space (Linux's figure,
 * so that statfs's f_ffree moves the same way). */
size_t simple_xattr_space(const char *name, size_t size);
/* value NULL: remove.  flags XATTR_CREATE_/XATTR_REPLACE_: EEXIST/ENODATA.
 * The caller charges the difference of simple_xattr_cost first. */
int simple_xattr_set(struct simple_xattr **head, const char *name, const void *value, size_t size,
		     int flags);
/* The space the attribute name costs now, 0 if it is absent. */
size_t simple_xattr_cost(struct simple_xattr *head, const char *name);
long simple_xattr_get(struct simple_xattr *head, const char *name, void *buf, size_t len);
/* names (NUL-terminated, one after another) that keep(name) accepts */
long simple_xattr_list(struct simple_xattr *head, char *buf, size_t len, bool (*keep)(const char *name));
/* free all; returns the space they cost */
size_t simple_xattrs_free(struct simple_xattr **head);

#endif
