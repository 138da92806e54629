//! The page's numbers for the requests it sends to the training worker, remembered only for the
//! requests whose failure must undo something the page started (see [`Pending`]), so that a
//! [`Response::Failed`](protocol::messages::Response::Failed) undoes only what its own request
//! began: a failed export leaves a resume in flight alone, and the other way round. Every other
//! failure is shown and changes nothing else. Plain Rust, tested natively.

use protocol::messages::{Request, Ticket};

/// What the page shows as under way until a request's answer comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    /// "Computing…" on the principal directions' button ([`Request::ComputeDirections`]).
    Directions,
    /// The resume of an autosaved run ([`Request::OpenSaved`]).
    Resume,
}

impl Pending {
    /// What `request` starts on the page, if anything.
    pub fn of(request: &Request) -> Option<Self> {
        match request {
            Request::ComputeDirections(_) => Some(Pending::Directions),
            Request::OpenSaved(_) => Some(Pending::Resume),
            _ => None,
        }
    }
}

/// Requests whose answer may still come; a handful (a click each), never a slider's stream.
const REMEMBERED: usize = 16;

/// The tickets issued, and the pending ones among them (newest last).
#[derive(Debug, Default)]
pub struct Tickets {
    next: u64,
    pending: Vec<(Ticket, Pending)>,
}

impl Tickets {
    /// A new ticket for `request`, remembered if its failure must undo something.
    pub fn issue(&mut self, request: &Request) -> Ticket {
        let ticket = Ticket(self.next);
        self.next += 1;
        if let Some(pending) = Pending::of(request) {
            self.pending.push((ticket, pending));
            if self.pending.len() > REMEMBERED {
                self.pending.remove(0);
            }
        }
        ticket
    }

    /// What the failed request with `ticket` had started, if anything (forgotten after).
    pub fn failed(&mut self, ticket: Ticket) -> Option<Pending> {
        let at = self.pending.iter().position(|(t, _)| *t == ticket)?;
        Some(self.pending.remove(at).1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::messages::GeneratorSource;

    #[test]
    fn a_failure_names_only_what_its_own_request_started() {
        let mut tickets = Tickets::default();
        let resume = tickets.issue(&Request::OpenSaved("run".into()));
        let directions = tickets.issue(&Request::ComputeDirections(GeneratorSource::Training));
        let export = tickets.issue(&Request::OpenProject(vec![1, 2]));
        let train = tickets.issue(&Request::Train);
        assert!(resume != directions && directions != export && export != train);
        assert_eq!(
            tickets.failed(export),
            None,
            "a project file starts no resume"
        );
        assert_eq!(tickets.failed(train), None);
        assert_eq!(tickets.failed(directions), Some(Pending::Directions));
        assert_eq!(tickets.failed(resume), Some(Pending::Resume));
        assert_eq!(tickets.failed(resume), None, "forgotten once answered");
    }

    #[test]
    fn only_the_recent_pending_requests_are_remembered() {
        let mut tickets = Tickets::default();
        let directions = Request::ComputeDirections(GeneratorSource::Training);
        let first = tickets.issue(&directions);
        let last = (0..REMEMBERED).map(|_| tickets.issue(&directions)).last();
        assert_eq!(tickets.failed(first), None, "forgotten");
        assert_eq!(tickets.failed(last.unwrap()), Some(Pending::Directions));
        assert_eq!(tickets.pending.len(), REMEMBERED - 1);
    }
}
