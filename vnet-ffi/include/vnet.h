/*
 * vnet.h: the C API of libvnet, Linux virtual networking (namespaces, veth, bridges,
 * VLAN, VXLAN, tun/tap, addresses, routes, NAT, conntrack) through one synchronous API.
 *
 * Build against it with:  cc app.c $(pkg-config --cflags --libs vnet)
 *
 * Conventions:
 * - Every fallible function returns an int: 0 on success, a negative errno on failure:
 *   -EINVAL for a bad argument (a NULL pointer, invalid UTF-8, a bad name, CIDR, id or
 *   MAC: checked before any syscall), -ENODEV for a missing device, -ENOENT for a
 *   missing namespace (or NAT rule), -EEXIST, -EBUSY, -EPERM, -EOPNOTSUPP and whatever
 *   else the kernel answered.
 * - vnet_last_error() returns this thread's message for its last failure, naming the
 *   value, the step and the kernel's words; valid until the thread's next call into
 *   vnet; NULL before any failure.
 * - Out-parameters are written only on success. Every _free and _close accepts NULL.
 * - A vnet_handle is used by one thread at a time; separate handles work in parallel,
 *   in the same or different namespaces. No call moves the calling thread to another
 *   namespace.
 */

#ifndef VNET_H
#define VNET_H

