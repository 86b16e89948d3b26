/* harness.h - owns what the libFuzzer harnesses share: splitting one input
 * into NUL-separated fields, and the check that turns a broken invariant
 * into a finding. */
#ifndef NPSD_FUZZ_HARNESS_H
#define NPSD_FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define FUZZ_MAX_FIELDS 16

/* A broken invariant is a finding like a crash: libFuzzer saves the input. */
#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "invariant failed: %s (%s:%d)\n", #cond,	\
		    __FILE__, __LINE__);					\
		abort();						\
	}								\
} while (0)

struct fuzz_fields {
	char		*copy;			/* the input, NUL-terminated */
	const char	*field[FUZZ_MAX_FIELDS];	/* "" past the last one */
	size_t		 n;
};

/* Splits data at NUL bytes into at most FUZZ_MAX_FIELDS fields; the last
 * field keeps any further NULs' text cut off (it is a C string). */
static inline int
fuzz_fields_split(struct fuzz_fields *f, const uint8_t *data, size_t size)
{
	char *p, *end;

	if ((f->copy = malloc(size + 1)) == NULL)
		return -1;
	memcpy(f->copy, data, size);
	f->copy[size] = '\0';
	f->n = 0;
	p = f->copy;
	end = f->copy + size;
	while (f->n < FUZZ_MAX_FIELDS) {
		f->field[f->n++] = p;
		p += strlen(p);
		if (p >= end)
			break;
		p++;
	}
	for (size_t i = f->n; i < FUZZ_MAX_FIELDS; i++)
		f->field[i] = "";
	return 0;
}

static inline void
fuzz_fields_free(struct fuzz_fields *f)
{
	free(f->copy);
	f->copy = NULL;
}

/* Replaces the contents of one in-memory file and returns a path that
 * opens it, so a parser that takes a file name reads text without disk
 * I/O. NULL when the kernel has no memfd. */
static inline const char *
fuzz_memfd_file(const void *data, size_t size)
{
	static int fd = -1;
	static char path[64];

	if (fd == -1) {
		if ((fd = memfd_create("npsd-fuzz", 0)) == -1)
			return NULL;
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) == -1 || (size > 0 && pwrite(fd, data, size, 0) != (ssize_t)size))
		return NULL;
	return path;
}

#endif
