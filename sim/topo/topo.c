/*
 * topo.c - loading and validating a topology file (docs/topology-format.md).
 *
 * The file is checked completely before anything is handed out: the
 * struct topology is built on the side and freed on the first problem, so
 * a caller sees either a whole machine or one line saying what is wrong,
 * in the form "<file>: <json path>: <problem>".
 *
 * Unknown keys are errors, not ignored: a misspelt "memroy" would
 * otherwise silently give a node no memory and a simulation that looks
 * right but is not.
 */
#include "topo/topo.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/suggest.h"
#include "core/units.h"

const char *const zone_names[MAX_NR_ZONES] = {"DMA", "DMA32", "Normal", "Movable"};

/* Frames are numbered with 32-bit pfns; UINT32_MAX is kept as "no frame". */
#define TOPO_MAX_FRAMES ((uint64_t)UINT32_MAX - 1)
/* A topology file is a few KiB; anything far larger is not one. */
#define TOPO_MAX_FILE (64u << 20)
#define JPATH_MAX 128

struct loader {
	const char *path;
	struct nerr *err;
	nwarn_fn warn;
	void *warn_ctx;
	struct topology *t;
};

__attribute__((format(printf, 3, 4))) static int bad(struct loader *L, const char *where,
						     const char *fmt, ...)
{
	char msg[NERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return nerr_set(L->err, "%s: %s: %s", L->path, where, msg);
}

static const char *json_kind(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a real number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

static void jpath(char *buf, const char *where, const char *key)
{
	snprintf(buf, JPATH_MAX, "%s%s%s", where, *where ? "." : "", key);
}

/* Rejects keys not in `known` (NULL-terminated), naming the known ones. */
static int check_keys(struct loader *L, json_t *obj, const char *where, const char *const *known)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v)
	{
		const char *const *k = known;
		char list[256] = "", at[JPATH_MAX];

		while (*k && strcmp(*k, key) != 0)
			k++;
		if (*k)
			continue;
		for (k = known; *k; k++) {
			size_t n = strlen(list);
			const char *sep = k == known ? "" : k[1] ? ", " : " or ";

			snprintf(list + n, sizeof(list) - n, "%s%s", sep, *k);
		}
		jpath(at, where, key);
		return bad(L, at, "unknown key (expected %s)", list);
	}
	return 0;
}

static int want_type(struct loader *L, json_t *j, json_type type, const char *where,
		     const char *what)
{
	if (j && json_typeof(j) == type)
		return 0;
	if (!j)
		return bad(L, where, "missing (%s is required)", what);
	return bad(L, where, "expected %s, got %s", what, json_kind(j));
}

/* An integer in [lo, hi]. */
static int get_int(struct loader *L, json_t *j, const char *where, long long lo, long long hi,
		   long long *out)
{
	if (want_type(L, j, JSON_INTEGER, where, "an integer"))
		return -1;
	long long v = json_integer_value(j);
	if (v < lo || v > hi)
		return bad(L, where, "must be %lld..%lld, got %lld", lo, hi, v);
	*out = v;
	return 0;
}

/* A size: integer bytes or a string with a unit (core/units.h). */
static int get_size(struct loader *L, json_t *j, const char *where, uint64_t *out)
{
	char why[160];

	if (json_is_integer(j)) {
		if (json_integer_value(j) < 0)
			return bad(L, where, "size must not be negative, got %lld",
				   (long long)json_integer_value(j));
		*out = (uint64_t)json_integer_value(j);
		return 0;
	}
	if (!json_is_string(j))
		return bad(L, where,
			   "expected a size (bytes, or a string such as \"256MiB\"), got %s",
			   json_kind(j));
	if (parse_size(json_string_value(j), out, why, sizeof(why)))
		return bad(L, where, "%s", why);
	return 0;
}

static int get_string(struct loader *L, json_t *j, const char *where, char **out)
{
	if (want_type(L, j, JSON_STRING, where, "a string"))
		return -1;
	*out = strdup(json_string_value(j));
	return *out ? 0 : bad(L, where, "out of memory");
}

/*
 * A bandwidth: positive and within [lo, hi], so that the times derived
 * from it (bytes / bandwidth, in ns or ps) fit in 64 bits and are never
 * 0 for a page: 1e-300 MB/s would overflow the cast, 1e-10 MB/s gave a
 * negative sim_time_ns.
 */
static int get_positive_number(struct loader *L, json_t *j, const char *where, double lo, double hi,
			       double *out)
{
	if (!json_is_number(j))
		return bad(L, where, "expected a number, got %s", j ? json_kind(j) : "nothing");
	*out = json_number_value(j);
	if (!(*out > 0))
		return bad(L, where, "must be positive, got %g", *out);
	if (*out < lo || *out > hi)
		return bad(L, where, "%g is out of range %g..%g", *out, lo, hi);
	return 0;
}

