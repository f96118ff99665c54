#include "core/err.h"

#include <stdio.h>
#include <string.h>

/*
 * An error is one line (docs/cli.md: "one clear line"), but its text may quote
 * what the user wrote - a JSON key with an escaped newline, a trace
 * token. Control characters are shown escaped, as C writes them.
 */
static void one_line(char *msg, size_t len)
{
	char out[NERR_MSG_MAX];
	size_t o = 0;

	for (const char *p = msg; *p && o + 5 < sizeof(out); p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '\n' || ch == '\r' || ch == '\t')
			o += (size_t)snprintf(out + o, sizeof(out) - o, "\\%c",
					      ch == '\n'   ? 'n'
					      : ch == '\r' ? 'r'
							   : 't');
		else if (ch < 0x20 || ch == 0x7f)
			o += (size_t)snprintf(out + o, sizeof(out) - o, "\\x%02x", ch);
		else
			out[o++] = (char)ch;
	}
	out[o] = '\0';
	snprintf(msg, len, "%s", out);
}

int nerr_vset(struct nerr *e, const char *fmt, va_list ap)
{
	if (e) {
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		one_line(e->msg, sizeof(e->msg));
	}
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
	one_line(e->msg, sizeof(e->msg));
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
