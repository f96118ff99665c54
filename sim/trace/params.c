/*
 * params.c - trace parameters (docs/trace-format.md "Parameters").
 *
 * `# param NAME=DEFAULT` among the leading comments declares NAME;
 * `${NAME}` in a record is replaced by the value (the default, or one
 * given by `run --set NAME=V` / `compare --vary NAME=...`) before the
 * line is parsed, so the parser never sees a parameter and every value
 * is checked exactly as a literal would be. Substitution is one function,
 * trace_param_subst(), called only for lines holding a '$'.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trace/trace_int.h"

bool trace_param_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= TRACE_PARAM_NAME_MAX ||
	    !(isalpha((unsigned char)name[0]) || name[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_')
			return false;
	return true;
}

const char *trace_param_value_bad(const char *value)
{
	if (!*value)
		return "empty value";
	if (strpbrk(value, " \t\r\n"))
		return "a value is one word (no blanks)";
	if (strpbrk(value, "#$"))
		return "a value may not hold '#' or '$'";
	return NULL;
}

int trace_params_put(struct trace_params *p, const char *name, const char *value)
{
	for (int i = 0; i < p->n; i++) {
		if (!strcmp(p->name[i], name)) {
			p->value[i] = value;
			return 0;
		}
	}
	if (p->n == TRACE_MAX_PARAMS || strlen(name) >= TRACE_PARAM_NAME_MAX)
		return -1;
	strcpy(p->name[p->n], name);
	p->value[p->n++] = value;
	return 0;
}

static int find_decl(const struct trace_reader *r, const char *name, size_t len)
{
	for (int i = 0; i < r->nparams; i++)
		if (strlen(r->params[i].name) == len && !strncmp(r->params[i].name, name, len))
			return i;
	return -1;
}

/* "# param NAME=DEFAULT": 1 when the comment is one (declared), 0 when
 * it is another comment, -1 with why for a malformed declaration. */
int trace_param_declare(struct trace_reader *r, char *why, size_t len)
{
	const char *s = r->line + strspn(r->line, " \t");

	if (strncmp(s, "# param", 7) != 0 || (s[7] != ' ' && s[7] != '\t'))
		return 0;
	s += 7;
	s += strspn(s, " \t");
	size_t w = strcspn(s, " \t");
	const char *eq = memchr(s, '=', w);

	if (!eq)
		return trace_fail(why, len, "expected '# param NAME=DEFAULT'");
	char name[TRACE_PARAM_NAME_MAX];
	size_t nl = (size_t)(eq - s);

	if (nl >= sizeof(name))
		return trace_fail(why, len, "parameter name longer than %d characters",
				  TRACE_PARAM_NAME_MAX - 1);
	memcpy(name, s, nl);
	name[nl] = '\0';
	if (!trace_param_name_ok(name))
		return trace_fail(
			why, len,
			"bad parameter name '%s' (a letter or '_', then letters, digits, '_')",
			name);
	if (find_decl(r, name, nl) >= 0)
		return trace_fail(why, len, "parameter '%s' declared twice (first on line %lu)",
				  name, r->params[find_decl(r, name, nl)].line);
	if (r->nparams == TRACE_MAX_PARAMS)
		return trace_fail(why, len, "more than %d parameters", TRACE_MAX_PARAMS);
	char *value = strndup(eq + 1, w - nl - 1);
	const char *bad = value ? trace_param_value_bad(value) : "out of memory";

	if (bad || s[w + strspn(s + w, " \t")] != '\0') {
		free(value);
		return trace_fail(why, len, "parameter '%s': %s", name,
				  bad ? bad
				      : "expected '# param NAME=DEFAULT' and nothing after it");
	}
	r->params[r->nparams].name = strdup(name);
	r->params[r->nparams].value = value;
	r->params[r->nparams].line = r->lineno;
	if (!r->params[r->nparams].name)
		return trace_fail(why, len, "out of memory");
	r->nparams++;
	return 1;
}

