//! The sandbox's sliding-window rate limit and its faults on demand (latency,
//! failures before the write, responses lost after the write).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// Faults and limits; changeable while the sandbox runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Behaviour {
    /// Requests allowed per window (IT Glue: 3000 per 300 s).
    pub rate_requests: u32,
    pub rate_window: Duration,
    /// Added to every API response.
    pub latency: Duration,
    /// Fraction of requests failing before doing anything: 500/502/503/504 or a
    /// dropped connection, equally likely.
    pub fault_rate: f64,
    /// Fraction of writes (POST/PATCH/DELETE) that are committed and whose
    /// response is then lost (dropped connection or 502/504).
    pub lost_rate: f64,
    /// Seed of the fault dice (deterministic runs).
    pub seed: u64,
    /// Answer 404 on every document-folder route (tenant without the rollout).
    pub folders_missing: bool,
    /// Time control for fast tests: `Retry-After` in fractional seconds
    /// (`0.125`) instead of whole seconds rounded up, so a test can use a
    /// window of a few hundred milliseconds without waiting whole seconds.
    #[serde(default)]
    pub precise_retry_after: bool,
}

impl Default for Behaviour {
    fn default() -> Self {
        Behaviour {
            rate_requests: 3000,
            rate_window: Duration::from_secs(300),
            latency: Duration::ZERO,
            fault_rate: 0.0,
            lost_rate: 0.0,
            seed: 1,
            folders_missing: false,
            precise_retry_after: false,
        }
    }
}

/// What to do with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Answer 429; the window has room again after this long.
    Limited(Duration),
    /// Fail before doing anything with this status (0 = drop the connection).
    Fail(u16),
    /// Do it, then lose the response with this status (0 = drop).
    Lose(u16),
    Serve,
}

/// Accepted requests within the last window.
#[derive(Debug, Default)]
pub struct Window {
    times: VecDeque<Instant>,
}

impl Window {
    /// Counts the request if the window has room, else says how long to wait.
    pub fn admit(&mut self, now: Instant, limit: u32, window: Duration) -> Result<(), Duration> {
        while let Some(&t) = self.times.front() {
            if now.duration_since(t) >= window {
                self.times.pop_front();
            } else {
                break;
            }
        }
        if self.times.len() >= limit as usize {
            let oldest = *self.times.front().expect("non-empty when full");
            return Err(window.saturating_sub(now.duration_since(oldest)));
        }
        self.times.push_back(now);
        Ok(())
    }
}

/// The `Retry-After` value for a wait: whole seconds rounded up (at least 1),
/// or milliseconds as a decimal with `precise`.
pub fn retry_after(wait: Duration, precise: bool) -> String {
    if precise {
        // Rounded up to the millisecond, so waiting exactly that long is enough.
        let ms = wait.as_micros().div_ceil(1000).max(1);
        format!("{}.{:03}", ms / 1000, ms % 1000)
    } else {
        format!("{}", wait.as_secs_f64().ceil().max(1.0) as u64)
    }
}

/// Decides a request's fate: the limit first, then the dice.
pub fn decide(
    window: &mut Window,
    rng: &mut fastrand::Rng,
    b: &Behaviour,
    is_write: bool,
    now: Instant,
) -> Fate {
    if let Err(wait) = window.admit(now, b.rate_requests, b.rate_window) {
        return Fate::Limited(wait);
    }
    const FAILS: [u16; 5] = [500, 502, 503, 504, 0];
    if b.fault_rate > 0.0 && rng.f64() < b.fault_rate {
        return Fate::Fail(FAILS[rng.usize(..FAILS.len())]);
    }
    if is_write && b.lost_rate > 0.0 && rng.f64() < b.lost_rate {
        const LOST: [u16; 3] = [0, 502, 504];
        return Fate::Lose(LOST[rng.usize(..LOST.len())]);
    }
    Fate::Serve
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_slides() {
        let mut w = Window::default();
        let t0 = Instant::now();
        let win = Duration::from_secs(10);
        assert!(w.admit(t0, 2, win).is_ok());
        assert!(w.admit(t0 + Duration::from_secs(1), 2, win).is_ok());
        let wait = w.admit(t0 + Duration::from_secs(2), 2, win).unwrap_err();
        assert_eq!(wait, Duration::from_secs(8));
        assert!(w.admit(t0 + Duration::from_secs(10), 2, win).is_ok());
        assert_eq!(retry_after(Duration::from_millis(1200), false), "2");
        assert_eq!(retry_after(Duration::from_millis(10), false), "1");
        assert_eq!(retry_after(Duration::from_millis(1200), true), "1.200");
    }
}
