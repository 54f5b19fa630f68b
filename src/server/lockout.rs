//! Lock-out after wrong passwords, as Cognito does it: from the fifth
//! failure in a row the user is locked for one second, doubling with each
//! further failure up to fifteen minutes, and released when that time has
//! passed. Failures are forgotten after fifteen quiet minutes, or at the
//! next sign-in.

/// Wrong passwords in a row before the first lock-out.
const FREE_FAILURES: u32 = 5;
/// The longest lock-out, and how long failures are remembered.
const MAX_LOCK_SECONDS: i64 = 900;

/// A user's recent wrong passwords.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Lockout {
    failures: u32,
    last_failure: i64,
    locked_until: i64,
}

impl Lockout {
    /// Whether a password may be tried at `now`.
    pub(super) fn is_locked(&self, now: i64) -> bool {
        now < self.locked_until
    }

    /// Counts a wrong password at `now`.
    pub(super) fn fail(&mut self, now: i64) {
        if now - self.last_failure > MAX_LOCK_SECONDS {
            self.failures = 0;
        }
        self.failures = self.failures.saturating_add(1);
        self.last_failure = now;
        if let Some(extra) = self.failures.checked_sub(FREE_FAILURES) {
            let seconds = if extra < 10 { (1i64 << extra).min(MAX_LOCK_SECONDS) } else { MAX_LOCK_SECONDS };
            self.locked_until = now + seconds;
        }
    }

    /// Forgets the failures: the right password was given.
    pub(super) fn succeed(&mut self) {
        *self = Lockout::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_for_a_second_then_each_doubles_up_to_fifteen_minutes() {
        let mut lockout = Lockout::default();
        for _ in 0..4 {
            lockout.fail(1000);
        }
        assert!(!lockout.is_locked(1000), "four failures do not lock");
        lockout.fail(1000);
        assert!(lockout.is_locked(1000));
        assert!(!lockout.is_locked(1001), "released after one second");
        let mut now = 1001;
        for expected in [2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900] {
            lockout.fail(now);
            assert!(lockout.is_locked(now + expected - 1), "{expected}");
            assert!(!lockout.is_locked(now + expected), "{expected}");
            now += expected;
        }
        for _ in 0..100 {
            lockout.fail(now);
        }
        assert!(!lockout.is_locked(now + MAX_LOCK_SECONDS), "never longer than the cap");
    }

    #[test]
    fn failures_are_forgotten_after_fifteen_quiet_minutes_or_a_success() {
        let mut lockout = Lockout::default();
        for _ in 0..4 {
            lockout.fail(0);
        }
        lockout.fail(MAX_LOCK_SECONDS + 1);
        assert!(!lockout.is_locked(MAX_LOCK_SECONDS + 1), "the old failures were forgotten");
        for _ in 0..3 {
            lockout.fail(MAX_LOCK_SECONDS + 1);
        }
        lockout.succeed();
        lockout.fail(MAX_LOCK_SECONDS + 2);
        assert!(!lockout.is_locked(MAX_LOCK_SECONDS + 2));
    }
}