/* ---- top-level scalars ---------------------------------------------- */

static int load_page_size(struct loader *L, json_t *root)
{
	json_t *j = json_object_get(root, "page_size");
	uint64_t ps = 4096;

	if (j && get_size(L, j, "page_size", &ps))
		return -1;
	if (ps < 4096 || ps > 65536 || (ps & (ps - 1)))
		return bad(L, "page_size", "must be a power of two from 4096 to 65536, got %llu",
			   (unsigned long long)ps);
	L->t->page_size = (uint32_t)ps;
	L->t->page_shift = (uint32_t)__builtin_ctz((unsigned)ps);
	return 0;
}

static int load_header(struct loader *L, json_t *root)
{
	struct topology *t = L->t;
	json_t *j;
	long long lat = 100;

	if (get_string(L, json_object_get(root, "name"), "name", &t->name))
		return -1;
	j = json_object_get(root, "description");
	if (j ? get_string(L, j, "description", &t->description) : !(t->description = strdup("")))
		return -1;
	if (load_page_size(L, root))
		return -1;
	j = json_object_get(root, "local_latency_ns");
	if (j && get_int(L, j, "local_latency_ns", 1, 1000000000, &lat))
		return -1;
	t->local_latency_ns = (uint32_t)lat;
	return 0;
}

/* ---- devices[] ------------------------------------------------------ */

static int device_type(struct loader *L, json_t *j, const char *where, enum device_type *out)
{
	static const char *const names[] = {"block", "net", "other"};

	if (want_type(L, j, JSON_STRING, where, "a string"))
		return -1;
	for (int i = 0; i < 3; i++) {
		if (strcmp(json_string_value(j), names[i]) == 0) {
			*out = (enum device_type)i;
			return 0;
		}
	}
	return bad(L, where, "unknown device type '%s' (expected block, net or other)",
		   json_string_value(j));
}

static int find_device(const struct topology *t, int upto, const char *name)
{
	for (int i = 0; i < upto; i++)
		if (strcmp(t->devices[i].name, name) == 0)
			return i;
	return -1;
}

static int load_device(struct loader *L, json_t *j, int i)
{
	static const char *const known[] = {"name", "type", "read_MBps", "write_MBps", NULL};
	struct topo_device *d = &L->t->devices[i];
	char where[JPATH_MAX], at[JPATH_MAX];
	json_t *v;

	snprintf(where, sizeof(where), "devices[%d]", i);
	if (want_type(L, j, JSON_OBJECT, where, "an object") || check_keys(L, j, where, known))
		return -1;
	jpath(at, where, "name");
	if (get_string(L, json_object_get(j, "name"), at, &d->name))
		return -1;
	if (find_device(L->t, i, d->name) >= 0)
		return bad(L, at, "duplicate device name '%s'", d->name);
	jpath(at, where, "type");
	if (device_type(L, json_object_get(j, "type"), at, &d->type))
		return -1;
	jpath(at, where, "read_MBps");
	if ((v = json_object_get(j, "read_MBps")) &&
	    get_positive_number(L, v, at, TOPO_MBPS_MIN, TOPO_MBPS_MAX, &d->read_MBps))
		return -1;
	jpath(at, where, "write_MBps");
	if ((v = json_object_get(j, "write_MBps")) &&
	    get_positive_number(L, v, at, TOPO_MBPS_MIN, TOPO_MBPS_MAX, &d->write_MBps))
		return -1;
	return 0;
}

static int load_devices(struct loader *L, json_t *root)
{
	json_t *arr = json_object_get(root, "devices");
	struct topology *t = L->t;

	if (!arr)
		return 0;
	if (want_type(L, arr, JSON_ARRAY, "devices", "an array"))
		return -1;
	t->devices = calloc(json_array_size(arr) + 1, sizeof(*t->devices));
	if (!t->devices)
		return bad(L, "devices", "out of memory");
	for (size_t i = 0; i < json_array_size(arr); i++) {
		t->devices[i].node = -1;
		t->nr_devices = (int)i + 1; /* so topo_free() sees the name */
		if (load_device(L, json_array_get(arr, i), (int)i))
			return -1;
	}
	return 0;
}

/* ---- nodes[] -------------------------------------------------------- */

static int cpus_from_array(struct loader *L, json_t *arr, const char *where, cpumask_t *m)
{
	char at[JPATH_MAX];

	for (size_t i = 0; i < json_array_size(arr); i++) {
		long long cpu = 0;

		snprintf(at, sizeof(at), "%s[%zu]", where, i);
		if (get_int(L, json_array_get(arr, i), at, 0, NS_MAX_CPUS - 1, &cpu))
			return -1;
		if (cpu_isset(m, (int)cpu))
			return bad(L, at, "cpu %lld is listed twice", cpu);
		cpu_set(m, (int)cpu);
	}
	return 0;
}

