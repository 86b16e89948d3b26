/* buf.h - growable byte buffers with a hard maximum fixed at creation. */
#ifndef NPSD_BUF_H
#define NPSD_BUF_H

#include <stddef.h>

struct buf {
	char	*data;	/* always NUL-terminated when non-NULL */
	size_t	 len;
	size_t	 cap;
	size_t	 max;	/* appends that would pass this fail */
};

void	buf_init(struct buf *, size_t max);
void	buf_free(struct buf *);
void	buf_reset(struct buf *);
int	buf_append(struct buf *, const void *, size_t);
int	buf_puts(struct buf *, const char *);
int	buf_printf(struct buf *, const char *, ...) __attribute__((format(printf, 2, 3)));
/* Hands the data to the caller (free() it); the buffer is left empty. */
char	*buf_steal(struct buf *);

#endif
