//! The one retry policy of every call Kumo makes (the AWS SDK's, and its own HTTP):
//! which failures are worth another try, how long to wait (jittered exponential backoff,
//! or the server's `Retry-After`), when to stop; and the token bucket that paces a pool
//! of workers under a service's rate limit.

use std::future::Future;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// Hands out at most `rate` permits a second, with no burst beyond one permit, so that
/// a pool of workers together stays under a service's request-rate limit.
#[derive(Debug)]
pub struct TokenBucket {
    interval: Duration,
    next: Mutex<Instant>,
}

impl TokenBucket {
    pub fn new(rate_per_second: f64) -> Self {
        let rate = if rate_per_second.is_finite() && rate_per_second > 0.0 {
            rate_per_second
        } else {
            1.0
        };
        Self {
            interval: Duration::from_secs_f64(1.0 / rate),
            next: Mutex::new(Instant::now()),
        }
    }

    /// Waits until the caller may send one request.
    pub async fn acquire(&self) {
        let slot = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            let slot = (*next).max(now);
            *next = slot + self.interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }

    /// Pushes every later permit back by `pause`: after a throttling answer the whole pool
    /// slows down, not only the worker that met it.
    pub async fn pause(&self, pause: Duration) {
        let mut next = self.next.lock().await;
        *next = (*next).max(Instant::now() + pause);
    }
}

/// Delays for successive retries: exponential from `base`, capped, with full jitter.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Backoff {
    pub const DEFAULT: Backoff = Backoff {
        base: Duration::from_millis(100),
        cap: Duration::from_secs(5),
    };

    /// The delay before retry number `attempt` (0-based).
    pub fn delay(&self, attempt: u32) -> Duration {
        let ceiling = self
            .base
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.cap);
        ceiling.mul_f64(rand::random::<f64>().max(0.1))
    }
}

/// What a failed attempt calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Trying again would fail the same way.
    Fatal,
    /// A server error or a lost connection: wait a backoff, then try again.
    Transient,
    /// The service is throttling: wait what it asked, or a backoff; a paced pool as a
    /// whole slows down.
    Throttled { retry_after: Option<Duration> },
}

/// How many tries, and the backoff between them.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    pub attempts: u32,
    pub backoff: Backoff,
}

/// The longest `Retry-After` honoured; a longer one is answered as a failure.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

impl Retry {
    /// A handful of tries: what a person waits through without noticing.
    pub const STANDARD: Retry = Retry {
        attempts: 6,
        backoff: Backoff::DEFAULT,
    };

    pub const fn attempts(self, attempts: u32) -> Self {
        Self { attempts, ..self }
    }

