//! Named namespaces (compatible with `ip netns`), opening by name/path/pid, running work
//! inside one, and `ip netns exec`-style commands.

mod common;

use std::process::Command;

use common::*;
use vnet::{Handle, Netns, Veth};

fn ip_netns_list() -> Vec<String> {
    let out = Command::new("ip")
        .args(["-j", "netns", "list"])
        .output()
        .unwrap();
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|n| n["name"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn add_is_visible_to_ip_netns_and_delete_removes_it() {
    let name = format!("vt{}-addel", std::process::id());
    let ns = Netns::add(&name).unwrap();
    assert_eq!(ns.name(), Some(name.as_str()));
    assert!(ip_netns_list().contains(&name));
    assert!(Netns::list().unwrap().contains(&name));
    // iproute2 sees it as a usable namespace.
    let out = Command::new("ip")
        .args(["-n", &name, "link", "show", "lo"])
        .output()
        .unwrap();
    assert!(out.status.success());

    let e = Netns::add(&name).unwrap_err();
    assert_eq!(e.errno(), 17, "{e}");
    assert!(
        e.to_string()
            .contains(&format!("creating network namespace '{name}'")),
        "{e}"
    );

    Netns::delete(&name).unwrap();
    assert!(!ip_netns_list().contains(&name));
    let e = Netns::delete(&name).unwrap_err();
    assert!(e.to_string().contains("not found"), "{e}");
    let e = Netns::open(&name).unwrap_err();
    assert!(e.to_string().contains("not found"), "{e}");
}

#[test]
fn a_namespace_created_by_ip_is_opened_by_name() {
    let name = format!("vt{}-byip", std::process::id());
    assert!(
        Command::new("ip")
            .args(["netns", "add", &name])
            .status()
            .unwrap()
            .success()
    );
    let result = std::panic::catch_unwind(|| {
        let ns = Netns::open(&name).unwrap();
        let h = Handle::new(&ns).unwrap();
        h.link()
            .add(&Veth::new(ifname("seen0"), ifname("seen1")))
            .unwrap();
        let out = Command::new("ip")
            .args(["-n", &name, "-j", "link", "show", "seen0"])
            .output()
            .unwrap();
        assert!(out.status.success());
    });
    Command::new("ip")
        .args(["netns", "del", &name])
        .status()
        .unwrap();
    result.unwrap();
}

#[test]
fn run_executes_inside_without_moving_the_callers_thread() {
    let ns = TestNs::new("run");
    let before = std::fs::read_link("/proc/thread-self/ns/net").unwrap();
    let inside = ns
        .netns
        .run(|| std::fs::read_link("/proc/thread-self/ns/net").unwrap())
        .unwrap();
    let after = std::fs::read_link("/proc/thread-self/ns/net").unwrap();
    assert_eq!(before, after, "the caller's thread must not move");
    let witness = std::fs::read_link(format!("/run/netns/{}", ns.name));
    // The bind mount shows the namespace's inode; compare with the ns link text.
    let expected = std::fs::metadata(format!("/run/netns/{}", ns.name)).map(|m| {
        use std::os::unix::fs::MetadataExt;
        m.ino()
    });
    assert!(
        witness.is_err(),
        "a bind-mounted namespace file is not a symlink"
    );
    assert_eq!(
        inside.to_string_lossy(),
        format!("net:[{}]", expected.unwrap())
    );
}

#[test]
fn open_by_pid_and_path_and_current() {
    let ns = TestNs::new("pid");
    // A process sleeping inside the namespace; open its netns by pid.
    let mut child = Command::new("ip")
        .args(["netns", "exec", &ns.name, "sleep", "5"])
        .spawn()
        .unwrap();
    // Wait until the child has entered the namespace.
    let mut opened = None;
    for _ in 0..100 {
        let by_pid = Netns::from_pid(child.id()).unwrap();
        let h = Handle::new(&by_pid).unwrap();
        if h.link().exists(&ifname("lo")).unwrap() && same_ns(&by_pid, &ns.netns) {
            opened = Some(by_pid);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().ok();
    child.wait().ok();
    assert!(opened.is_some(), "netns of pid never matched");
    let by_path = Netns::from_path(format!("/run/netns/{}", ns.name)).unwrap();
    assert!(same_ns(&by_path, &ns.netns));
    let current = Netns::current().unwrap();
    assert!(!same_ns(&current, &ns.netns));
}

trait RawFdOf {
    fn as_fd_raw(&self) -> i32;
}
impl RawFdOf for Netns {
    fn as_fd_raw(&self) -> i32 {
        use std::os::fd::{AsFd, AsRawFd};
        self.as_fd().as_raw_fd()
    }
}

fn same_ns(a: &Netns, b: &Netns) -> bool {
    let ino = |n: &Netns| std::fs::metadata(format!("/proc/self/fd/{}", n.as_fd_raw())).unwrap();
    use std::os::unix::fs::MetadataExt;
    let (x, y) = (ino(a), ino(b));
    x.ino() == y.ino() && x.dev() == y.dev()
}

#[test]
fn command_runs_like_ip_netns_exec_with_sys_and_etc_netns() {
    let ns = TestNs::new("exec");
    ns.handle
        .link()
        .add(&Veth::new(ifname("only0"), ifname("only1")))
        .unwrap();
    // /etc/netns/NAME/hosts is bound over /etc/hosts for the command only.
    let etc = format!("/etc/netns/{}", ns.name);
    std::fs::create_dir_all(&etc).unwrap();
    std::fs::write(format!("{etc}/hosts"), "10.0.0.1 vnet-exec-test\n").unwrap();
    let out = Netns::command(&ns.name, "sh")
        .unwrap()
        .args(["-c", "ls /sys/class/net; cat /etc/hosts"])
        .output()
        .unwrap();
    std::fs::remove_dir_all(&etc).unwrap();
    let _ = std::fs::remove_dir("/etc/netns");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("only0"),
        "/sys shows the namespace's devices: {text}"
    );
    assert!(!text.contains("eth0"), "not the host's devices: {text}");
    assert!(
        text.contains("vnet-exec-test"),
        "/etc/hosts is the namespace's: {text}"
    );
    // The caller's /etc/hosts is untouched.
    assert!(
        !std::fs::read_to_string("/etc/hosts")
            .unwrap()
            .contains("vnet-exec-test")
    );
}

#[test]
fn names_are_validated() {
    for bad in ["", "a/b", ".."] {
        assert!(
            Netns::add(bad)
                .unwrap_err()
                .to_string()
                .starts_with("invalid network namespace name")
        );
    }
}
