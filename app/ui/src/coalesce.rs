//! One job at a time, and only the newest waiting: how slider moves reach the worker. While a
//! render runs, newer positions replace each other instead of queueing, so the preview always
//! catches up with the slider after at most one render more.

/// A slot for the running job and one waiting job.
#[derive(Debug)]
pub struct Coalescer<T> {
    running: bool,
    waiting: Option<T>,
}

impl<T> Default for Coalescer<T> {
    fn default() -> Self {
        Self {
            running: false,
            waiting: None,
        }
    }
}

impl<T> Coalescer<T> {
    /// Offers a job: returns it to start now when nothing runs, else keeps it as the waiting one
    /// (dropping an older waiting job).
    pub fn submit(&mut self, job: T) -> Option<T> {
        if self.running {
            self.waiting = Some(job);
            None
        } else {
            self.running = true;
            Some(job)
        }
    }

    /// The running job finished: returns the waiting job to start, if any.
    pub fn finish(&mut self) -> Option<T> {
        let next = self.waiting.take();
        self.running = next.is_some();
        next
    }

    /// Whether a job runs.
    pub fn is_running(&self) -> bool {
        self.running
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_while_busy_collapse_to_the_newest() {
        let mut c = Coalescer::default();
        assert_eq!(c.submit(1), Some(1));
        assert!(c.is_running());
        for position in 2..=9 {
            assert_eq!(c.submit(position), None);
        }
        assert_eq!(
            c.finish(),
            Some(9),
            "only the newest position is drawn next"
        );
        assert!(c.is_running());
        assert_eq!(c.finish(), None);
        assert!(!c.is_running());
        assert_eq!(c.submit(10), Some(10), "idle again: starts at once");
    }
}
