/*
 * The bridge lab through the C API, proven by independent witnesses (ip -j, nft -j,
 * conntrack, real pings): a router namespace with a bridge holding 10.0.0.254/24, two
 * VM namespaces on it (veth peers created inside them, default routes to the bridge),
 * a tap owned by uid 1000 in the bridge, and NAT to an outside namespace that has no
 * route back to the VMs. Then it is torn down and nothing is left.
 */

#include "check.h"

#include <netinet/in.h>
#include <sys/socket.h>

#define HOST "lab-host"
#define OUT "lab-out"

static const char *vms[] = {"lab-vm1", "lab-vm2"};

int main(void) {
  OK(vnet_netns_add(HOST));
  OK(vnet_netns_add(OUT));
  vnet_handle *host = NULL;
  OK(vnet_open(HOST, &host));
  OK(vnet_link_set_up(host, "lo", true));

  /* The bridge and its address. */
  OK(vnet_bridge_add(host, "br0"));
  OK(vnet_addr_add(host, "br0", "10.0.0.254/24"));
  OK(vnet_link_set_up(host, "br0", true));

  /* The VMs: a veth each, its peer eth0 born inside the VM's namespace. */
  for (int i = 0; i < 2; i++) {
    char port[16], cidr[32];
    snprintf(port, sizeof port, "veth-vm%d", i + 1);
    snprintf(cidr, sizeof cidr, "10.0.0.%d/24", i + 1);
    OK(vnet_netns_add(vms[i]));
    OK(vnet_veth_add(host, port, "eth0", vms[i]));
    OK(vnet_link_set_master(host, port, "br0"));
    OK(vnet_link_set_up(host, port, true));
    vnet_handle *vm = NULL;
    OK(vnet_open(vms[i], &vm));
    OK(vnet_link_set_up(vm, "lo", true));
    OK(vnet_link_set_up(vm, "eth0", true));
    OK(vnet_addr_add(vm, "eth0", cidr));
    OK(vnet_route_add(vm, "default", "10.0.0.254", NULL));
    vnet_close(vm);
  }

  /* A tap for a VM run by uid 1000, in the bridge. */
  OK(vnet_tap_create(host, "tap-vm3", 1000, -1));
  OK(vnet_link_set_master(host, "tap-vm3", "br0"));
  OK(vnet_link_set_up(host, "tap-vm3", true));

  /* The uplink to the outside, forwarding, and NAT. */
  OK(vnet_veth_add(host, "uplink", "eth0", OUT));
  OK(vnet_addr_add(host, "uplink", "192.0.2.1/24"));
  OK(vnet_link_set_up(host, "uplink", true));
  vnet_handle *out = NULL;
  OK(vnet_open(OUT, &out));
  OK(vnet_link_set_up(out, "eth0", true));
  OK(vnet_addr_add(out, "eth0", "192.0.2.2/24"));
  OK(vnet_forwarding_set(host, AF_INET, true));
  OK(vnet_masquerade_add(host, "uplink", "10.0.0.0/24"));
  OK(vnet_masquerade_add(host, "uplink", "10.0.0.0/24")); /* already there: no change */

  /* What vnet reads back. */
  uint32_t br = 0;
  OK(vnet_link_index(host, "br0", &br));
  vnet_link_info *links = NULL;
  size_t n = 0;
  OK(vnet_link_list(host, &links, &n));
  int ports = 0, bridges = 0;
  for (size_t i = 0; i < n; i++) {
    if (links[i].master == br) {
      ports++;
      CHECK(links[i].up);
    }
    if (strcmp(links[i].name, "br0") == 0) {
      bridges++;
      CHECK(strcmp(links[i].kind, "bridge") == 0 && links[i].index == br && links[i].up);
    }
    if (strcmp(links[i].name, "tap-vm3") == 0) {
      CHECK(strcmp(links[i].kind, "tun") == 0 && links[i].mtu == 1500);
    }
  }
  vnet_link_list_free(links, n);
  CHECK(ports == 3 && bridges == 1);
  vnet_addr_info *addrs = NULL;
  OK(vnet_addr_list(host, "br0", &addrs, &n));
  CHECK(n >= 1 && strcmp(addrs[0].cidr, "10.0.0.254/24") == 0 && addrs[0].family == AF_INET);
  vnet_addr_list_free(addrs, n);

  /* What the witnesses see. */
  WITNESS("ip -n " HOST " -j addr show dev br0 | jq -e '.[0].addr_info | any(.local == "
          "\"10.0.0.254\" and .prefixlen == 24)' >/dev/null");
  WITNESS("ip -n " HOST " -j link show master br0 | jq -e '[.[].ifname] | sort == "
          "[\"tap-vm3\", \"veth-vm1\", \"veth-vm2\"]' >/dev/null");
  /* ip shows the owner by name when uid 1000 has one. */
  WITNESS("ip -n " HOST " -d -j link show tap-vm3 | jq -e --arg u \"$(id -nu 1000 2>/dev/null || echo 1000)\" "
          "'.[0].linkinfo.info_data | .type == \"tap\" and .user == $u and .persist == true' >/dev/null");
  WITNESS("ip -n lab-vm1 -j route show default | jq -e '.[0].gateway == \"10.0.0.254\"' >/dev/null");
  WITNESS("ip -n lab-vm2 -j link show eth0 | jq -e '.[0].operstate == \"UP\"' >/dev/null");
  WITNESS("ip netns exec " HOST " nft -j list ruleset | jq -e '[.nftables[] | select(.rule) | "
          ".rule.expr[] | select(has(\"masquerade\"))] | length == 1' >/dev/null");
  WITNESS("test \"$(ip netns exec " HOST " cat /proc/sys/net/ipv4/ip_forward)\" = 1");

  /* Real traffic: VM to VM, VM to bridge, VM to the outside through NAT. */
  WITNESS("ip netns exec lab-vm1 ping -c1 -W5 10.0.0.2 >/dev/null");
  WITNESS("ip netns exec lab-vm2 ping -c1 -W5 10.0.0.254 >/dev/null");
  WITNESS("ip netns exec lab-vm1 ping -c1 -W5 192.0.2.2 >/dev/null");
  /* The outside has no route back: it saw the router's address, not the VM's. */
  WITNESS("! ip netns exec " OUT " ping -c1 -W1 10.0.0.1 >/dev/null 2>&1");
  WITNESS("ip netns exec " HOST " conntrack -L 2>/dev/null | grep -q 'src=10.0.0.1 dst=192.0.2.2.*src=192.0.2.2 dst=192.0.2.1'");

  size_t flows = 0;
  OK(vnet_conntrack_count(host, &flows));
  CHECK(flows >= 1);
  OK(vnet_conntrack_flush(host));
  OK(vnet_conntrack_count(host, &flows));
  CHECK(flows == 0);
  WITNESS("test \"$(ip netns exec " HOST " conntrack -C)\" = 0");

  /* Port forward, proxy ARP, proxy neighbour: set, seen, removed. */
  OK(vnet_port_forward_add(host, IPPROTO_TCP, 8080, "10.0.0.1", 80, "uplink"));
  WITNESS("ip netns exec " HOST " nft -j list ruleset | jq -e '[.nftables[] | select(.rule) | "
          ".rule.expr[] | select(has(\"dnat\")) | .dnat] == [{\"addr\": \"10.0.0.1\", \"port\": 80}]' >/dev/null");
  OK(vnet_port_forward_del(host, IPPROTO_TCP, 8080, "10.0.0.1", 80, "uplink"));
  OK(vnet_proxy_arp_set(host, "uplink", true));
  WITNESS("test \"$(ip netns exec " HOST " cat /proc/sys/net/ipv4/conf/uplink/proxy_arp)\" = 1");
  OK(vnet_neigh_proxy_add(host, "192.0.2.77", "uplink"));
  WITNESS("ip -n " HOST " -j neigh show proxy | jq -e 'any(.dst == \"192.0.2.77\")' >/dev/null");
  OK(vnet_neigh_proxy_del(host, "192.0.2.77", "uplink"));
  WITNESS("ip -n " HOST " -j neigh show proxy | jq -e 'length == 0' >/dev/null");

  /* Teardown. */
  OK(vnet_masquerade_del(host, "uplink", "10.0.0.0/24"));
  WITNESS("ip netns exec " HOST " nft -j list ruleset | jq -e '[.nftables[] | select(.rule)] | "
          "length == 0' >/dev/null");
  OK(vnet_tuntap_delete(host, "tap-vm3"));
  OK(vnet_link_del(host, "br0"));
  WITNESS("ip -n " HOST " -j link show | jq -e 'all(.[]; .ifname != \"br0\" and .ifname != \"tap-vm3\")' "
          ">/dev/null");
  vnet_close(out);
  vnet_close(host);
  for (int i = 0; i < 2; i++) {
    OK(vnet_netns_del(vms[i]));
  }
  OK(vnet_netns_del(OUT));
  OK(vnet_netns_del(HOST));
  WITNESS("test -z \"$(ip netns list | grep lab-)\"");
  return finish("test_lab");
}