/* Generated from vnet-ffi/src by cbindgen: do not edit (scripts/ffi-header.sh). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// A connection to one network namespace: its rtnetlink socket (links, addresses,
// routes, neighbours, tun/tap), its nfnetlink socket (NAT, conntrack; opened on first
// use) and its sysctls. Opaque to C.
//
// A handle is used by one thread at a time; separate handles work in parallel, in the
// same namespace or in different ones.
typedef struct vnet_handle vnet_handle;

// One address as [`vnet_addr_list`] describes it.
typedef struct vnet_addr_info {
  // Index of the link that holds it.
  uint32_t index;
  // `AF_INET` or `AF_INET6`.
  int family;
  // The address with its prefix length, NUL-terminated: `"10.0.0.1/24"`.
  char cidr[50];
} vnet_addr_info;

// One route as [`vnet_route_list`] describes it.
typedef struct vnet_route_info {
  // `AF_INET` or `AF_INET6`.
  int family;
  // The destination with its prefix length, NUL-terminated: `"10.0.0.0/24"`,
  // `"0.0.0.0/0"` for the default route.
  char dst[50];
  // The gateway, NUL-terminated; empty for none.
  char gateway[46];
  // Index of the output link, 0 for none.
  uint32_t oif;
  // The metric, 0 when the kernel gave none.
  uint32_t metric;
  // The routing table (254: main).
  uint32_t table;
} vnet_route_info;

// One veth pair of [`vnet_veth_add_many`]: `ip link add NAME [master MASTER] [up] type
// veth peer name PEER [netns PEER_NETNS]`.
typedef struct vnet_veth_spec {
  // The name of the end created in the handle's namespace.
  const char *name;
  // The name of the peer.
  const char *peer;
  // The named namespace the peer is created in; NULL: the handle's namespace.
  const char *peer_netns;
  // The bridge the first end joins; NULL: none.
  const char *master;
  // Whether the first end is brought up (the peer stays down).
  bool up;
} vnet_veth_spec;

// One link as [`vnet_link_list`] describes it.
typedef struct vnet_link_info {
  // Interface index.
  uint32_t index;
  // Interface name, NUL-terminated.
  char name[16];
  // Kind (`veth`, `bridge`, `vlan`, `vxlan`, `tun`, ...), NUL-terminated; empty for
  // devices without one, such as `lo`.
  char kind[16];
  // Index of the master (bridge), 0 for none.
  uint32_t master;
  // MTU, 0 when the kernel gave none.
  uint32_t mtu;
  // MAC address; all zero for devices without an Ethernet address.
  uint8_t mac[6];
  // Administratively up.
  bool up;
} vnet_link_info;

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

// The message of this thread's last failed vnet call: the same text as the Rust
// `Error`'s Display (`creating veth 'v0' (peer 'eth0' in netns 'vm1'): File exists`),
// naming the value, the step and the kernel's words; NULL before any failure.
//
// The string belongs to libvnet and stays valid until this thread's next call into
// vnet; copy it to keep it.
const char *vnet_last_error(void);

// Adds an address with its prefix length (`"10.0.0.1/24"`, `"fd00::1/64"`) to `dev`,
// `ip address add CIDR dev DEV`. Fails with `-EEXIST` when it is there already.
//
// # Safety
//
// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
int vnet_addr_add(struct vnet_handle *h, const char *dev, const char *cidr);

// Deletes an address from `dev`, `ip address del CIDR dev DEV`.
//
// # Safety
//
// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
int vnet_addr_del(struct vnet_handle *h, const char *dev, const char *cidr);

// Lists the addresses of `dev`, or of every link when `dev` is NULL (`ip address
// show [dev DEV]`): `*addrs` receives an array of `*count` entries, to free with
// [`vnet_addr_list_free`].
//
// # Safety
//
// `h` is a live handle (or NULL); `dev` is NULL or NUL-terminated; `addrs` and `count`
// are NULL or writable.
int vnet_addr_list(struct vnet_handle *h, const char *dev, struct vnet_addr_info **addrs, size_t *count);

// Frees an array from [`vnet_addr_list`]; `count` is the count it gave. NULL is a
// no-op.
//
// # Safety
//
// `addrs` is NULL or an array from `vnet_addr_list` with its count, freed once.
void vnet_addr_list_free(struct vnet_addr_info *addrs, size_t count);

// Lists the routes of the main table for `family` (`AF_INET`, `AF_INET6`, or
// `AF_UNSPEC` for both), `ip route show`: `*routes` receives an array of `*count`
// entries, to free with [`vnet_route_list_free`].
//
// # Safety
//
// `h` is a live handle (or NULL); `routes` and `count` are NULL or writable.
int vnet_route_list(struct vnet_handle *h, int family, struct vnet_route_info **routes, size_t *count);

// Frees an array from [`vnet_route_list`]; `count` is the count it gave. NULL is a
// no-op.
//
// # Safety
//
// `routes` is NULL or an array from `vnet_route_list` with its count, freed once.
void vnet_route_list_free(struct vnet_route_info *routes, size_t count);

// Adds a route to `prefix` (`"10.1.0.0/16"`, or `"default"`: IPv6 when `via` is an IPv6
// address) via the gateway `via` and/or through `dev` (either may be NULL, not both),
// `ip route add PREFIX [via VIA] [dev DEV]`.
//
// # Safety
//
// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
int vnet_route_add(struct vnet_handle *h, const char *prefix, const char *via, const char *dev);

// Deletes the first route to `prefix` that matches `via` and `dev` (each NULL: any),
// `ip route del PREFIX [via VIA] [dev DEV]`.
//
// # Safety
//
// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
int vnet_route_del(struct vnet_handle *h, const char *prefix, const char *via, const char *dev);

// Adds a proxy neighbour entry: `dev` answers ARP (or NDP) requests for `addr`, `ip
// neigh add proxy ADDR dev DEV`.
//
// # Safety
//
// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
int vnet_neigh_proxy_add(struct vnet_handle *h, const char *addr, const char *dev);

// Deletes a proxy neighbour entry, `ip neigh del proxy ADDR dev DEV`.
//
// # Safety
//
// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
int vnet_neigh_proxy_del(struct vnet_handle *h, const char *addr, const char *dev);

// Turns the spanning tree protocol of a bridge on or off, `ip link set BRIDGE type
// bridge stp_state 1|0` (`brctl stp BRIDGE on|off`).
//
// # Safety
//
// `h` is a live handle (or NULL); `bridge` is NULL or NUL-terminated.
int vnet_bridge_set_stp(struct vnet_handle *h, const char *bridge, bool on);

// Adds a forwarding database entry for the MAC address `mac` (text, such as
// `"02:00:00:00:00:01"`):
//
// - `dst` NULL: a static entry of the bridge that `dev` is a port of, sending `mac` to
//   that port, `bridge fdb add MAC dev DEV master static` (`-EEXIST` when there is one);
// - `dst` an IP address: a remote of the VXLAN device `dev`, appended to those `mac`
//   has already, `bridge fdb append MAC dev DEV dst DST`; the all-zero MAC floods
//   broadcast and unknown traffic to every remote so listed (head-end replication).
//
// # Safety
//
// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
int vnet_fdb_add(struct vnet_handle *h, const char *dev, const char *mac, const char *dst);

// Deletes the forwarding database entry [`vnet_fdb_add`] made with the same arguments
// (`-ENOENT` when there is none).
//
// # Safety
//
// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
int vnet_fdb_del(struct vnet_handle *h, const char *dev, const char *mac, const char *dst);

// The version of libvnet, such as `"0.1.0"` (a static string).
const char *vnet_version(void);

// Opens a handle on the named network namespace `netns` (`/run/netns/NETNS`), or on the
// calling thread's namespace when `netns` is NULL. The caller's thread never changes
// namespace. On success `*out` receives the handle; free it with [`vnet_close`].
//
// Fails with `-ENOENT` when the namespace does not exist.
//
// # Safety
//
// `netns` is NULL or a NUL-terminated string; `out` points to writable storage for a
// pointer.
int vnet_open(const char *netns, struct vnet_handle **out_handle);

// Opens one handle on each of the `count` named namespaces `names`, writing them to
// `handles[0..count]`: cheaper than `count` calls of [`vnet_open`] (one short-lived
// thread visits every namespace). All or nothing: on failure nothing is written. Close
// each with [`vnet_close`].
//
// # Safety
//
// `names` points to `count` NUL-terminated strings; `handles` to room for `count`
// pointers.
int vnet_open_many(const char *const *names, size_t count, struct vnet_handle **handles);

// Closes a handle from [`vnet_open`] (its sockets). NULL is a no-op.
//
// # Safety
//
// `h` is NULL or a handle not yet closed; it must not be used afterwards.
void vnet_close(struct vnet_handle *h);

// Creates the named network namespace `name`, as `ip netns add NAME` does
// (`/run/netns/NAME`). Fails with `-EEXIST` when it exists.
//
// # Safety
//
// `name` is NULL or a NUL-terminated string.
int vnet_netns_add(const char *name);

// Creates `count` named namespaces at once (one short-lived thread makes them all:
// faster than `count` calls of [`vnet_netns_add`]). All or nothing: on failure the
// namespaces already made are deleted again.
//
// # Safety
//
// `names` points to `count` NUL-terminated strings.
int vnet_netns_add_many(const char *const *names, size_t count);

// Deletes the named network namespace `name`, as `ip netns delete NAME` does: its
// devices go when the last process inside leaves. Fails with `-ENOENT` when it does not
// exist.
//
// # Safety
//
// `name` is NULL or a NUL-terminated string.
int vnet_netns_del(const char *name);

// Creates a veth pair `name` with peer `peer`, the peer created directly inside the
// named namespace `peer_netns` (NULL: the handle's namespace). `ip link add NAME type
// veth peer name PEER [netns PEER_NETNS]`.
//
// # Safety
//
// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
int vnet_veth_add(struct vnet_handle *h, const char *name, const char *peer, const char *peer_netns);

// Creates `count` veth pairs in one netlink datagram, all or nothing (on failure the
// pairs already made are deleted again, and the message names the one that failed):
// much faster than `count` calls of [`vnet_veth_add`] followed by
// [`vnet_link_set_master`] and [`vnet_link_set_up`]. Every name is checked before
// anything is created.
//
// # Safety
//
// `h` is a live handle (or NULL); `specs` is NULL (only with `count` 0) or points to
// `count` specs whose strings are NULL or NUL-terminated.
int vnet_veth_add_many(struct vnet_handle *h, const struct vnet_veth_spec *specs, size_t count);

// Creates a bridge, `ip link add NAME type bridge`.
//
// # Safety
//
// `h` is a live handle (or NULL); `name` is NULL or NUL-terminated.
int vnet_bridge_add(struct vnet_handle *h, const char *name);

// Creates the 802.1Q VLAN device `name` with id `id` (1 to 4094) on `parent`, `ip link
// add link PARENT name NAME type vlan id ID`. Kernels without 802.1Q support answer
// `-EOPNOTSUPP`.
//
// # Safety
//
// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
int vnet_vlan_add(struct vnet_handle *h, const char *parent, const char *name, uint16_t id);

// Creates the VXLAN device `name` with VNI `vni`, `ip link add NAME type vxlan id VNI
// [remote|group REMOTE] [local LOCAL] [dstport DSTPORT] [dev DEV]`. `remote` (a unicast
// peer, or a multicast group), `local` and `dev` may be NULL; `dstport` 0 means the
// kernel's default.
//
// # Safety
//
// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
int vnet_vxlan_add(struct vnet_handle *h, const char *name, uint32_t vni, const char *remote, const char *local, uint16_t dstport, const char *dev);

// Brings a link up (`up` true) or down, `ip link set DEV up|down`.
//
// # Safety
//
// `h` is a live handle (or NULL); `name` is NULL or NUL-terminated.
int vnet_link_set_up(struct vnet_handle *h, const char *name, bool up);

// Enslaves a link to the bridge `master`, or frees it when `master` is NULL: `ip link
// set DEV master MASTER` or `ip link set DEV nomaster`.
//
// # Safety
//
// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
int vnet_link_set_master(struct vnet_handle *h, const char *name, const char *master);

// Moves a link into the named namespace `netns`, `ip link set DEV netns NETNS`.
//
// # Safety
//
// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
int vnet_link_set_netns(struct vnet_handle *h, const char *name, const char *netns);

// Sets a link's MTU, `ip link set DEV mtu MTU`.
//
// # Safety
//
// `h` is a live handle (or NULL); `name` is NULL or NUL-terminated.
int vnet_link_set_mtu(struct vnet_handle *h, const char *name, uint32_t mtu);

// Sets a link's MAC address, given as text (`"02:00:00:00:00:01"`), `ip link set DEV
// address MAC`.
//
// # Safety
//
// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
int vnet_link_set_mac(struct vnet_handle *h, const char *name, const char *mac);

// Deletes a link, `ip link del DEV` (both ends of a veth pair go).
//
// # Safety
//
// `h` is a live handle (or NULL); `name` is NULL or NUL-terminated.
int vnet_link_del(struct vnet_handle *h, const char *name);

// Writes the index of the link `name` to `*index` (`-ENODEV` when there is none).
//
// # Safety
//
// `h` is a live handle (or NULL); `name` is NULL or NUL-terminated; `index` is NULL or
// writable.
int vnet_link_index(struct vnet_handle *h, const char *name, uint32_t *index);

// Lists the links of the handle's namespace (`ip link show`): `*links` receives an
// array of `*count` entries, to free with [`vnet_link_list_free`].
//
// # Safety
//
// `h` is a live handle (or NULL); `links` and `count` are NULL or writable.
int vnet_link_list(struct vnet_handle *h, struct vnet_link_info **links, size_t *count);

// Frees an array from [`vnet_link_list`]; `count` is the count it gave. NULL is a
// no-op.
//
// # Safety
//
// `links` is NULL or an array from `vnet_link_list` with its count, freed once.
void vnet_link_list_free(struct vnet_link_info *links, size_t count);

// Turns forwarding on or off for `family` (`AF_INET`: `net.ipv4.ip_forward`;
// `AF_INET6`: `net.ipv6.conf.all.forwarding`) in the handle's namespace, like `sysctl
// -w`. Any other family is `-EINVAL`.
//
// # Safety
//
// `h` is a live handle (or NULL).
int vnet_forwarding_set(struct vnet_handle *h, int family, bool on);

// Turns proxy ARP on or off for `dev` (`net.ipv4.conf.DEV.proxy_arp`).
//
// # Safety
//
// `h` is a live handle (or NULL); `dev` is NULL or NUL-terminated.
int vnet_proxy_arp_set(struct vnet_handle *h, const char *dev, bool on);

// Masquerades packets leaving through `out_dev` (from `source_cidr` only, unless it is
// NULL), in vnet's nf_tables table: `nft add rule ip vnet postrouting oifname OUT [ip
// saddr SOURCE] masquerade`. Adding a rule that is installed already changes nothing.
//
// # Safety
//
// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
int vnet_masquerade_add(struct vnet_handle *h, const char *out_dev, const char *source_cidr);

// Deletes the masquerade rule [`vnet_masquerade_add`] made with the same arguments
// (`-ENOENT` when there is none), and the conntrack entries it created.
//
// # Safety
//
// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
int vnet_masquerade_del(struct vnet_handle *h, const char *out_dev, const char *source_cidr);

// Forwards connections to `port` of this host's own addresses (arriving on `in_dev`,
// unless NULL) to `to_addr`:`to_port` (`to_port` 0: the same port); `protocol` is
// `IPPROTO_TCP` or `IPPROTO_UDP`. `nft add rule ip vnet prerouting [iifname IN] tcp
// dport PORT fib daddr type local dnat to TO:TO_PORT`.
//
// # Safety
//
// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
int vnet_port_forward_add(struct vnet_handle *h, int protocol, uint16_t port, const char *to_addr, uint16_t to_port, const char *in_dev);

// Deletes the port forward [`vnet_port_forward_add`] made with the same arguments
// (`-ENOENT` when there is none).
//
// # Safety
//
// `h` is a live handle (or NULL); the strings are NULL or NUL-terminated.
int vnet_port_forward_del(struct vnet_handle *h, int protocol, uint16_t port, const char *to_addr, uint16_t to_port, const char *in_dev);

// Deletes every connection-tracking entry of the handle's namespace, `conntrack -F`
// (new NAT rules then apply to flows already running).
//
// # Safety
//
// `h` is a live handle (or NULL).
int vnet_conntrack_flush(struct vnet_handle *h);

// Writes the number of connection-tracking entries of the handle's namespace to
// `*count` (`conntrack -C`).
//
// # Safety
//
// `h` is a live handle (or NULL); `count` is NULL or writable.
int vnet_conntrack_count(struct vnet_handle *h, size_t *count);

// Creates a persistent tap device (Ethernet frames), owned by the user `owner_uid` and
// the group `group_gid` (-1: none), like `ip tuntap add mode tap dev NAME user UID group
// GID` or `tunctl -t NAME -u UID -g GID`. Fails with `-EBUSY` when a device of that name
// exists.
//
// # Safety
//
// `h` is a live handle (or NULL); `name` is NULL or NUL-terminated.
int vnet_tap_create(struct vnet_handle *h, const char *name, int64_t owner_uid, int64_t group_gid);

// Creates a persistent tun device (IP packets), as [`vnet_tap_create`] does a tap.
//
// # Safety
//
// `h` is a live handle (or NULL); `name` is NULL or NUL-terminated.
int vnet_tun_create(struct vnet_handle *h, const char *name, int64_t owner_uid, int64_t group_gid);

// Deletes a persistent tun or tap device, `ip tuntap del dev NAME` (`-EBUSY` while a
// process has it open).
//
// # Safety
//
// `h` is a live handle (or NULL); `name` is NULL or NUL-terminated.
int vnet_tuntap_delete(struct vnet_handle *h, const char *name);

// Attaches to the tap device `name` (creating a transient one if there is none, as
// QEMU's `-netdev tap,ifname=NAME` does) and writes to `*fd` a file descriptor to
// read and write Ethernet frames on, without packet information. The caller owns it
// and closes it with `close()`.
//
// # Safety
//
// `h` is a live handle (or NULL); `name` is NULL or NUL-terminated; `fd` is NULL or
// writable.
int vnet_tap_open(struct vnet_handle *h, const char *name, int *fd);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* VNET_H */
