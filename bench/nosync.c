/* A ceiling for issue 12's durable check-in row, never a way to run Qiandao: preloaded into
 * the server (LD_PRELOAD) by bench/run.sh's "fsyncs stubbed out" step, it makes every fsync
 * and fdatasync return at once without touching the disk. The same binary, fixture and client
 * then show how fast the check-in path is with durability taken away entirely, so the
 * durable rows can be read against what the CPU alone allows on this machine. */
int fsync(int fd);
int fdatasync(int fd);

int fsync(int fd) {
  (void)fd;
  return 0;
}

int fdatasync(int fd) {
  (void)fd;
  return 0;
}
