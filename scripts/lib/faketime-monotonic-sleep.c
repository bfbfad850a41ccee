/* Preloaded before libfaketime by scripts/test-clock-ahead (see there).
 *
 * libfaketime 0.9.10 (Debian 12) shifts the deadline of clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)
 * by the fake offset even when the monotonic clock is not faked (FAKETIME_DONT_FAKE_MONOTONIC=1), so the
 * kernel gets a negative time and answers EINVAL: every time.sleep() of Python >= 3.11 fails
 * (wolfcw/libfaketime#426, fixed in 0.9.11). With the monotonic clock left real, such a deadline needs no
 * translation: hand it to the kernel as it is, and everything else on to libfaketime.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int clock_nanosleep(clockid_t clock_id, int flags, const struct timespec *req, struct timespec *rem)
{
  static int (*next)(clockid_t, int, const struct timespec *, struct timespec *);

  if (clock_id == CLOCK_MONOTONIC && (flags & TIMER_ABSTIME))
    return syscall(SYS_clock_nanosleep, clock_id, flags, req, rem) == 0 ? 0 : errno;
  if (next == NULL)
    next = (int (*)(clockid_t, int, const struct timespec *, struct timespec *))dlsym(RTLD_NEXT, "clock_nanosleep");
  return next(clock_id, flags, req, rem);
}