    /// Calls `call` until it succeeds, `judge` finds its failure fatal, or the tries run
    /// out; the last failure is returned as it is. With `pace`, each try first waits for
    /// a permit, and throttling pushes back every worker's next permit.
    pub async fn run<T, E, F, Fut>(
        &self,
        pace: Option<&TokenBucket>,
        judge: impl Fn(&E) -> Verdict,
        mut call: F,
    ) -> Result<T, E>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let mut attempt = 0;
        loop {
            if let Some(bucket) = pace {
                bucket.acquire().await;
            }
            let failure = match call().await {
                Ok(value) => return Ok(value),
                Err(failure) => failure,
            };
            if attempt + 1 >= self.attempts {
                return Err(failure);
            }
            let verdict = judge(&failure);
            let wait = match verdict {
                Verdict::Fatal => return Err(failure),
                Verdict::Throttled {
                    retry_after: Some(asked),
                } if asked > MAX_RETRY_AFTER => return Err(failure),
                Verdict::Throttled {
                    retry_after: Some(asked),
                } => asked,
                Verdict::Throttled { retry_after: None } | Verdict::Transient => {
                    self.backoff.delay(attempt)
                }
            };
            tracing::debug!(attempt, ?verdict, ?wait, "retrying");
            match (verdict, pace) {
                (Verdict::Throttled { .. }, Some(bucket)) => bucket.pause(wait).await,
                _ => tokio::time::sleep(wait).await,
            }
            attempt += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn failing_until(success_at: u32, calls: &Cell<u32>) -> impl Future<Output = Result<u32, u32>> {
        let n = calls.get();
        calls.set(n + 1);
        std::future::ready(if n + 1 >= success_at {
            Ok(n + 1)
        } else {
            Err(n + 1)
        })
    }

    #[tokio::test(start_paused = true)]
    async fn transient_failures_are_tried_again_until_success() {
        let calls = Cell::new(0);
        let result = Retry::STANDARD
            .run(None, |_| Verdict::Transient, || failing_until(3, &calls))
            .await;
        assert_eq!(result, Ok(3));
    }

    #[tokio::test(start_paused = true)]
    async fn a_fatal_failure_is_returned_at_once() {
        let calls = Cell::new(0);
        let result = Retry::STANDARD
            .run(None, |_| Verdict::Fatal, || failing_until(3, &calls))
            .await;
        assert_eq!((result, calls.get()), (Err(1), 1));
    }

    #[tokio::test(start_paused = true)]
    async fn the_tries_run_out_with_the_last_failure() {
        let calls = Cell::new(0);
        let result = Retry::STANDARD
            .attempts(4)
            .run(None, |_| Verdict::Transient, || failing_until(10, &calls))
            .await;
        assert_eq!(result, Err(4));
    }

    #[tokio::test(start_paused = true)]
    async fn the_servers_retry_after_is_waited_exactly() {
        let calls = Cell::new(0);
        let start = Instant::now();
        let throttled = |_: &u32| Verdict::Throttled {
            retry_after: Some(Duration::from_secs(7)),
        };
        let result = Retry::STANDARD
            .run(None, throttled, || failing_until(2, &calls))
            .await;
        assert_eq!(result, Ok(2));
        assert_eq!(start.elapsed(), Duration::from_secs(7));
    }

    #[tokio::test(start_paused = true)]
    async fn a_retry_after_beyond_the_limit_is_a_failure() {
        let calls = Cell::new(0);
        let throttled = |_: &u32| Verdict::Throttled {
            retry_after: Some(MAX_RETRY_AFTER + Duration::from_secs(1)),
        };
        let result = Retry::STANDARD
            .run(None, throttled, || failing_until(2, &calls))
            .await;
        assert_eq!(result, Err(1));
    }

    #[tokio::test(start_paused = true)]
    async fn throttling_in_a_paced_pool_pushes_back_the_next_permit() {
        let bucket = TokenBucket::new(1000.0);
        let calls = Cell::new(0);
        let start = Instant::now();
        let throttled = |_: &u32| Verdict::Throttled {
            retry_after: Some(Duration::from_secs(2)),
        };
        Retry::STANDARD
            .run(Some(&bucket), throttled, || failing_until(2, &calls))
            .await
            .unwrap();
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn the_bucket_spaces_permits_at_the_rate() {
        let bucket = TokenBucket::new(20.0);
        let start = Instant::now();
        for _ in 0..21 {
            bucket.acquire().await;
        }
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_delays_the_next_permit() {
        let bucket = TokenBucket::new(100.0);
        bucket.acquire().await;
        let start = Instant::now();
        bucket.pause(Duration::from_millis(500)).await;
        bucket.acquire().await;
        assert_eq!(start.elapsed(), Duration::from_millis(500));
    }

    #[test]
    fn backoff_grows_and_stays_under_the_cap() {
        let backoff = Backoff::DEFAULT;
        for attempt in 0..30 {
            let d = backoff.delay(attempt);
            assert!(d <= Duration::from_secs(5), "{d:?}");
        }
        assert!(backoff.delay(0) <= Duration::from_millis(100));
    }
}
