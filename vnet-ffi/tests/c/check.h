/*
 * What the C tests of libvnet share: checks that say where and why they failed, and
 * independent witnesses (iproute2, nft, jq, ping) run through the shell.
 *
 * Every test runs inside scripts/private-netns.sh (a private /run/netns) and builds
 * everything in named namespaces it creates itself: the machine's own namespace is
 * never changed.
 */
#ifndef VNET_TEST_CHECK_H
#define VNET_TEST_CHECK_H

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <vnet.h>

static int check_failures;

/* A call that must succeed; on failure, prints the code and vnet_last_error(). */
#define OK(call)                                                                     \
  do {                                                                               \
    int rc_ = (call);                                                                \
    if (rc_ != 0) {                                                                  \
      fprintf(stderr, "%s:%d: %s = %d (%s): %s\n", __FILE__, __LINE__, #call, rc_,   \
              strerror(-rc_), vnet_last_error() ? vnet_last_error() : "(no message)"); \
      exit(1);                                                                       \
    }                                                                                \
  } while (0)

/* A condition that must hold; the test goes on, and fails at the end. */
#define CHECK(cond)                                                                  \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);       \
      check_failures++;                                                              \
    }                                                                                \
  } while (0)

/*
 * A call that must fail with -errno_ and a message containing `names` (the value it
 * was given). Prints the message, so the log shows what a C caller reads.
 */
#define FAILS(call, errno_, names)                                                   \
  do {                                                                               \
    int rc_ = (call);                                                                \
    const char *msg_ = vnet_last_error();                                            \
    if (rc_ != -(errno_)) {                                                          \
      fprintf(stderr, "%s:%d: %s = %d, expected -%s (%d): %s\n", __FILE__, __LINE__, \
              #call, rc_, #errno_, -(errno_), msg_ ? msg_ : "(no message)");         \
      check_failures++;                                                              \
    } else if (msg_ == NULL || strstr(msg_, (names)) == NULL) {                      \
      fprintf(stderr, "%s:%d: %s: message '%s' does not name '%s'\n", __FILE__,      \
              __LINE__, #call, msg_ ? msg_ : "(null)", (names));                     \
      check_failures++;                                                              \
    } else {                                                                         \
      printf("  -%-10s %s\n", #errno_, msg_);                                        \
    }                                                                                \
  } while (0)

/* Runs a shell command (printf-style) and returns its exit status. */
__attribute__((format(printf, 1, 2))) static inline int sh(const char *fmt, ...) {
  char cmd[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  int status = system(cmd);
  if (status == -1 || !WIFEXITED(status)) {
    return -1;
  }
  return WEXITSTATUS(status);
}

/* A witness that must agree: the shell command exits 0. */
#define WITNESS(...)                                                                 \
  do {                                                                               \
    if (sh(__VA_ARGS__) != 0) {                                                      \
      fprintf(stderr, "%s:%d: witness disagrees: ", __FILE__, __LINE__);             \
      fprintf(stderr, __VA_ARGS__);                                                  \
      fprintf(stderr, "\n");                                                         \
      check_failures++;                                                              \
    }                                                                                \
  } while (0)

/* The number of file descriptors this process has open. */
static inline int open_fds(void) {
  DIR *d = opendir("/proc/self/fd");
  int n = 0;
  if (d == NULL) {
    return -1;
  }
  while (readdir(d) != NULL) {
    n++;
  }
  closedir(d);
  return n - 3; /* ".", ".." and the directory's own fd */
}

/* The verdict: 0 when every check held. */
static inline int finish(const char *test) {
  if (check_failures) {
    fprintf(stderr, "%s: %d check(s) failed\n", test, check_failures);
    return 1;
  }
  printf("%s: ok\n", test);
  return 0;
}

#endif