static int load_cpus(struct loader *L, json_t *j, const char *where, cpumask_t *m)
{
	char why[256];

	memset(m, 0, sizeof(*m));
	if (json_is_array(j))
		return cpus_from_array(L, j, where, m);
	if (!json_is_string(j))
		return j ? bad(L, where,
			       "expected a cpu list string (\"0-3,8\") or an array of cpu ids, got "
			       "%s",
			       json_kind(j))
			 : bad(L, where, "missing (use \"\" for a node without CPUs)");
	if (bm_parselist(json_string_value(j), m->w, CPUMASK_BITS, NS_MAX_CPUS, why, sizeof(why)))
		return bad(L, where, "%s", why);
	return 0;
}

/* Each CPU belongs to one node: claim the node's CPUs in cpu_owner[]. */
static int claim_cpus(struct loader *L, struct topo_node *n, int *cpu_owner, const char *where)
{
	int c;

	for_each_cpu_mask(c, &n->cpus)
	{
		if (cpu_owner[c] >= 0)
			return bad(L, where, "cpu %d is already in node %d", c, cpu_owner[c]);
		cpu_owner[c] = n->id;
	}
	n->nr_cpus = cpus_weight(&n->cpus);
	return 0;
}

static int page_multiple(struct loader *L, uint64_t bytes, const char *where)
{
	if (bytes % L->t->page_size == 0)
		return 0;
	return bad(L, where, "%llu bytes is not a multiple of the page size (%u)",
		   (unsigned long long)bytes, L->t->page_size);
}

static int zone_index(const char *name)
{
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (strcmp(zone_names[z], name) == 0)
			return z;
	return -1;
}

static int load_zones(struct loader *L, json_t *j, const char *where, struct topo_node *n)
{
	uint64_t sum = 0;
	const char *key;
	json_t *v;

	if (!j) {
		n->zone_bytes[ZONE_NORMAL] = n->memory_bytes;
		return 0;
	}
	if (want_type(L, j, JSON_OBJECT, where, "an object of zone name to size"))
		return -1;
	json_object_foreach(j, key, v)
	{
		char at[JPATH_MAX];
		int z = zone_index(key);
		uint64_t bytes;

		jpath(at, where, key);
		if (z < 0)
			return bad(L, at, "unknown zone (expected DMA, DMA32, Normal or Movable)");
		if (get_size(L, v, at, &bytes) || page_multiple(L, bytes, at))
			return -1;
		if (bytes > n->memory_bytes - sum)
			return bad(L, where,
				   "zones add up to more than the node's memory (%llu bytes)",
				   (unsigned long long)n->memory_bytes);
		n->zone_bytes[z] = bytes;
		sum += bytes;
	}
	if (sum != n->memory_bytes)
		return bad(L, where, "zones add up to %llu bytes but memory is %llu bytes",
			   (unsigned long long)sum, (unsigned long long)n->memory_bytes);
	return 0;
}

/* Optional `pageblocks`: zone name -> {"Unmovable"|"Reclaimable":
 * {"blocks": N, "free": [count per order 0..10]}} (docs/topology-format.md). */
static const char *const boot_type_names[TOPO_NR_BOOT_TYPES + 1] = {"Unmovable", "Reclaimable",
								    NULL};

