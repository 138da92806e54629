//! The 2-D lab's own Web Worker: two small MLPs on burn's CPU backend, trained between messages.
//! It shares nothing with the image trainer (its own program, `bin/lab_worker.rs`), so the lab
//! never waits for an image step and the image worker never sees the lab.
//!
//! While training it runs steps for [`STEPS_BUDGET_MS`], then sends one frame (D's surface, G's
//! manifold, the points and their arrows), then yields so that a Pause or a new setting gets in:
//! frames at about 30 per second, as many steps between them as fit.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use burn::tensor::Device;
use gloo_worker::{HandlerId, Worker, WorkerScope};
use model::StepStats;
use model::lab::LabGan;
use model::lab::training::read_steps;
use protocol::lab::{LabRequest, LabResponse, LabStep};
use wasm_bindgen_futures::spawn_local;

/// Time spent stepping between two frames while training (ms). A frame (its numbers, their
/// message, the page's drawing) took about 11 ms more here: 25 ms gave 28 frames a second,
/// under the 30 aimed at; 20 ms gives about 32.
const STEPS_BUDGET_MS: f64 = 20.0;
/// Cells along each side of D's surface in a frame.
const HEAT_SIDE: usize = 64;
/// Points along each side of G's manifold in a frame.
const MESH_SIDE: usize = 32;

fn now() -> f64 {
    js_sys::Date::now()
}

/// The lab's worker. State lives behind `Rc`s so the training loop can share it.
pub struct LabWorker {
    lab: Rc<RefCell<Option<LabGan>>>,
    running: Rc<Cell<bool>>,
    /// True while the training loop runs (a second Train does not start another).
    looping: Rc<Cell<bool>>,
}

impl LabWorker {
    /// Reads `steps` (the steps since the last frame, with their time per step) and the
    /// networks' frame, and sends them to `id`.
    async fn send_frame(
        lab: LabGan,
        steps: Option<(Vec<StepStats>, f64)>,
        scope: &WorkerScope<Self>,
        id: HandlerId,
    ) {
        let step = match steps {
            Some((steps, ms_per_step)) => match read_steps(steps).await {
                Ok(read) => read.map(|(values, leads)| LabStep {
                    values,
                    leads,
                    ms_per_step,
                }),
                Err(e) => return scope.respond(id, LabResponse::Refused(e.to_string())),
            },
            None => None,
        };
        let start = now();
        match lab.frame(HEAT_SIDE, MESH_SIDE).await {
            Ok(frame) => scope.respond(
                id,
                LabResponse::Frame {
                    frame: Box::new(frame),
                    step,
                    compute_ms: now() - start,
                },
            ),
            Err(e) => scope.respond(id, LabResponse::Refused(e.to_string())),
        }
    }

    /// Steps and frames until paused.
    fn train(&self, scope: &WorkerScope<Self>, id: HandlerId) {
        if self.looping.replace(true) {
            return;
        }
        let (lab, running, looping, scope) = (
            self.lab.clone(),
            self.running.clone(),
            self.looping.clone(),
            scope.clone(),
        );
        spawn_local(async move {
            while running.get() {
                let start = now();
                let mut steps = Vec::new();
                while now() - start < STEPS_BUDGET_MS && running.get() {
                    let Some(stats) = lab.borrow_mut().as_mut().map(LabGan::step) else {
                        break;
                    };
                    steps.push(stats);
                }
                let Some(gan) = lab.borrow().clone() else {
                    break;
                };
                let ms_per_step = (now() - start) / steps.len().max(1) as f64;
                let steps = (!steps.is_empty()).then_some((steps, ms_per_step));
                Self::send_frame(gan, steps, &scope, id).await;
                // Lets the page's messages (Pause, a new setting) in before the next steps.
                gloo_timers::future::TimeoutFuture::new(0).await;
            }
            looping.set(false);
        });
    }

    /// One step of `kind` by hand, then its frame.
    fn step_once(
        &self,
        scope: &WorkerScope<Self>,
        id: HandlerId,
        step: fn(&mut LabGan) -> StepStats,
    ) {
        let start = now();
        let stats = self.lab.borrow_mut().as_mut().map(step);
        let Some(gan) = self.lab.borrow().clone() else {
            return scope.respond(
                id,
                LabResponse::Refused("the lab has no networks yet".into()),
            );
        };
        let scope = scope.clone();
        spawn_local(async move {
            let stats = stats.map(|s| (vec![s], now() - start));
            Self::send_frame(gan, stats, &scope, id).await;
        });
    }
}

impl Worker for LabWorker {
    type Message = ();
    type Input = LabRequest;
    type Output = LabResponse;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        console_error_panic_hook::set_once();
        let _ = console_log::init_with_level(log::Level::Warn);
        Self {
            lab: Rc::new(RefCell::new(None)),
            running: Rc::new(Cell::new(false)),
            looping: Rc::new(Cell::new(false)),
        }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, msg: LabRequest, id: HandlerId) {
        match msg {
            LabRequest::Start(config, shape) => match LabGan::new(config, shape, &Device::flex()) {
                Ok(gan) => {
                    *self.lab.borrow_mut() = Some(gan.clone());
                    let scope = scope.clone();
                    spawn_local(async move { Self::send_frame(gan, None, &scope, id).await });
                }
                Err(e) => scope.respond(id, LabResponse::Refused(e.to_string())),
            },
            LabRequest::Tune(config) => {
                let tuned = self.lab.borrow_mut().as_mut().map(|gan| gan.tune(config));
                match tuned {
                    Some(Ok(())) => {
                        if !self.running.get()
                            && let Some(gan) = self.lab.borrow().clone()
                        {
                            let scope = scope.clone();
                            spawn_local(
                                async move { Self::send_frame(gan, None, &scope, id).await },
                            );
                        }
                    }
                    Some(Err(e)) => scope.respond(id, LabResponse::Refused(e.to_string())),
                    None => scope.respond(
                        id,
                        LabResponse::Refused("the lab has no networks yet".into()),
                    ),
                }
            }
            LabRequest::Train => {
                self.running.set(true);
                scope.respond(id, LabResponse::Running(true));
                self.train(scope, id);
            }
            LabRequest::Pause => {
                self.running.set(false);
                scope.respond(id, LabResponse::Running(false));
            }
            // Single steps while training would interleave with the loop's: ignored then (the
            // page disables them).
            LabRequest::Step if !self.running.get() => self.step_once(scope, id, LabGan::step),
            LabRequest::StepD if !self.running.get() => {
                self.step_once(scope, id, LabGan::discriminator_step)
            }
            LabRequest::StepG if !self.running.get() => {
                self.step_once(scope, id, LabGan::generator_step)
            }
            LabRequest::Step | LabRequest::StepD | LabRequest::StepG => {}
        }
    }
}