/*
 * A value "P%nodeN" becomes P percent of node N's memory in bytes,
 * rounded down to whole pages (at least one page); P has at most three
 * decimals ("62.5%node0"). Other values are left alone. -1 with why when
 * the value looks relative but is malformed or names a missing node.
 */
static int resolve_relative(struct trace_reader *r, char **value, const struct trace_params *p,
			    char *why, size_t len)
{
	const char *v = *value, *pct = strchr(v, '%');
	uint64_t milli = 0, node_bytes, page = p && p->page_size ? p->page_size : 4096;
	int decimals = -1;

	if (!pct)
		return 0;
	for (const char *c = v; c < pct; c++) {
		if (*c == '.' && decimals < 0) {
			decimals = 0;
			continue;
		}
		if (!isdigit((unsigned char)*c) || decimals == 3 || milli > 100000000)
			return trace_fail(
				why, len,
				"bad relative size '%s' (want P%%nodeN, e.g. 62.5%%node0)", v);
		milli = milli * 10 + (uint64_t)(*c - '0');
		if (decimals >= 0)
			decimals++;
	}
	for (int d = decimals < 0 ? 0 : decimals; d < 3; d++)
		milli *= 10;
	char *end;
	long node = strncmp(pct, "%node", 5) == 0 && isdigit((unsigned char)pct[5])
			    ? strtol(pct + 5, &end, 10)
			    : -1;

	if (pct == v || node < 0 || *end)
		return trace_fail(why, len,
				  "bad relative size '%s' (want P%%nodeN, e.g. 62.5%%node0)", v);
	r->relative_params = true;
	if (p && p->nr_nodes && node >= p->nr_nodes)
		return trace_fail(why, len, "'%s': topology %s has no node %ld", v,
				  p->topo_name ? p->topo_name : "", node);
	node_bytes = p && p->nr_nodes ? p->node_bytes[node] : TRACE_NOMINAL_NODE_BYTES;
	/* node_bytes < 2^50 and milli < 2^37 would overflow; divide first */
	uint64_t bytes = node_bytes / 100000 * milli + node_bytes % 100000 * milli / 100000;

	bytes = bytes / page * page;
	if (bytes < page)
		bytes = page;
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)bytes);
	char *n = strdup(buf);

	if (!n)
		return trace_fail(why, len, "out of memory");
	free(*value);
	*value = n;
	return 0;
}

/* A value given for a name the trace does not declare: the message
 * points at the declarations (or line 1 when there are none). */
static int undeclared(const struct trace_reader *r, const char *name, struct nerr *err)
{
	char list[256] = "";
	size_t o = 0;

	if (!r->nparams)
		return nerr_set(
			err,
			"%s:1: a value for parameter '%s', but the trace declares no parameters "
			"('# param %s=DEFAULT')",
			r->path, name, name);
	for (int i = 0; i < r->nparams && o < sizeof(list); i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "",
				      r->params[i].name);
	return nerr_set(err, "%s:%lu: a value for parameter '%s', but the trace declares only %s",
			r->path, r->params[0].line, name, list);
}

/* Replaces the defaults with the values given (a name the trace does not
 * declare is an error), then resolves relative sizes. */
int trace_param_apply(struct trace_reader *r, const struct trace_params *p, struct nerr *err)
{
	char why[TRACE_WHY_MAX];

	for (int i = 0; p && i < p->n; i++) {
		int d = find_decl(r, p->name[i], strlen(p->name[i]));
		const char *bad = trace_param_value_bad(p->value[i]);

		if (d < 0)
			return undeclared(r, p->name[i], err);
		if (bad)
			return nerr_set(err, "%s:%lu: parameter '%s': %s", r->path,
					r->params[d].line, p->name[i], bad);
		char *v = strdup(p->value[i]);

		if (!v)
			return nerr_set(err, "%s: out of memory", r->path);
		free(r->params[d].value);
		r->params[d].value = v;
	}
	for (int i = 0; i < r->nparams; i++)
		if (resolve_relative(r, &r->params[i].value, p, why, sizeof(why)))
			return nerr_set(err, "%s:%lu: parameter '%s': %s", r->path,
					r->params[i].line, r->params[i].name, why);
	return 0;
}