static int load_pageblocks(struct loader *L, json_t *j, const char *where, struct topo_node *n)
{
	const char *zkey;
	json_t *zv;

	if (!j)
		return 0;
	if (want_type(L, j, JSON_OBJECT, where, "an object of zone name to migratetypes"))
		return -1;
	json_object_foreach(j, zkey, zv)
	{
		char at[JPATH_MAX];
		int z = zone_index(zkey);
		const char *tkey;
		json_t *tv;

		jpath(at, where, zkey);
		if (z < 0)
			return bad(L, at, "unknown zone (expected DMA, DMA32, Normal or Movable)");
		if (!n->zone_bytes[z])
			return bad(L, at, "the node has no %s zone", zkey);
		if (want_type(L, zv, JSON_OBJECT, at, "an object of migratetype to pageblocks") ||
		    check_keys(L, zv, at, boot_type_names))
			return -1;
		json_object_foreach(zv, tkey, tv)
		{
			static const char *const keys[] = {"blocks", "free", "unmanaged", NULL};
			int t = strcmp(tkey, boot_type_names[0]) == 0 ? 0 : 1;
			struct topo_boot_blocks *b = &n->boot_blocks[z][t];
			char tat[JPATH_MAX], kat[JPATH_MAX];
			json_t *fr;
			/* get_int() sets v before use; 0 quiets -O2's
			 * -Wmaybe-uninitialized */
			long long v = 0;
			uint64_t pages = 0;

			jpath(tat, at, tkey);
			if (want_type(L, tv, JSON_OBJECT, tat, "an object with blocks and free") ||
			    check_keys(L, tv, tat, keys))
				return -1;
			jpath(kat, tat, "blocks");
			if (get_int(L, json_object_get(tv, "blocks"), kat, 0, 1LL << 30, &v))
				return -1;
			b->blocks = (uint32_t)v;
			jpath(kat, tat, "free");
			fr = json_object_get(tv, "free");
			if (fr &&
			    (want_type(L, fr, JSON_ARRAY, kat, "an array of counts per order") ||
			     json_array_size(fr) > TOPO_NR_ORDERS))
				return bad(L, kat, "at most %d counts (orders 0..%d)",
					   TOPO_NR_ORDERS, TOPO_NR_ORDERS - 1);
			for (size_t o = 0; fr && o < json_array_size(fr); o++) {
				char oat[JPATH_MAX];

				snprintf(oat, sizeof(oat), "%s[%zu]", kat, o);
				if (get_int(L, json_array_get(fr, o), oat, 0, 1LL << 30, &v))
					return -1;
				b->free[o] = (uint32_t)v;
				pages += (uint64_t)v << o;
			}
			if (pages > (uint64_t)b->blocks << 9) /* pageblock_order 9 */
				return bad(L, tat, "%llu free pages do not fit in %u pageblocks",
					   (unsigned long long)pages, b->blocks);
			jpath(kat, tat, "unmanaged");
			json_t *um = json_object_get(tv, "unmanaged");

			if (um && get_int(L, um, kat, 0, 1LL << 30, &v))
				return -1;
			b->unmanaged = um ? (uint32_t)v : 0;
			if (pages + b->unmanaged > (uint64_t)b->blocks << 9)
				return bad(L, kat,
					   "%llu free and %u unmanaged pages do not fit in %u "
					   "pageblocks",
					   (unsigned long long)pages, b->unmanaged, b->blocks);
			if (((uint64_t)b->unmanaged << L->t->page_shift) > n->zone_bytes[z])
				return bad(L, kat, "%u unmanaged pages are more than the zone has",
					   b->unmanaged);
		}
	}
	return 0;
}

static int attach_devices(struct loader *L, json_t *j, const char *where, struct topo_node *n)
{
	struct topology *t = L->t;
	char at[JPATH_MAX];

	if (!j)
		return 0;
	if (want_type(L, j, JSON_ARRAY, where, "an array of device names"))
		return -1;
	n->devices = calloc(json_array_size(j) + 1, sizeof(int));
	if (!n->devices)
		return bad(L, where, "out of memory");
	for (size_t i = 0; i < json_array_size(j); i++) {
		json_t *v = json_array_get(j, i);
		int d;

		snprintf(at, sizeof(at), "%s[%zu]", where, i);
		if (want_type(L, v, JSON_STRING, at, "a device name"))
			return -1;
		d = find_device(t, t->nr_devices, json_string_value(v));
		if (d < 0)
			return bad(L, at, "unknown device '%s' (not in the top-level devices)",
				   json_string_value(v));
		if (t->devices[d].node >= 0)
			return bad(L, at, "device '%s' is already attached to node %d",
				   json_string_value(v), t->devices[d].node);
		t->devices[d].node = n->id;
		n->devices[n->nr_devices++] = d;
	}
	return 0;
}

/* Optional abstract distance (memory tiers, docs/topology-format.md):
 * an integer, MEMTIER_ADISTANCE_DRAM when absent. */
static int load_adistance(struct loader *L, json_t *j, const char *at, struct topo_node *n)
{
	long long v;

	n->adistance = TOPO_ADISTANCE_DRAM;
	if (!j)
		return 0;
	if (!json_is_integer(j))
		return bad(L, at, "expected an integer abstract distance (DRAM is %d), got %s",
			   TOPO_ADISTANCE_DRAM, json_is_string(j) ? "a string" : "a non-integer");
	v = json_integer_value(j);
	if (v < 0 || v > TOPO_ADISTANCE_MAX)
		return bad(L, at, "abstract distance must be 0..%d, got %lld", TOPO_ADISTANCE_MAX,
			   v);
	n->adistance = (int)v;
	return 0;
}

