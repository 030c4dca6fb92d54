//! One `Handle` shared by many threads: requests are serialized, every reply reaches the
//! caller that asked, and a dump that a concurrent change interrupts is restarted and
//! still complete. Witnessed by `ip -j link show` and by each thread's own results.

use std::collections::{BTreeSet, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use vnet::{Error, Handle, LinkSpec, Veth};
use vnet_testkit::*;

const THREADS: usize = 8;
const ROUNDS: usize = 3;
const PAIRS: usize = 6;

/// The link names `ip -j link show` lists in the namespace.
fn ip_names(ns: &TestNs) -> BTreeSet<String> {
    ns.ip_json(&["link", "show"])
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["ifname"].as_str().unwrap().to_string())
        .collect()
}

fn pair(a: &str, b: &str) -> Veth {
    Veth::new(ifname(a), ifname(b))
}

#[test]
fn eight_threads_share_one_handle_and_get_their_own_replies() {
    let ns = TestNs::new("threads");
    let handle = &ns.handle;
    let churning = AtomicBool::new(true);
    let expected: BTreeSet<String> = thread::scope(|scope| {
        // A reader that dumps the links all through the churn: every dump is a list of
        // distinct links (no half-read reply, no other caller's reply mixed in).
        let reader = scope.spawn(|| {
            let mut dumps = 0;
            while churning.load(Ordering::Relaxed) || dumps == 0 {
                let links = handle.link().list().unwrap();
                let names: HashSet<_> = links.iter().map(|l| l.name.to_string()).collect();
                let indexes: HashSet<_> = links.iter().map(|l| l.index).collect();
                assert_eq!(names.len(), links.len(), "a name twice in one dump");
                assert_eq!(indexes.len(), links.len(), "an index twice in one dump");
                assert!(names.contains("lo"));
                dumps += 1;
            }
            dumps
        });
        let workers: Vec<_> = (0..THREADS)
            .map(|t| {
                scope.spawn(move || {
                    let mut kept = BTreeSet::new();
                    for r in 0..ROUNDS {
                        let names: Vec<(String, String)> = (0..PAIRS)
                            .map(|i| (format!("t{t}r{r}a{i}"), format!("t{t}r{r}b{i}")))
                            .collect();
                        let specs: Vec<Veth> = names.iter().map(|(a, b)| pair(a, b)).collect();
                        let refs: Vec<&dyn LinkSpec> =
                            specs.iter().map(|s| s as &dyn LinkSpec).collect();
                        handle.link().add_many(&refs).unwrap();

                        // A deliberately failing add_many: its second pair's peer name is
                        // taken, so the first pair is rolled back, and the error this
                        // thread gets names this thread's link.
                        let fresh = pair(&format!("t{t}r{r}x"), &format!("t{t}r{r}y"));
                        let clash = pair(&format!("t{t}r{r}z"), &names[0].0);
                        let e: Error = handle.link().add_many(&[&fresh, &clash]).unwrap_err();
                        assert_eq!(e.errno(), 17, "{e}"); // EEXIST
                        assert!(
                            e.to_string().contains(&format!("t{t}r{r}z")),
                            "the error of another caller: {e}"
                        );
                        for gone in [format!("t{t}r{r}x"), format!("t{t}r{r}y")] {
                            assert!(!handle.link().exists(&ifname(&gone)).unwrap(), "{gone}");
                        }

                        // Every link this thread made is found by name, as itself.
                        for (a, b) in &names {
                            assert_eq!(handle.link().get(&ifname(a)).unwrap().name.to_string(), *a);
                            assert_eq!(handle.link().get(&ifname(b)).unwrap().name.to_string(), *b);
                        }
                        // Delete the even pairs; keep the odd ones.
                        for (i, (a, b)) in names.into_iter().enumerate() {
                            if i % 2 == 0 {
                                handle.link().delete(ifname(&a)).unwrap();
                            } else {
                                kept.insert(a);
                                kept.insert(b);
                            }
                        }
                    }
                    kept
                })
            })
            .collect();
        let mut expected = BTreeSet::from(["lo".to_string()]);
        for worker in workers {
            expected.extend(worker.join().unwrap());
        }
        churning.store(false, Ordering::Relaxed);
        assert!(reader.join().unwrap() > 0);
        expected
    });
    // A veth pair's deletion finishes asynchronously for the peer: wait for it.
    let mut names = ip_names(&ns);
    for _ in 0..50 {
        if names == expected {
            break;
        }
        thread::sleep(Duration::from_millis(100));
        names = ip_names(&ns);
    }
    assert_eq!(names, expected, "ip -j link show");
    let listed: BTreeSet<String> = ns
        .handle
        .link()
        .list()
        .unwrap()
        .into_iter()
        .map(|l| l.name.to_string())
        .collect();
    assert_eq!(listed, expected, "vnet's own dump agrees");
}

