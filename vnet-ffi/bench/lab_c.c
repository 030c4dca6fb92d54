/*
 * The overhead bench's C side: the bridge lab of N nodes built and torn down through
 * libvnet.so, call for call the same as vnet-ffi/examples/lab_rust.rs does through the
 * Rust API. Prints the milliseconds the build and the teardown took. Run by vnet-ffi/bench/overhead.sh.
 *
 *   lab_c N
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vnet.h>

static void must(int rc, const char *what) {
  if (rc != 0) {
    fprintf(stderr, "lab_c: %s: %s\n", what, vnet_last_error());
    exit(1);
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 100;
  struct timespec t0, t1;
  must(vnet_netns_add("bench-host"), "netns add");
  clock_gettime(CLOCK_MONOTONIC, &t0);

  vnet_handle *host;
  must(vnet_open("bench-host", &host), "open host");
  must(vnet_bridge_add(host, "br0"), "bridge");
  must(vnet_addr_add(host, "br0", "10.0.0.254/8"), "bridge address");
  must(vnet_link_set_up(host, "br0", true), "bridge up");
  if (argc > 2 && strcmp(argv[2], "bulk") == 0) {
    char(*names)[32] = calloc(n, 32), (*ports)[16] = calloc(n, 16);
    const char **ns = calloc(n, sizeof *ns);
    vnet_veth_spec *veths = calloc(n, sizeof *veths);
    vnet_handle **vms = calloc(n, sizeof *vms);
    for (int i = 0; i < n; i++) {
      snprintf(names[i], 32, "bench%d", i);
      snprintf(ports[i], 16, "v%d", i);
      ns[i] = names[i];
      veths[i] = (vnet_veth_spec){.name = ports[i], .peer = "eth0", .peer_netns = ns[i],
                                  .master = "br0", .up = true};
    }
    must(vnet_netns_add_many(ns, n), "netns add many");
    must(vnet_veth_add_many(host, veths, n), "veth add many");
    must(vnet_open_many(ns, n, vms), "open many");
    for (int i = 0; i < n; i++) {
      char cidr[32];
      snprintf(cidr, sizeof cidr, "10.%d.%d.%d/8", 1 + i / 62500, (i / 250) % 250, i % 250 + 1);
      must(vnet_link_set_up(vms[i], "eth0", true), "eth0 up");
      must(vnet_addr_add(vms[i], "eth0", cidr), "eth0 address");
      vnet_close(vms[i]);
    }
    free(names), free(ports), free(ns), free(veths), free(vms);
  }
  for (int i = 0; i < n && !(argc > 2 && strcmp(argv[2], "bulk") == 0); i++) {
    char ns[32], port[16], cidr[32];
    snprintf(ns, sizeof ns, "bench%d", i);
    snprintf(port, sizeof port, "v%d", i);
    snprintf(cidr, sizeof cidr, "10.%d.%d.%d/8", 1 + i / 62500, (i / 250) % 250, i % 250 + 1);
    must(vnet_netns_add(ns), "netns add");
    must(vnet_veth_add(host, port, "eth0", ns), "veth");
    must(vnet_link_set_master(host, port, "br0"), "master");
    must(vnet_link_set_up(host, port, true), "up");
    vnet_handle *vm;
    must(vnet_open(ns, &vm), "open node");
    must(vnet_link_set_up(vm, "eth0", true), "eth0 up");
    must(vnet_addr_add(vm, "eth0", cidr), "eth0 address");
    vnet_close(vm);
  }
  struct timespec built;
  clock_gettime(CLOCK_MONOTONIC, &built);
  for (int i = 0; i < n; i++) {
    char ns[32];
    snprintf(ns, sizeof ns, "bench%d", i);
    must(vnet_netns_del(ns), "netns del");
  }
  must(vnet_link_del(host, "br0"), "bridge del");
  vnet_close(host);

  clock_gettime(CLOCK_MONOTONIC, &t1);
  must(vnet_netns_del("bench-host"), "netns del host");
  printf("%.3f %.3f\n", (built.tv_sec - t0.tv_sec) * 1e3 + (built.tv_nsec - t0.tv_nsec) / 1e6,
         (t1.tv_sec - built.tv_sec) * 1e3 + (t1.tv_nsec - built.tv_nsec) / 1e6);
  return 0;
}