static int load_node_body(struct loader *L, json_t *j, const char *where, struct topo_node *n,
			  int *cpu_owner)
{
	char at[JPATH_MAX];
	json_t *mem = json_object_get(j, "memory");

	jpath(at, where, "cpus");
	if (load_cpus(L, json_object_get(j, "cpus"), at, &n->cpus) ||
	    claim_cpus(L, n, cpu_owner, at))
		return -1;
	jpath(at, where, "memory");
	if (!mem)
		return bad(L, at, "missing (use \"0\" for a node without memory)");
	if (get_size(L, mem, at, &n->memory_bytes) || page_multiple(L, n->memory_bytes, at))
		return -1;
	jpath(at, where, "zones");
	if (load_zones(L, json_object_get(j, "zones"), at, n))
		return -1;
	jpath(at, where, "adistance");
	if (load_adistance(L, json_object_get(j, "adistance"), at, n))
		return -1;
	jpath(at, where, "reserved");
	if (json_object_get(j, "reserved") &&
	    (get_size(L, json_object_get(j, "reserved"), at, &n->reserved_bytes) ||
	     page_multiple(L, n->reserved_bytes, at)))
		return -1;
	if (n->reserved_bytes > n->memory_bytes)
		return bad(L, at, "larger than the node's memory");
	jpath(at, where, "pageblocks");
	if (load_pageblocks(L, json_object_get(j, "pageblocks"), at, n))
		return -1;
	jpath(at, where, "devices");
	return attach_devices(L, json_object_get(j, "devices"), at, n);
}

/* First pass: every element is an object with a fresh id in 0..N-1. */
static int check_node_ids(struct loader *L, json_t *arr, int *slot)
{
	static const char *const known[] = {"id",	"cpus",	      "memory",
					    "zones",	"devices",    "adistance",
					    "reserved", "pageblocks", NULL};
	int nr = (int)json_array_size(arr);
	char where[JPATH_MAX], at[JPATH_MAX];

	for (int i = 0; i < nr; i++) {
		json_t *j = json_array_get(arr, i);
		long long id;

		snprintf(where, sizeof(where), "nodes[%d]", i);
		if (want_type(L, j, JSON_OBJECT, where, "an object") ||
		    check_keys(L, j, where, known))
			return -1;
		jpath(at, where, "id");
		if (!json_object_get(j, "id"))
			return bad(L, at, "missing (node ids are 0..%d, each once)", nr - 1);
		if (want_type(L, json_object_get(j, "id"), JSON_INTEGER, at, "an integer"))
			return -1;
		id = json_integer_value(json_object_get(j, "id"));
		if (id < 0 || id >= nr)
			return bad(L, at, "node ids must be 0..%d (each once, %d nodes), got %lld",
				   nr - 1, nr, id);
		if (slot[id] >= 0)
			return bad(L, at, "duplicate node id %lld (also nodes[%d])", id, slot[id]);
		slot[id] = i;
	}
	return 0;
}

/* Frames are addressed by 32-bit pfns (docs/architecture.md), so the machine is capped. */
static int check_total_frames(struct loader *L, const int *slot)
{
	uint64_t frames = 0;
	char at[JPATH_MAX];

	for (int id = 0; id < L->t->nr_nodes; id++) {
		frames += L->t->nodes[id].memory_bytes >> L->t->page_shift;
		if (frames > TOPO_MAX_FRAMES) {
			snprintf(at, sizeof(at), "nodes[%d].memory", slot[id]);
			return bad(L, at,
				   "total memory is more than numasim can simulate "
				   "(32-bit frame numbers: at most %llu frames of %u bytes, about "
				   "%llu GiB)",
				   (unsigned long long)TOPO_MAX_FRAMES, L->t->page_size,
				   (unsigned long long)((TOPO_MAX_FRAMES * L->t->page_size) >> 30));
		}
	}
	if (frames == 0)
		return bad(L, "nodes", "no node has memory");
	return 0;
}

static int build_cpu_map(struct loader *L, const int *cpu_owner)
{
	struct topology *t = L->t;
	int hi = -1;

	for (int c = 0; c < NS_MAX_CPUS; c++)
		if (cpu_owner[c] >= 0)
			hi = c;
	if (hi < 0) /* tasks would run on "cpu -1" */
		return bad(L, "nodes", "no node has a CPU");
	t->nr_cpus = hi + 1;
	t->cpu_node = malloc(sizeof(int) * (size_t)(t->nr_cpus + 1));
	if (!t->cpu_node)
		return bad(L, "nodes", "out of memory");
	memcpy(t->cpu_node, cpu_owner, sizeof(int) * (size_t)t->nr_cpus);
	return 0;
}

