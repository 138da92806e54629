//! The page's numbers for the requests it sends to the training worker, and what each was about,
//! so that a [`Response::Failed`](protocol::messages::Response::Failed) resets only what its
//! own request was about (a failed export leaves an opening project alone, and the other way
//! round). Plain Rust, tested natively.

use std::collections::VecDeque;

use protocol::messages::{Concern, Request, Ticket};

/// Tickets remembered: a failure answers a recent request (slider moves send many renders, and
/// their failures come back with the drawing, not as a `Failed`).
const REMEMBERED: usize = 256;

/// What a ticket's request was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Issued {
    /// Its concern.
    pub concern: Concern,
    /// It replaced the run with a saved one ([`Request::opens_a_run`]).
    pub opens_a_run: bool,
}

/// The tickets issued, newest last.
#[derive(Debug, Default)]
pub struct Tickets {
    next: u64,
    recent: VecDeque<(Ticket, Issued)>,
}

impl Tickets {
    /// A new ticket for `request`, remembered with what it is about.
    pub fn issue(&mut self, request: &Request) -> Ticket {
        let ticket = Ticket(self.next);
        self.next += 1;
        self.recent.push_back((
            ticket,
            Issued {
                concern: request.concern(),
                opens_a_run: request.opens_a_run(),
            },
        ));
        if self.recent.len() > REMEMBERED {
            self.recent.pop_front();
        }
        ticket
    }

    /// What the request with `ticket` was about, if it is remembered.
    pub fn issued(&self, ticket: Ticket) -> Option<Issued> {
        self.recent
            .iter()
            .find(|(t, _)| *t == ticket)
            .map(|(_, issued)| *issued)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::messages::{GeneratorSource, RenderPurpose};

    #[test]
    fn each_ticket_names_its_own_request() {
        let mut tickets = Tickets::default();
        let open = tickets.issue(&Request::OpenSaved("run".into()));
        let export = tickets.issue(&Request::ComputeDirections(GeneratorSource::Training));
        let train = tickets.issue(&Request::Train);
        assert!(open != export && export != train);
        assert_eq!(
            tickets.issued(open),
            Some(Issued {
                concern: Concern::Files,
                opens_a_run: true
            })
        );
        assert_eq!(
            tickets.issued(export),
            Some(Issued {
                concern: Concern::Explorer,
                opens_a_run: false
            })
        );
        assert_eq!(
            tickets.issued(train).map(|i| i.concern),
            Some(Concern::Training)
        );
        assert_eq!(tickets.issued(Ticket(99)), None, "never issued");
    }

    #[test]
    fn only_the_recent_tickets_are_remembered() {
        let mut tickets = Tickets::default();
        let first = tickets.issue(&Request::Step);
        let render = Request::Render {
            id: 0,
            source: GeneratorSource::Training,
            purpose: RenderPurpose::Preview,
            zs: Vec::new(),
        };
        let mut last = first;
        for _ in 0..REMEMBERED {
            last = tickets.issue(&render);
        }
        assert_eq!(tickets.issued(first), None, "forgotten");
        assert_eq!(
            tickets.issued(last).map(|i| i.concern),
            Some(Concern::Explorer)
        );
        assert_eq!(tickets.recent.len(), REMEMBERED);
    }
}
