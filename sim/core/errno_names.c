#include "core/errno_names.h"

#include <string.h>

static const struct {
	int no;
	const char *name;
} errnos[] = {
	{NS_EPERM, "EPERM"},   {NS_ENOENT, "ENOENT"}, {NS_ESRCH, "ESRCH"},   {NS_EIO, "EIO"},
	{NS_E2BIG, "E2BIG"},   {NS_ENOMEM, "ENOMEM"}, {NS_EACCES, "EACCES"}, {NS_EFAULT, "EFAULT"},
	{NS_EBUSY, "EBUSY"},   {NS_EXDEV, "EXDEV"},   {NS_ENODEV, "ENODEV"}, {NS_EINVAL, "EINVAL"},
	{NS_EEXIST, "EEXIST"}, {NS_ENOSPC, "ENOSPC"},
};

#define NR_ERRNOS (sizeof(errnos) / sizeof(errnos[0]))

const int errno_known[] = {
	NS_EPERM,  NS_ENOENT, NS_ESRCH, NS_EIO,	   NS_E2BIG,  NS_ENOMEM, NS_EACCES,
	NS_EFAULT, NS_EBUSY,  NS_EXDEV, NS_ENODEV, NS_EINVAL, NS_EEXIST, NS_ENOSPC,
};
const unsigned errno_known_count = NR_ERRNOS;

const char *errno_name(int e)
{
	if (e < 0)
		e = -e;
	for (unsigned i = 0; i < NR_ERRNOS; i++)
		if (errnos[i].no == e)
			return errnos[i].name;
	return NULL;
}

int errno_from_name(const char *name)
{
	for (unsigned i = 0; i < NR_ERRNOS; i++)
		if (strcmp(errnos[i].name, name) == 0)
			return errnos[i].no;
	return 0;
}