static int load_nodes_from(struct loader *L, json_t *arr, int *slot, int *cpu_owner)
{
	struct topology *t = L->t;
	char where[JPATH_MAX];

	if (check_node_ids(L, arr, slot))
		return -1;
	for (int id = 0; id < t->nr_nodes; id++) {
		t->nodes[id].id = id;
		snprintf(where, sizeof(where), "nodes[%d]", slot[id]);
		if (load_node_body(L, json_array_get(arr, (size_t)slot[id]), where, &t->nodes[id],
				   cpu_owner))
			return -1;
	}
	if (check_total_frames(L, slot))
		return -1;
	return build_cpu_map(L, cpu_owner);
}

static int load_nodes(struct loader *L, json_t *root)
{
	json_t *arr = json_object_get(root, "nodes");
	struct topology *t = L->t;
	int *slot, *cpu_owner, rc;
	size_t nr;

	if (want_type(L, arr, JSON_ARRAY, "nodes", "an array"))
		return -1;
	nr = json_array_size(arr);
	if (nr == 0)
		return bad(L, "nodes", "at least one node is required");
	if (nr > NS_MAX_NODES)
		return bad(L, "nodes", "%zu nodes is more than numasim supports (%d)", nr,
			   NS_MAX_NODES);
	t->nr_nodes = (int)nr;
	t->nodes = calloc(nr, sizeof(*t->nodes));
	slot = malloc(nr * sizeof(int));
	cpu_owner = malloc(NS_MAX_CPUS * sizeof(int));
	if (!t->nodes || !slot || !cpu_owner) {
		rc = bad(L, "nodes", "out of memory");
	} else {
		memset(slot, 0xff, nr * sizeof(int)); /* all -1 */
		memset(cpu_owner, 0xff, NS_MAX_CPUS * sizeof(int));
		rc = load_nodes_from(L, arr, slot, cpu_owner);
	}
	free(slot);
	free(cpu_owner);
	return rc;
}

/* ---- distances (the ACPI SLIT) ---------------------------------------- */

static int load_distance(struct loader *L, json_t *v, int i, int k)
{
	char at[JPATH_MAX];
	long long d;

	snprintf(at, sizeof(at), "distances[%d][%d]", i, k);
	if (want_type(L, v, JSON_INTEGER, at, "an integer"))
		return -1;
	d = json_integer_value(v);
	if (i == k && d != DISTANCE_LOCAL)
		return bad(L, at, "local distance must be %d, got %lld", DISTANCE_LOCAL, d);
	if (i != k && (d <= DISTANCE_LOCAL || d > DISTANCE_UNREACHABLE))
		return bad(L, at,
			   "remote distance must be 11..254, or 255 for unreachable, got %lld", d);
	L->t->distance[i * L->t->nr_nodes + k] = (uint8_t)d;
	return 0;
}

/* Linux accepts an asymmetric SLIT and uses it as given; so do we, aloud. */
static void warn_asymmetric(struct loader *L)
{
	struct topology *t = L->t;

	for (int i = 0; i < t->nr_nodes; i++) {
		for (int k = i + 1; k < t->nr_nodes; k++) {
			if (topo_distance(t, i, k) == topo_distance(t, k, i))
				continue;
			t->asymmetric = true;
			nwarn(L->warn, L->warn_ctx,
			      "%s: distances: asymmetric SLIT (distances[%d][%d] is %d, "
			      "distances[%d][%d] is %d); "
			      "used as given, as Linux does",
			      L->path, i, k, topo_distance(t, i, k), k, i, topo_distance(t, k, i));
			return;
		}
	}
}

static int load_distances(struct loader *L, json_t *root)
{
	json_t *rows = json_object_get(root, "distances");
	struct topology *t = L->t;
	int n = t->nr_nodes;
	char at[JPATH_MAX];

	if (want_type(L, rows, JSON_ARRAY, "distances", "an array of rows"))
		return -1;
	if (json_array_size(rows) != (size_t)n)
		return bad(L, "distances", "expected %d rows (one per node), got %zu", n,
			   json_array_size(rows));
	t->distance = malloc((size_t)n * (size_t)n);
	if (!t->distance)
		return bad(L, "distances", "out of memory");
	for (int i = 0; i < n; i++) {
		json_t *row = json_array_get(rows, (size_t)i);

		snprintf(at, sizeof(at), "distances[%d]", i);
		if (want_type(L, row, JSON_ARRAY, at, "an array"))
			return -1;
		if (json_array_size(row) != (size_t)n)
			return bad(L, at, "expected %d entries (the table is %dx%d), got %zu", n, n,
				   n, json_array_size(row));
		for (int k = 0; k < n; k++)
			if (load_distance(L, json_array_get(row, (size_t)k), i, k))
				return -1;
	}
	warn_asymmetric(L);
	return 0;
}

/* ---- interconnect ------------------------------------------------------ */

