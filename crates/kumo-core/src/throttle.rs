//! Pacing requests to a rate-limited service: a token bucket shared by every worker, and
//! jittered exponential backoff for retries.

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

#[cfg(test)]
mod tests {
    use super::*;

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
