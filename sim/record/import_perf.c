#include "record/record.h"
int import_perf(struct rec_log *g, FILE *f, const char *path, uint32_t *next_mm, struct nerr *err)
{ (void)g; (void)f; (void)next_mm;  return nerr_set(err, "%s: not yet", path); }