static int load_link(struct loader *L, json_t *j, int i)
{
	static const char *const known[] = {"a", "b", "GBps", NULL};
	struct topo_link *lk = &L->t->links[i];
	char where[JPATH_MAX], at[JPATH_MAX];
	long long a = 0, b = 0;

	snprintf(where, sizeof(where), "interconnect.links[%d]", i);
	if (want_type(L, j, JSON_OBJECT, where, "an object") || check_keys(L, j, where, known))
		return -1;
	jpath(at, where, "a");
	if (get_int(L, json_object_get(j, "a"), at, 0, L->t->nr_nodes - 1, &a))
		return -1;
	jpath(at, where, "b");
	if (get_int(L, json_object_get(j, "b"), at, 0, L->t->nr_nodes - 1, &b))
		return -1;
	if (a == b)
		return bad(L, at, "a link joins two different nodes, got %lld and %lld", a, b);
	jpath(at, where, "GBps");
	if (get_positive_number(L, json_object_get(j, "GBps"), at, TOPO_GBPS_MIN, TOPO_GBPS_MAX,
				&lk->GBps))
		return -1;
	lk->a = (int)a;
	lk->b = (int)b;
	for (int k = 0; k < i; k++) {
		const struct topo_link *o = &L->t->links[k];

		if ((o->a == a && o->b == b) || (o->a == b && o->b == a))
			return bad(L, where, "link %lld-%lld is also interconnect.links[%d]", a, b,
				   k);
	}
	return 0;
}

/* Union-find root of node n (parent[] is nr_nodes long). */
static int uf_root(int *parent, int n)
{
	while (parent[n] != n)
		n = parent[n] = parent[parent[n]];
	return n;
}

/* A node traffic can start or end at: it has CPUs or memory. */
static bool node_in_use(const struct topo_node *nd)
{
	return nd->nr_cpus || nd->memory_bytes;
}

/*
 * With links declared, every access, copy and migration between two
 * nodes in use must have a route (sim/topo/interconnect.c); a pair the
 * links leave disconnected is a mistake in the file, reported with the
 * first such pair. Links are full duplex, so one direction suffices.
 */
static int check_links_connect(struct loader *L)
{
	struct topology *t = L->t;
	int *parent = malloc((size_t)t->nr_nodes * sizeof(*parent));

	if (!parent)
		return bad(L, "interconnect.links", "out of memory");
	for (int n = 0; n < t->nr_nodes; n++)
		parent[n] = n;
	for (int i = 0; i < t->nr_links; i++)
		parent[uf_root(parent, t->links[i].a)] = uf_root(parent, t->links[i].b);
	for (int a = 0; a < t->nr_nodes; a++) {
		for (int b = a + 1; b < t->nr_nodes; b++) {
			if (!node_in_use(&t->nodes[a]) || !node_in_use(&t->nodes[b]) ||
			    uf_root(parent, a) == uf_root(parent, b))
				continue;
			free(parent);
			return bad(L, "interconnect.links",
				   "no path between node %d and node %d (with links, every node "
				   "with CPUs or memory must be reachable from every other)",
				   a, b);
		}
	}
	free(parent);
	return 0;
}

static int load_cacheline(struct loader *L, json_t *ic)
{
	json_t *j = json_object_get(ic, "cacheline_bytes");
	long long v = 64;

	if (j && get_int(L, j, "interconnect.cacheline_bytes", 16, 4096, &v))
		return -1;
	if (v & (v - 1))
		return bad(L, "interconnect.cacheline_bytes",
			   "must be a power of two from 16 to 4096, got %lld", v);
	L->t->cacheline_bytes = (uint32_t)v;
	return 0;
}

static int load_interconnect(struct loader *L, json_t *root)
{
	static const char *const known[] = {"links", "cacheline_bytes", NULL};
	json_t *ic = json_object_get(root, "interconnect"), *links;
	struct topology *t = L->t;

	t->cacheline_bytes = 64;
	if (!ic)
		return 0;
	if (want_type(L, ic, JSON_OBJECT, "interconnect", "an object") ||
	    check_keys(L, ic, "interconnect", known) || load_cacheline(L, ic))
		return -1;
	links = json_object_get(ic, "links");
	if (want_type(L, links, JSON_ARRAY, "interconnect.links", "an array"))
		return -1;
	t->links = calloc(json_array_size(links) + 1, sizeof(*t->links));
	if (!t->links)
		return bad(L, "interconnect.links", "out of memory");
	t->nr_links = (int)json_array_size(links);
	for (int i = 0; i < t->nr_links; i++)
		if (load_link(L, json_array_get(links, (size_t)i), i))
			return -1;
	return t->nr_links ? check_links_connect(L) : 0;
}

