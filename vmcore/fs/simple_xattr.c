/* The in-memory extended attributes of tmpfs: a list per inode, in
 * descending order of name, the order in which Linux's tmpfs lists them
 * (its tree compares the other way round), so listxattr agrees.  The file system charges what each costs
 * to its inode space before it stores it; this file only keeps them. */
#include <vmcore/xattr.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

size_t simple_xattr_space(const char *name, size_t size)
{
	return 40 + size + strlen(name);
}

static struct simple_xattr **find(struct simple_xattr **head, const char *name, bool *found)
{
	struct simple_xattr **pp = head;
	int c = 1;
	while (*pp && (c = strcmp((*pp)->name, name)) > 0)
		pp = &(*pp)->next;
	*found = *pp && c == 0;
	return pp;
}

size_t simple_xattr_cost(struct simple_xattr *head, const char *name)
{
	bool found;
	struct simple_xattr **pp = find(&head, name, &found);
	return found ? simple_xattr_space(name, (*pp)->size) : 0;
}

int simple_xattr_set(struct simple_xattr **head, const char *name, const void *value, size_t size,
		     int flags)
{
	bool found;
	struct simple_xattr **pp = find(head, name, &found);
	if (found && (flags & XATTR_CREATE_))
		return -EEXIST;
	if (!found && ((flags & XATTR_REPLACE_) || !value))
		return -ENODATA;
	if (!value) {
		struct simple_xattr *x = *pp;
		*pp = x->next;
		free(x->value);
		free(x);
		return 0;
	}
	void *v = malloc(size ? size : 1);
	if (!v)
		return -ENOMEM;
	memcpy(v, value, size);
	if (found) {
		free((*pp)->value);
		(*pp)->value = v;
		(*pp)->size = size;
		return 0;
	}
	size_t nl = strlen(name);
	struct simple_xattr *x = malloc(sizeof(*x) + nl + 1);
	if (!x) {
		free(v);
		return -ENOMEM;
	}
	memcpy(x->name, name, nl + 1);
	x->value = v;
	x->size = size;
	x->next = *pp;
	*pp = x;
	return 0;
}

long simple_xattr_get(struct simple_xattr *head, const char *name, void *buf, size_t len)
{
	bool found;
	struct simple_xattr **pp = find(&head, name, &found);
	if (!found)
		return -ENODATA;
	if (len) {
		if ((*pp)->size > len)
			return -ERANGE;
		memcpy(buf, (*pp)->value, (*pp)->size);
	}
	return (*pp)->size;
}

long simple_xattr_list(struct simple_xattr *head, char *buf, size_t len, bool (*keep)(const char *name))
{
	size_t used = 0;
	for (struct simple_xattr *x = head; x; x = x->next) {
		if (keep && !keep(x->name))
			continue;
		size_t n = strlen(x->name) + 1;
		if (len) {
			if (used + n > len)
				return -ERANGE;
			memcpy(buf + used, x->name, n);
		}
		used += n;
	}
	return used;
}

size_t simple_xattrs_free(struct simple_xattr **head)
{
	size_t space = 0;
	while (*head) {
		struct simple_xattr *x = *head;
		*head = x->next;
		space += simple_xattr_space(x->name, x->size);
		free(x->value);
		free(x);
	}
	return space;
}
