/*
 * Two threads, each with its own handle in its own namespace, building at the same
 * time (started together by a barrier): 40 bridges, 40 veth pairs with addresses,
 * listed and checked; then the witness counts what each namespace holds.
 */
#include "check.h"

#include <pthread.h>

#define LINKS 40

static pthread_barrier_t start;

static void *build(void *arg) {
  const char *ns = arg;
  vnet_handle *h = NULL;
  OK(vnet_open(ns, &h));
  pthread_barrier_wait(&start);
  for (int i = 0; i < LINKS; i++) {
    char br[16], a[16], b[16], cidr[32];
    snprintf(br, sizeof br, "br%d", i);
    snprintf(a, sizeof a, "va%d", i);
    snprintf(b, sizeof b, "vb%d", i);
    snprintf(cidr, sizeof cidr, "10.%d.0.1/24", i);
    OK(vnet_bridge_add(h, br));
    OK(vnet_veth_add(h, a, b, NULL));
    OK(vnet_link_set_master(h, a, br));
    OK(vnet_addr_add(h, br, cidr));
    OK(vnet_link_set_up(h, br, true));
    /* Each thread's failures are its own. */
    if (vnet_link_del(h, "nodev0") != -ENODEV || strstr(vnet_last_error(), "nodev0") == NULL) {
      fprintf(stderr, "%s: wrong error for a missing device\n", ns);
      exit(1);
    }
  }
  vnet_link_info *links = NULL;
  size_t n = 0;
  OK(vnet_link_list(h, &links, &n));
  vnet_link_list_free(links, n);
  vnet_close(h);
  return (void *)(size_t)n;
}

int main(void) {
  const char *names[] = {"thr-a", "thr-b"};
  OK(vnet_netns_add_many(names, 2));
  pthread_barrier_init(&start, NULL, 2);
  pthread_t threads[2];
  for (int i = 0; i < 2; i++) {
    pthread_create(&threads[i], NULL, build, (void *)names[i]);
  }
  for (int i = 0; i < 2; i++) {
    void *n = NULL;
    pthread_join(threads[i], &n);
    CHECK((size_t)n == 1 + 3 * LINKS); /* lo, and per round a bridge and two veth ends */
  }
  for (int i = 0; i < 2; i++) {
    WITNESS("ip -n %s -j link show type bridge | jq -e 'length == %d' >/dev/null", names[i], LINKS);
    WITNESS("ip -n %s -j link show type veth | jq -e 'length == %d' >/dev/null", names[i], 2 * LINKS);
    WITNESS("ip -n %s -4 -j addr show | jq -e '[.[].addr_info[]] | length == %d' >/dev/null",
            names[i], LINKS);
    OK(vnet_netns_del(names[i]));
  }
  return finish("test_threads");
}