/* ---- entry points -------------------------------------------------------- */

static int load_root(struct loader *L, json_t *root)
{
	static const char *const known[] = {
		"name",	   "description",  "page_size", "local_latency_ns", "nodes", "distances",
		"devices", "interconnect", NULL,
	};

	if (!json_is_object(root))
		return nerr_set(L->err, "%s: the topology must be a JSON object, got %s", L->path,
				json_kind(root));
	if (check_keys(L, root, "", known) || load_header(L, root) || load_devices(L, root) ||
	    load_nodes(L, root) || load_distances(L, root) || load_interconnect(L, root))
		return -1;
	return 0;
}

int topo_load_string(const char *text, const char *path, struct topology **out, struct nerr *err,
		     nwarn_fn warn, void *warn_ctx)
{
	struct loader L = {path, err, warn, warn_ctx, NULL};
	json_error_t jerr;
	json_t *root;
	int rc;

	*out = NULL;
	root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return nerr_set(err, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
	L.t = calloc(1, sizeof(*L.t));
	rc = L.t ? 0 : nerr_set(err, "%s: out of memory", path);
	if (!rc)
		rc = load_root(&L, root);
	if (!rc && !(L.t->path = strdup(path)))
		rc = nerr_set(err, "%s: out of memory", path);
	json_decref(root);
	if (rc) {
		topo_free(L.t);
		return -1;
	}
	*out = L.t;
	return 0;
}

static char *read_file(const char *path, struct nerr *err)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, len = 0;
	char *buf;

	if (!f) {
		/* fopen() allocates its FILE: under a tight ulimit -v it fails so */
		nerr_set(err, "%s: cannot open: %s", path,
			 errno == ENOMEM ? "out of host memory" : strerror(errno));
		return NULL;
	}
	buf = malloc(cap);
	while (buf) {
		len += fread(buf + len, 1, cap - len - 1, f);
		if (ferror(f) || len + 1 < cap || cap >= TOPO_MAX_FILE)
			break;
		char *bigger = realloc(buf, cap * 2);
		if (!bigger)
			free(buf);
		buf = bigger;
		cap *= 2;
	}
	if (!buf || ferror(f) || len + 1 >= cap) {
		nerr_set(err, "%s: cannot read: %s", path,
			 !buf	     ? "out of memory"
			 : ferror(f) ? strerror(errno)
				     : "file too large");
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[len] = '\0';
	if (strlen(buf) != len) {
		nerr_set(err, "%s: not a text file (contains a NUL byte)", path);
		free(buf);
		return NULL;
	}
	return buf;
}

int topo_load(const char *path, struct topology **out, struct nerr *err, nwarn_fn warn,
	      void *warn_ctx)
{
	char *text = read_file(path, err);
	int rc;

	*out = NULL;
	if (!text)
		return -1;
	rc = topo_load_string(text, path, out, err, warn, warn_ctx);
	free(text);
	return rc;
}

void topo_free(struct topology *t)
{
	if (!t)
		return;
	if (t->nodes)
		for (int i = 0; i < t->nr_nodes; i++)
			free(t->nodes[i].devices);
	for (int i = 0; t->devices && i < t->nr_devices; i++)
		free(t->devices[i].name);
	free(t->nodes);
	free(t->devices);
	free(t->links);
	free(t->distance);
	free(t->cpu_node);
	free(t->name);
	free(t->description);
	free(t->path);
	free(t);
}

/* ---- -t NAME ---------------------------------------------------------------- */

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* A shipped name is a plain word: no path separators, no leading dot. */
static bool plain_name(const char *name)
{
	return *name && *name != '.' && !strchr(name, '/');
}

int topo_resolve(const char *name, char *buf, size_t len, struct nerr *err)
{
	size_t n = strlen(name);
	bool looks_like_path = strchr(name, '/') || (n > 5 && !strcmp(name + n - 5, ".json"));

	if (is_file(name) || looks_like_path) {
		if (snprintf(buf, len, "%s", name) >= (int)len)
			return nerr_set(err, "numasim: topology path too long");
		return 0; /* a missing path is reported by topo_load(), naming it */
	}
	if (plain_name(name)) {
		snprintf(buf, len, "%s/topologies/%s.json", numasim_datadir(), name);
		if (is_file(buf))
			return 0;
	}
	char dir[4096], near[80], hint[128] = "";

	snprintf(dir, sizeof(dir), "%s/topologies", numasim_datadir());
	suggest_hint(suggest_in_dir(name, dir, ".json", near, sizeof(near)), hint, sizeof(hint));
	return nerr_set(err,
			"numasim: unknown topology '%s'%s (not a file, not a shipped topology; "
			"see docs/topologies.md)",
			name, hint);
}
