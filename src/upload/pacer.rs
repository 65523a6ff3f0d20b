//! The client-side pacer: a sliding window over the times requests were sent,
//! kept just under IT Glue's budget (3,000 per 300 s by default), plus a global
//! pause when the server answers 429 with `Retry-After`.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// A request budget: `requests` per `window`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub requests: u32,
    pub window: Duration,
}

impl Rate {
    pub const ITGLUE: Rate = Rate {
        requests: 3000,
        window: Duration::from_secs(300),
    };

    /// Parses `REQUESTS/SECONDS`, e.g. `3000/300`.
    pub fn parse(s: &str) -> Option<Rate> {
        let (r, w) = s.split_once('/')?;
        let requests: u32 = r.trim().parse().ok()?;
        let secs: f64 = w.trim().parse().ok()?;
        (requests > 0 && secs > 0.0 && secs.is_finite()).then(|| Rate {
            requests,
            window: Duration::from_secs_f64(secs),
        })
    }

    /// Time the limit implies for `n` requests (the first window's worth goes at once).
    pub fn time_for(&self, n: u64) -> Duration {
        if n == 0 {
            return Duration::ZERO;
        }
        let windows = (n - 1) / u64::from(self.requests);
        self.window.mul_f64(windows as f64)
    }
}

struct Inner {
    sent: VecDeque<Instant>,
    paused_until: Option<Instant>,
}

pub struct Pacer {
    budget: usize,
    window: Duration,
    inner: Mutex<Inner>,
}

impl Pacer {
    /// Keeps `margin` requests of the window unused, so that latency jitter between
    /// our send times and the server's arrival times does not cost 429s.
    pub fn new(rate: Rate) -> Pacer {
        let margin = (rate.requests as usize / 50).clamp(1, 10);
        Pacer {
            budget: (rate.requests as usize).saturating_sub(margin).max(1),
            window: rate.window,
            inner: Mutex::new(Inner {
                sent: VecDeque::new(),
                paused_until: None,
            }),
        }
    }

    /// Waits until one more request fits in the window, and counts it.
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let mut g = self.inner.lock().await;
                let now = Instant::now();
                while let Some(&t) = g.sent.front() {
                    if now.duration_since(t) >= self.window {
                        g.sent.pop_front();
                    } else {
                        break;
                    }
                }
                match g.paused_until {
                    Some(p) if p > now => p - now,
                    _ if g.sent.len() < self.budget => {
                        g.sent.push_back(now);
                        return;
                    }
                    _ => {
                        let oldest = *g.sent.front().expect("full window");
                        (oldest + self.window).saturating_duration_since(now)
                    }
                }
            };
            tokio::time::sleep(wait.max(Duration::from_millis(1))).await;
        }
    }

    /// Nobody sends before `until` (a 429's Retry-After).
    pub async fn pause(&self, for_: Duration) {
        let until = Instant::now() + for_;
        let mut g = self.inner.lock().await;
        if g.paused_until.is_none_or(|p| p < until) {
            g.paused_until = Some(until);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rates_and_predicts_time() {
        let r = Rate::parse("300/30").unwrap();
        assert_eq!(r.requests, 300);
        assert_eq!(r.time_for(300), Duration::ZERO);
        assert_eq!(r.time_for(301), Duration::from_secs(30));
        assert_eq!(r.time_for(3000), Duration::from_secs(270));
        assert!(Rate::parse("0/5").is_none());
        assert!(Rate::parse("x").is_none());
    }
}
