#!/bin/sh
# /dev/null is still a character device (major 1, minor 3): no test may
# replace it. scripts/test checks it again after ctest has finished.
# Usage: test_devnull.sh NUMASIM SRCDIR
if [ ! -c /dev/null ] || [ "$(stat -c '%t:%T' /dev/null)" != "1:3" ]; then
  echo "FAIL: /dev/null is not the null character device: $(ls -l /dev/null)"
  echo "fix: rm -f /dev/null; mknod -m 666 /dev/null c 1 3"
  exit 1
fi
echo "ok /dev/null is a character device"
