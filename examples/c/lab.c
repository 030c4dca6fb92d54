/*
 * The classic lab through libvnet: VMs on a bridge that holds their gateway address,
 * NAT to the outside, proven with pings, then torn down.
 *
 *   cc -std=c11 -Wall lab.c $(pkg-config --cflags --libs vnet) -o lab
 *   sudo ./lab [VMS]          (3 VMs unless told otherwise)
 *
 *            lab-vm1    lab-vm2    lab-vm3         lab-inet
 *             eth0       eth0       eth0             eth0 192.0.2.2
 *              |          |          |                 |
 *   lab-host: vm1 ------ vm2 ------ vm3  (br0)      uplink 192.0.2.1
 *                 br0 10.0.0.254/24, masquerade 10.0.0.0/24 out of uplink
 *
 * The "host" is itself a namespace here (lab-host), so the example never changes the
 * network of the machine it runs on. Every step is one libvnet call; each returns 0 or
 * a negative errno, and vnet_last_error() says what went wrong.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vnet.h>

/* Stops the program with libvnet's message when a call fails. */
static void must(int rc, const char *what) {
  if (rc != 0) {
    fprintf(stderr, "lab: %s: %s\n", what, vnet_last_error());
    exit(1);
  }
}

/* Pings `addr` once from inside the namespace `netns`: a child process enters it
 * (setns) and runs ping; the parent never moves. Returns true when it answered. */
static bool ping_from(const char *netns, const char *addr) {
  pid_t pid = fork();
  if (pid == 0) {
    char path[128];
    snprintf(path, sizeof path, "/run/netns/%s", netns);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int null = open("/dev/null", O_WRONLY);
    if (fd < 0 || setns(fd, CLONE_NEWNET) != 0 || null < 0 || dup2(null, 1) < 0) {
      _exit(2);
    }
    execlp("ping", "ping", "-c1", "-W3", "-q", addr, (char *)NULL);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  printf("  ping %-10s from %-9s %s\n", addr, netns, ok ? "answered" : "NO ANSWER");
  return ok;
}

int main(int argc, char **argv) {
  int vms = argc > 1 ? atoi(argv[1]) : 3;
  if (vms < 1 || vms > 200) {
    fprintf(stderr, "usage: lab [VMS (1 to 200)]\n");
    return 2;
  }
  printf("libvnet %s: building a lab of %d VMs\n", vnet_version(), vms);

  /* The host, and the outside world. */
  vnet_handle *host, *inet;
  must(vnet_netns_add("lab-host"), "ip netns add lab-host");
  must(vnet_netns_add("lab-inet"), "ip netns add lab-inet");
  must(vnet_open("lab-host", &host), "opening lab-host");
  must(vnet_open("lab-inet", &inet), "opening lab-inet");

  /* The bridge, holding the VMs' gateway address. */
  must(vnet_bridge_add(host, "br0"), "ip link add br0 type bridge");
  must(vnet_addr_add(host, "br0", "10.0.0.254/24"), "ip addr add 10.0.0.254/24 dev br0");
  must(vnet_link_set_up(host, "br0", true), "ip link set br0 up");

  /* Each VM: a veth whose peer is born inside the VM's namespace as eth0. */
  for (int i = 1; i <= vms; i++) {
    char vm[32], port[16], cidr[32];
    snprintf(vm, sizeof vm, "lab-vm%d", i);
    snprintf(port, sizeof port, "vm%d", i);
    snprintf(cidr, sizeof cidr, "10.0.0.%d/24", i);

    must(vnet_netns_add(vm), "ip netns add");
    must(vnet_veth_add(host, port, "eth0", vm), "ip link add ... type veth peer name eth0 netns");
    must(vnet_link_set_master(host, port, "br0"), "ip link set ... master br0");
    must(vnet_link_set_up(host, port, true), "ip link set ... up");

    vnet_handle *guest;
    must(vnet_open(vm, &guest), "opening a VM namespace");
    must(vnet_link_set_up(guest, "lo", true), "ip link set lo up");
    must(vnet_link_set_up(guest, "eth0", true), "ip link set eth0 up");
    must(vnet_addr_add(guest, "eth0", cidr), "ip addr add ... dev eth0");
    must(vnet_route_add(guest, "default", "10.0.0.254", NULL), "ip route add default via 10.0.0.254");
    vnet_close(guest);
  }

  /* The uplink to the outside, and NAT through it. */
  must(vnet_veth_add(host, "uplink", "eth0", "lab-inet"), "ip link add uplink type veth");
  must(vnet_addr_add(host, "uplink", "192.0.2.1/24"), "ip addr add 192.0.2.1/24 dev uplink");
  must(vnet_link_set_up(host, "uplink", true), "ip link set uplink up");
  must(vnet_link_set_up(inet, "eth0", true), "ip link set eth0 up (lab-inet)");
  must(vnet_addr_add(inet, "eth0", "192.0.2.2/24"), "ip addr add 192.0.2.2/24 (lab-inet)");
  must(vnet_forwarding_set(host, AF_INET, true), "sysctl net.ipv4.ip_forward=1");
  must(vnet_masquerade_add(host, "uplink", "10.0.0.0/24"), "masquerade 10.0.0.0/24 out of uplink");

  /* What the host holds now. */
  vnet_link_info *links;
  size_t count;
  must(vnet_link_list(host, &links, &count), "ip link show");
  printf("lab-host links:\n");
  for (size_t i = 0; i < count; i++) {
    printf("  %2u %-8s %-7s %s\n", links[i].index, links[i].name, links[i].kind,
           links[i].up ? "up" : "down");
  }
  vnet_link_list_free(links, count);

  /* The proof: every VM reaches the gateway, its neighbour and the outside. */
  int failures = 0;
  for (int i = 1; i <= vms; i++) {
    char vm[32], next[32];
    snprintf(vm, sizeof vm, "lab-vm%d", i);
    snprintf(next, sizeof next, "10.0.0.%d", i % vms + 1);
    failures += !ping_from(vm, "10.0.0.254");
    failures += vms > 1 && !ping_from(vm, next);
    failures += !ping_from(vm, "192.0.2.2");
  }

  /* Teardown: deleting a namespace deletes its devices (and veth peers with them). */
  vnet_close(inet);
  vnet_close(host);
  for (int i = 1; i <= vms; i++) {
    char vm[32];
    snprintf(vm, sizeof vm, "lab-vm%d", i);
    must(vnet_netns_del(vm), "ip netns del");
  }
  must(vnet_netns_del("lab-inet"), "ip netns del lab-inet");
  must(vnet_netns_del("lab-host"), "ip netns del lab-host");
  printf("lab torn down; %s\n", failures ? "some pings went unanswered" : "every ping answered");
  return failures ? 1 : 0;
}
