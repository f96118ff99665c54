#include "core/err.h"

#include <stdio.h>
#include <string.h>

int nerr_vset(struct nerr *e, const char *fmt, va_list ap)
{
	if (e)
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	return -1;
}

int nerr_set(struct nerr *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nerr_vset(e, fmt, ap);
	va_end(ap);
	return -1;
}

int nerr_prefix(struct nerr *e, const char *fmt, ...)
{
	char prefix[NERR_MSG_MAX];
	char old[NERR_MSG_MAX];
	va_list ap;

	if (!e)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	snprintf(e->msg, sizeof(e->msg), "%s: %s", prefix, old);
	return -1;
}

void nwarn(nwarn_fn fn, void *ctx, const char *fmt, ...)
{
	char msg[NERR_MSG_MAX];
	va_list ap;

	if (!fn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fn(ctx, msg);
}