/* Grows *buf to hold n bytes. */
static int buf_reserve(char **buf, size_t *cap, size_t n)
{
	if (n <= *cap)
		return 0;
	size_t c = *cap ? *cap : 256;

	while (c < n)
		c *= 2;
	char *b = realloc(*buf, c);

	if (!b)
		return -1;
	*buf = b;
	*cap = c;
	return 0;
}

/*
 * Copies in to *out with every ${NAME} before its comment replaced by
 * its value. A '$' not starting ${NAME}, an unterminated ${ or an
 * undeclared NAME is an error.
 */
int trace_param_subst_into(const struct trace_reader *r, const char *in, char **out, size_t *cap,
			   uint32_t *used, char *why, size_t len)
{
	size_t o = 0;
	const char *comment = in;

	/* a word starting with '#' starts a comment: left as it is */
	while ((comment = strchr(comment, '#')) && comment != in && comment[-1] != ' ' &&
	       comment[-1] != '\t')
		comment++;
	*used = 0;
	for (const char *s = in; *s;) {
		const char *d = strchr(s, '$');

		if (d && comment && d > comment)
			d = NULL;
		size_t lit = d ? (size_t)(d - s) : strlen(s);

		if (buf_reserve(out, cap, o + lit + 1))
			return trace_fail(why, len, "out of memory");
		memcpy(*out + o, s, lit);
		o += lit;
		if (!d)
			break;
		const char *close = d[1] == '{' ? strchr(d + 2, '}') : NULL;

		if (!close)
			return trace_fail(why, len, "'$' must start ${NAME}");
		int i = find_decl(r, d + 2, (size_t)(close - d - 2));

		if (i < 0)
			return trace_fail(why, len,
					  "undeclared parameter ${%.*s} (declare it with '# param "
					  "%.*s=DEFAULT')",
					  (int)(close - d - 2), d + 2, (int)(close - d - 2), d + 2);
		size_t vl = strlen(r->params[i].value);

		*used |= 1u << i;
		if (buf_reserve(out, cap, o + vl + 1))
			return trace_fail(why, len, "out of memory");
		memcpy(*out + o, r->params[i].value, vl);
		o += vl;
		s = close + 1;
	}
	if (buf_reserve(out, cap, o + 1))
		return trace_fail(why, len, "out of memory");
	(*out)[o] = '\0';
	return 0;
}

/* Replaces every ${NAME} of r->line (the line then lives in the former
 * substitution buffer). */
int trace_param_subst(struct trace_reader *r, char *why, size_t len)
{
	if (trace_param_subst_into(r, r->line, &r->subst, &r->substcap, &r->used_params, why, len))
		return -1;
	char *t = r->line;
	size_t c = r->cap;

	r->len = strlen(r->subst);
	r->line = r->subst;
	r->cap = r->substcap;
	r->subst = t;
	r->substcap = c;
	return 0;
}

void trace_param_note(const struct trace_reader *r, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; i < r->nparams && o < len; i++) {
		if (!(r->used_params >> i & 1))
			continue;
		o += (size_t)snprintf(buf + o, len - o, "%s%s=%s", o ? ", " : " (with ",
				      r->params[i].name, r->params[i].value);
	}
	if (o && o + 1 < len)
		snprintf(buf + o, len - o, ")");
}

void trace_param_free(struct trace_reader *r)
{
	for (int i = 0; i < r->nparams; i++) {
		free(r->params[i].name);
		free(r->params[i].value);
	}
	free(r->subst);
}

bool trace_params_relative(const struct trace_reader *r)
{
	return r->relative_params;
}

int trace_param_count(const struct trace_reader *r)
{
	return r->nparams;
}

const char *trace_param_name(const struct trace_reader *r, int i)
{
	return r->params[i].name;
}

const char *trace_param_value(const struct trace_reader *r, int i)
{
	return r->params[i].value;
}