/// A link dump during which another socket creates a link is interrupted
/// (`NLM_F_DUMP_INTR`); vnet restarts it, counts the restart, and returns a complete
/// list.
#[test]
fn an_interrupted_link_dump_is_restarted_and_complete() {
    const BASE: usize = 400;
    let ns = TestNs::new("dumpintr");
    let specs: Vec<Veth> = (0..BASE)
        .map(|i| pair(&format!("base{i}a"), &format!("base{i}b")))
        .collect();
    let refs: Vec<&dyn LinkSpec> = specs.iter().map(|s| s as &dyn LinkSpec).collect();
    ns.handle.link().add_many(&refs).unwrap();
    let base: BTreeSet<String> = ip_names(&ns);
    assert_eq!(base.len(), 2 * BASE + 1);

    // Each attempt: the dumper announces a dump and starts it; the churner, on its own
    // socket, then adds one veth pair, which changes the table under the dump.
    let churner = Handle::new(&ns.netns).unwrap();
    let attempt = AtomicUsize::new(0);
    let done = AtomicBool::new(false);
    let (restarted_and_complete, attempts) = thread::scope(|scope| {
        scope.spawn(|| {
            let mut seen = 0;
            while !done.load(Ordering::SeqCst) {
                let now = attempt.load(Ordering::SeqCst);
                if now == seen {
                    thread::sleep(Duration::from_millis(1));
                    continue;
                }
                seen = now;
                thread::sleep(Duration::from_millis(2));
                let (a, b) = (format!("churn{now}a"), format!("churn{now}b"));
                churner.link().add(&pair(&a, &b)).unwrap();
            }
        });
        let mut restarted_and_complete = 0;
        let mut attempts = 0;
        while attempts < 20 && restarted_and_complete == 0 {
            attempts += 1;
            let before = ns.handle.dump_restarts();
            attempt.store(attempts, Ordering::SeqCst);
            let links = ns.handle.link().list().unwrap();
            let names: BTreeSet<String> = links.iter().map(|l| l.name.to_string()).collect();
            assert_eq!(names.len(), links.len(), "a link twice in one dump");
            assert!(names.is_superset(&base), "a base link missing from a dump");
            if ns.handle.dump_restarts() > before {
                restarted_and_complete += 1;
            }
        }
        done.store(true, Ordering::SeqCst);
        (restarted_and_complete, attempts)
    });
    assert!(
        restarted_and_complete > 0,
        "no dump was interrupted in {attempts} attempts ({} restarts)",
        ns.handle.dump_restarts()
    );
    // Once the changes stop, a dump equals the witness.
    let listed = || -> BTreeSet<String> {
        let links = ns.handle.link().list().unwrap();
        links.into_iter().map(|l| l.name.to_string()).collect()
    };
    let witness = ip_names(&ns);
    assert!(witness.is_superset(&base));
    assert_eq!(listed(), witness, "ip -j link show");
}
