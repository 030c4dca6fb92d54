/*
 * Every error class of the C API: the code it returns, a message naming the value,
 * out-parameters left alone, NULL accepted by every _free and _close, and the state
 * unchanged by a failed call (witnessed by ip -j).
 */

#include "check.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#define NS "err-ns"

int main(void) {
  /* Before any failure, no message. */
  CHECK(vnet_last_error() == NULL);
  CHECK(vnet_version() != NULL && strlen(vnet_version()) > 0);
  printf("libvnet %s\n", vnet_version());

  OK(vnet_netns_add(NS));
  vnet_handle *h = NULL;
  OK(vnet_open(NS, &h));
  OK(vnet_bridge_add(h, "br0"));

  puts("NULL pointers:");
  FAILS(vnet_bridge_add(h, NULL), EINVAL, "NULL");
  FAILS(vnet_bridge_add(NULL, "br1"), EINVAL, "handle");
  FAILS(vnet_netns_add(NULL), EINVAL, "NULL");
  FAILS(vnet_addr_add(h, "br0", NULL), EINVAL, "address prefix 'NULL'");
  FAILS(vnet_link_index(h, "br0", NULL), EINVAL, "index");
  FAILS(vnet_link_list(h, NULL, NULL), EINVAL, "links");
  FAILS(vnet_open(NS, NULL), EINVAL, "out");

  puts("bad names:");
  FAILS(vnet_bridge_add(h, "a-name-much-too-long"), EINVAL, "a-name-much-too-long");
  FAILS(vnet_bridge_add(h, "br/0"), EINVAL, "br/0");
  FAILS(vnet_veth_add(h, "v0", "", NULL), EINVAL, "peer name ''");
  FAILS(vnet_netns_add("../escape"), EINVAL, "../escape");

  puts("bad CIDRs, addresses, ids, MACs, numbers:");
  FAILS(vnet_addr_add(h, "br0", "10.0.0.1/33"), EINVAL, "10.0.0.1/33");
  FAILS(vnet_addr_add(h, "br0", "10.0.0.300/24"), EINVAL, "10.0.0.300");
  FAILS(vnet_route_add(h, "default", "not-an-ip", NULL), EINVAL, "not-an-ip");
  FAILS(vnet_route_add(h, "10.9.0.0/x", NULL, "br0"), EINVAL, "10.9.0.0/x");
  FAILS(vnet_vlan_add(h, "br0", "br0.5000", 5000), EINVAL, "5000");
  FAILS(vnet_vxlan_add(h, "vx0", 1u << 24, NULL, NULL, 0, NULL), EINVAL, "16777216");
  FAILS(vnet_link_set_mac(h, "br0", "02:00:00:zz:00:01"), EINVAL, "02:00:00:zz:00:01");
  FAILS(vnet_masquerade_add(h, "br0", "fd00::/64"), EINVAL, "fd00::/64");
  FAILS(vnet_port_forward_add(h, IPPROTO_ICMP, 80, "10.0.0.1", 0, NULL), EINVAL, "1");
  FAILS(vnet_port_forward_add(h, IPPROTO_TCP, 0, "10.0.0.1", 0, NULL), EINVAL, "port '0'");
  FAILS(vnet_forwarding_set(h, AF_UNIX, true), EINVAL, "address family");
  FAILS(vnet_tap_create(h, "tap0", -2, -1), EINVAL, "-2");

  puts("invalid UTF-8 (a namespace name must be UTF-8; an interface name is bytes):");
  FAILS(vnet_open("ns\xfe", &h), EINVAL, "not valid UTF-8");
  FAILS(vnet_bridge_add(h, "br/x"), EINVAL, "br/x");
  /* The kernel takes a device name as bytes, and so does libvnet: "br\xff" is that very
   * name (ip -o prints the byte as it is), and deleting it removes exactly that device. */
  CHECK(vnet_bridge_add(h, "br\xff") == 0);
  WITNESS("ip -n %s -o link show | grep -q \"$(printf ': br\\377:')\"", NS);
  CHECK(vnet_link_del(h, "br\xff") == 0);

  puts("missing device:");
  FAILS(vnet_link_set_up(h, "nodev0", true), ENODEV, "nodev0");
  FAILS(vnet_link_del(h, "nodev0"), ENODEV, "nodev0");
  FAILS(vnet_addr_add(h, "nodev0", "10.0.0.1/24"), ENODEV, "nodev0");
  FAILS(vnet_link_set_master(h, "br0", "nodev1"), ENODEV, "nodev1");
  uint32_t index = 12345;
  FAILS(vnet_link_index(h, "nodev0", &index), ENODEV, "nodev0");
  CHECK(index == 12345); /* out-parameters are written only on success */

  puts("missing namespace:");
  vnet_handle *none = (vnet_handle *)&index;
  FAILS(vnet_open("no-such-ns", &none), ENOENT, "no-such-ns");
  CHECK(none == (vnet_handle *)&index);
  FAILS(vnet_netns_del("no-such-ns"), ENOENT, "no-such-ns");
  FAILS(vnet_veth_add(h, "v0", "eth0", "no-such-ns"), ENOENT, "no-such-ns");
  FAILS(vnet_link_set_netns(h, "br0", "no-such-ns"), ENOENT, "no-such-ns");

  puts("duplicates:");
  FAILS(vnet_bridge_add(h, "br0"), EEXIST, "br0");
  FAILS(vnet_netns_add(NS), EEXIST, NS);
  OK(vnet_addr_add(h, "br0", "10.0.0.1/24"));
  FAILS(vnet_addr_add(h, "br0", "10.0.0.1/24"), EEXIST, "10.0.0.1/24");

  puts("busy and absent objects:");
  OK(vnet_tap_create(h, "tap0", -1, -1));
  FAILS(vnet_tap_create(h, "tap0", -1, -1), EBUSY, "tap0");
  int fd = -1;
  OK(vnet_tap_open(h, "tap0", &fd));
  CHECK(fd >= 0);
  FAILS(vnet_tuntap_delete(h, "tap0"), EBUSY, "tap0");
  close(fd);
  OK(vnet_tuntap_delete(h, "tap0"));
  FAILS(vnet_masquerade_del(h, "br0", NULL), ENOENT, "br0");

  puts("not permitted:");
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    /* An unprivileged user with the same handle: the kernel checks the sender. */
    if (setgid(65534) != 0 || setuid(65534) != 0) {
      _exit(2);
    }
    int rc = vnet_bridge_add(h, "br9");
    const char *msg = vnet_last_error();
    printf("  -EPERM      %s\n", msg ? msg : "(no message)");
    fflush(stdout);
    _exit(rc == -EPERM && msg != NULL && strstr(msg, "br9") != NULL ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  /* The message stays until the next failure; success does not erase it. */
  FAILS(vnet_link_del(h, "nodev7"), ENODEV, "nodev7");
  OK(vnet_link_set_up(h, "br0", true));
  CHECK(vnet_last_error() != NULL && strstr(vnet_last_error(), "nodev7") != NULL);

  /* Every _free and _close accepts NULL. */
  vnet_close(NULL);
  vnet_link_list_free(NULL, 0);
  vnet_addr_list_free(NULL, 7);

  /* Nothing the failed calls touched changed: one bridge, one address, no tap, no
   * masquerade table. */
  WITNESS("ip -n %s -j link show | jq -e '[.[].ifname] == [\"lo\", \"br0\"]' >/dev/null", NS);
  WITNESS("ip -n %s -j addr show dev br0 | jq -e '[.[0].addr_info[] | select(.family == \"inet\") "
          "| .local] == [\"10.0.0.1\"]' >/dev/null", NS);
  WITNESS("ip netns exec %s nft -j list ruleset | jq -e '[.nftables[] | select(.table)] | length == 0' "
          ">/dev/null", NS);

  vnet_close(h);
  OK(vnet_netns_del(NS));
  return finish("test_errors");
}
