#include "record/record.h"
int import_lackey(struct rec_log *g, FILE *f, const char *path, uint64_t interval, uint32_t *next_mm, struct nerr *err)
{ (void)g; (void)f; (void)next_mm; (void)interval; return nerr_set(err, "%s: not yet", path); }
