/*
 * The batch calls: namespaces, veth pairs (peers born inside them, enslaved and up) and
 * handles, each in one call; all or nothing on failure, witnessed by ip -j.
 */
#include "check.h"

#define NODES 5

int main(void) {
  const char *names[NODES] = {"bat-0", "bat-1", "bat-2", "bat-3", "bat-4"};
  OK(vnet_netns_add("bat-host"));
  OK(vnet_netns_add_many(names, NODES));
  vnet_handle *host = NULL;
  OK(vnet_open("bat-host", &host));
  OK(vnet_bridge_add(host, "br0"));

  vnet_veth_spec veths[NODES];
  char ports[NODES][16];
  for (int i = 0; i < NODES; i++) {
    snprintf(ports[i], sizeof ports[i], "port%d", i);
    veths[i] = (vnet_veth_spec){
        .name = ports[i], .peer = "eth0", .peer_netns = names[i], .master = "br0", .up = true};
  }

  /* A bad name anywhere: nothing is created. */
  veths[3].peer = "a-name-much-too-long";
  FAILS(vnet_veth_add_many(host, veths, NODES), EINVAL, "a-name-much-too-long");
  veths[3].peer = "eth0";
  WITNESS("ip -n bat-host -j link show type veth | jq -e 'length == 0' >/dev/null");

  /* A duplicate in the kernel: all or nothing. */
  OK(vnet_veth_add(host, "port4", "peer4", NULL));
  FAILS(vnet_veth_add_many(host, veths, NODES), EEXIST, "port4");
  WITNESS("ip -n bat-host -j link show type veth | jq -e '[.[].ifname] | sort == [\"peer4\", \"port4\"]' >/dev/null");
  OK(vnet_link_del(host, "port4"));

  OK(vnet_veth_add_many(host, veths, NODES));
  WITNESS("ip -n bat-host -j link show master br0 | jq -e 'length == %d and all(.[]; .flags | index(\"UP\"))' "
          ">/dev/null", NODES);

  vnet_handle *vms[NODES];
  OK(vnet_open_many(names, NODES, vms));
  for (int i = 0; i < NODES; i++) {
    char cidr[32];
    snprintf(cidr, sizeof cidr, "10.0.0.%d/24", i + 1);
    OK(vnet_link_set_up(vms[i], "eth0", true));
    OK(vnet_addr_add(vms[i], "eth0", cidr));
    vnet_close(vms[i]);
    WITNESS("ip -n %s -4 -j addr show dev eth0 | jq -e '.[0].addr_info[0].local == \"10.0.0.%d\"' >/dev/null",
            names[i], i + 1);
  }
  vnet_handle *none[2] = {NULL, NULL};
  const char *missing[2] = {"bat-0", "bat-missing"};
  FAILS(vnet_open_many(missing, 2, none), ENOENT, "bat-missing");
  CHECK(none[0] == NULL && none[1] == NULL);
  CHECK(vnet_veth_add_many(host, NULL, 0) == 0);

  vnet_close(host);
  for (int i = 0; i < NODES; i++) {
    OK(vnet_netns_del(names[i]));
  }
  OK(vnet_netns_del("bat-host"));
  return finish("test_batch");
}
