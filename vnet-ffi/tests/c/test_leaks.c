/*
 * Leaks and stability: ROUNDS rounds (default 10000) of open/list/free/close and of
 * failing calls (each class of error), with no growth in open file descriptors. Run
 * under valgrind by run.sh, which fails on any definite leak.
 *
 *   test_leaks [ROUNDS]
 */
#include "check.h"

#define NS "leak-ns"

int main(int argc, char **argv) {
  long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 10000;
  OK(vnet_netns_add(NS));
  vnet_handle *h = NULL;
  OK(vnet_open(NS, &h));
  OK(vnet_bridge_add(h, "br0"));
  vnet_close(h);

  int fds_start = -1;
  for (long i = 0; i < rounds; i++) {
    /* open/list/free/close */
    OK(vnet_open(NS, &h));
    vnet_link_info *links = NULL;
    size_t n = 0;
    OK(vnet_link_list(h, &links, &n));
    CHECK(n == 2);
    vnet_link_list_free(links, n);
    vnet_addr_info *addrs = NULL;
    OK(vnet_addr_list(h, NULL, &addrs, &n));
    vnet_addr_list_free(addrs, n);

    /* failing calls, one of each kind */
    CHECK(vnet_bridge_add(h, NULL) == -EINVAL);
    vnet_handle *unopened = NULL;
    CHECK(vnet_open("ns\xfe", &unopened) == -EINVAL); /* a namespace name must be UTF-8 */
    CHECK(vnet_bridge_add(h, "br/x") == -EINVAL);
    CHECK(vnet_addr_add(h, "br0", "10.0.0.1/99") == -EINVAL);
    CHECK(vnet_link_set_up(h, "nodev0", true) == -ENODEV);
    CHECK(vnet_bridge_add(h, "br0") == -EEXIST);
    CHECK(vnet_open("no-such-ns", &h) == -ENOENT);
    CHECK(vnet_masquerade_del(h, "br0", NULL) == -ENOENT);
    vnet_close(h);

    if (i == 99) {
      fds_start = open_fds();
    }
    if (check_failures) {
      break;
    }
  }
  int fds_end = open_fds();
  printf("%ld rounds; open fds after 100 rounds: %d, at the end: %d\n", rounds, fds_start, fds_end);
  CHECK(rounds < 100 || fds_end == fds_start);

  OK(vnet_netns_del(NS));
  return finish("test_leaks");
}
