#!/usr/bin/env python3
"""Captures real kernel answers as seed inputs for the rtnl and nfnl fuzz targets.

Run by fuzz/seeds/capture.sh inside a fresh network namespace it has populated. Each
file written is one datagram exactly as the kernel sent it (its netlink port rewritten
to the fuzz targets' port 1), the same bytes the engine hands to its decoders.
"""
import os
import socket
import struct
import sys

NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 0x1, 0x4, 0x300
NLM_F_CREATE, NLM_F_EXCL = 0x400, 0x200
NETLINK_EXT_ACK, NETLINK_CAP_ACK, NETLINK_GET_STRICT_CHK = 11, 10, 12
SOL_NETLINK = 270
RTM_GETLINK, RTM_NEWLINK, RTM_GETADDR, RTM_GETROUTE, RTM_GETNEIGH = 18, 16, 22, 26, 30
AF_BRIDGE, IFLA_EXT_MASK, RTEXT_FILTER_BRVLAN = 7, 29, 2
NFNL_SUBSYS_CTNETLINK, NFNL_SUBSYS_NFTABLES = 1, 10
IPCTNL_MSG_CT_GET, NFT_MSG_GETRULE, NFT_MSG_GETGEN = 1, 7, 16
NFTA_RULE_TABLE = 1
PORT = 1


def attr(kind, value):
    data = struct.pack("=HH", 4 + len(value), kind) + value
    return data + b"\0" * (-len(data) % 4)


def open_socket(protocol):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, protocol)
    s.bind((0, 0))
    s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
    return s


def exchange(s, kind, flags, body, seq):
    """Sends one request; returns every datagram of the answer, up to DONE or the ACK."""
    s.send(struct.pack("=IHHII", 16 + len(body), kind, NLM_F_REQUEST | flags, seq, 0) + body)
    datagrams = []
    while True:
        data = s.recv(65536)
        datagrams.append(data)
        offset, last = 0, False
        while offset + 16 <= len(data):
            length, mtype = struct.unpack_from("=IH", data, offset)
            if mtype in (2, 3):  # NLMSG_ERROR (an ACK or an error) or NLMSG_DONE
                last = True
            offset += (length + 3) & ~3
        if last:
            return datagrams


def retarget(datagram):
    """Rewrites every message's port to PORT (the kernel addressed them to our socket)."""
    data, offset = bytearray(datagram), 0
    while offset + 16 <= len(data):
        length = struct.unpack_from("=I", data, offset)[0]
        struct.pack_into("=I", data, offset + 12, PORT)
        if length < 16:
            break
        offset += (length + 3) & ~3
    return bytes(data)


def save(outdir, target, name, datagrams):
    os.makedirs(os.path.join(outdir, target), exist_ok=True)
    for i, d in enumerate(datagrams):
        with open(os.path.join(outdir, target, f"{name}-{i}"), "wb") as f:
            f.write(retarget(d))


def main(outdir):
    rt = open_socket(socket.NETLINK_ROUTE)
    rt.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1)
    ifinfo = lambda family=0: struct.pack("=BxHiII", family, 0, 0, 0, 0)
    save(outdir, "rtnl", "links", exchange(rt, RTM_GETLINK, NLM_F_DUMP, ifinfo(), 1))
    save(outdir, "rtnl", "bridge-vlans", exchange(
        rt, RTM_GETLINK, NLM_F_DUMP,
        ifinfo(AF_BRIDGE) + attr(IFLA_EXT_MASK, struct.pack("=I", RTEXT_FILTER_BRVLAN)), 2))
    save(outdir, "rtnl", "addresses", exchange(rt, RTM_GETADDR, NLM_F_DUMP, struct.pack("=BBBBI", 0, 0, 0, 0, 0), 3))
    save(outdir, "rtnl", "routes", exchange(rt, RTM_GETROUTE, NLM_F_DUMP, struct.pack("=BBBBBBBBI", 0, 0, 0, 0, 0, 0, 0, 0, 0), 4))
    save(outdir, "rtnl", "neighbours", exchange(rt, RTM_GETNEIGH, NLM_F_DUMP, struct.pack("=BxxxiHBB", 0, 0, 0, 0, 0), 5))
    save(outdir, "rtnl", "fdb", exchange(rt, RTM_GETNEIGH, NLM_F_DUMP, struct.pack("=BxxxiHBB", AF_BRIDGE, 0, 0, 0, 0), 6))
    # An error answer with its extended ACK: a link of a kind this kernel does not have.
    kind = attr(18 | 0x8000, attr(1, b"vlan\0"))  # IFLA_LINKINFO { IFLA_INFO_KIND }
    save(outdir, "rtnl", "ext-ack", exchange(
        rt, RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
        ifinfo() + attr(3, b"seed0\0") + kind, 7))

    nf = open_socket(12)  # NETLINK_NETFILTER
    nfgen = lambda family: struct.pack("=BBH", family, 0, 0)
    save(outdir, "nfnl", "rules", exchange(
        nf, NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_GETRULE, NLM_F_DUMP,
        nfgen(socket.AF_INET) + attr(NFTA_RULE_TABLE, b"vnet\0"), 8))
    save(outdir, "nfnl", "generation", exchange(
        nf, NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_GETGEN, NLM_F_ACK, nfgen(0), 9))
    save(outdir, "nfnl", "conntrack", exchange(
        nf, NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_GET, NLM_F_DUMP, nfgen(0), 10))
    # An error answer: a table that does not exist (NFT_MSG_GETTABLE, NFTA_TABLE_NAME).
    save(outdir, "nfnl", "error", exchange(
        nf, NFNL_SUBSYS_NFTABLES << 8 | 1, NLM_F_ACK,
        nfgen(socket.AF_INET) + attr(1, b"nosuch\0"), 11))


if __name__ == "__main__":
    main(sys.argv[1])
