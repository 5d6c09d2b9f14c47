// LD_PRELOAD into a child `qiandao serve`: while the file named by QIANDAO_TEST_FAIL_WAL_FSYNC
// exists, fsync and fdatasync of any file whose name ends in "-wal" fail with EIO, as a
// failing disk would answer. Everything else goes to the C library. Tests only.
#include <dlfcn.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

bool wal_should_fail(int fd) {
  char const* flag = std::getenv("QIANDAO_TEST_FAIL_WAL_FSYNC");
  if (!flag || access(flag, F_OK) != 0) return false;
  char link[64];
  char path[4096];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, path, sizeof path - 1);
  if (n < 4) return false;
  path[n] = 0;
  return std::strcmp(path + n - 4, "-wal") == 0;
}

using sync_fn = int (*)(int);

int call_real(char const* name, int fd) {
  auto real = reinterpret_cast<sync_fn>(dlsym(RTLD_NEXT, name));
  if (!real) {
    errno = ENOSYS;
    return -1;
  }
  return real(fd);
}

}  // namespace

extern "C" int fsync(int fd) {
  if (wal_should_fail(fd)) {
    errno = EIO;
    return -1;
  }
  return call_real("fsync", fd);
}

extern "C" int fdatasync(int fd) {
  if (wal_should_fail(fd)) {
    errno = EIO;
    return -1;
  }
  return call_real("fdatasync", fd);
}
