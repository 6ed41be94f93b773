//! Blocking I/O inside async use cases (the keychain's D-Bus round trips, fsync'd file
//! writes) must not stall a tokio worker: the other tasks on it, such as the listing of
//! every other org, would wait too.

use tokio::runtime::{Handle, RuntimeFlavor};

/// Runs `work`, which blocks, telling a multi-threaded runtime first so that the worker
/// hands its other tasks over; outside a runtime (the synchronous fast path) or on a
/// single-threaded one it simply runs.
pub fn off_worker<T>(work: impl FnOnce() -> T) -> T {
    match Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(work)
        }
        _ => work(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    #[test]
    fn other_tasks_of_the_worker_go_on_while_one_blocks() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let other_ran = Arc::new(AtomicBool::new(false));
        let seen_while_blocked = runtime.block_on({
            let other_ran = other_ran.clone();
            async move {
                let blocker = tokio::spawn({
                    let other_ran = other_ran.clone();
                    async move {
                        off_worker(|| {
                            let deadline = std::time::Instant::now() + Duration::from_secs(5);
                            while !other_ran.load(Ordering::SeqCst)
                                && std::time::Instant::now() < deadline
                            {
                                std::thread::sleep(Duration::from_millis(5));
                            }
                            other_ran.load(Ordering::SeqCst)
                        })
                    }
                });
                tokio::task::yield_now().await;
                tokio::spawn(async move { other_ran.store(true, Ordering::SeqCst) });
                blocker.await.unwrap()
            }
        });
        assert!(seen_while_blocked);
    }

    #[test]
    fn outside_a_runtime_the_work_just_runs() {
        assert_eq!(off_worker(|| 7), 7);
    }
}
