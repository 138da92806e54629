//! The training loop: steps one at a time (a click while one runs waits for it), reports each,
//! and between steps sends the sample grid, D's verdict, the quality measure and, on WebGPU,
//! snapshots the page keeps against a lost device. While training on WebGPU, the next step is
//! dispatched before this one's losses are read back, so the GPU is not idle while the worker
//! waits for them and encodes the next step.

use std::cell::{Cell, RefCell};
use std::pin::Pin;
use std::rc::Rc;
use std::task::Context;

use futures::future::{FutureExt, LocalBoxFuture, MaybeDone, maybe_done};
use futures::task::noop_waker_ref;

use gloo_worker::WorkerScope;
use model::burn::tensor::ExecutionError;
use model::{StepValues, checkpoint};
use protocol::messages::{AlarmReport, Response, SampleGrid, StepReport};
use protocol::verdict::Judged;
use wasm_bindgen_futures::spawn_local;

use super::Caller;
use super::{TrainerWorker, now};
use crate::error::{WorkerError, device_error, failure};
use crate::trainer::{StepKind, Trainer};

/// Milliseconds between two refreshes of the sample grid while training, at most.
const SAMPLE_INTERVAL_MS: f64 = 1500.0;
/// Where a grid takes longer than a tenth of [`SAMPLE_INTERVAL_MS`] (the default model on the
/// CPU, a software GPU, a large model), the interval is this many times the grid's own time:
/// drawing it (both generators and D's verdict, on 64 images each) then takes at most a tenth
/// of the training time, so the loop keeps about 90 % of the bare step rate (issue 29; measured
/// with `page-bench.mjs --train-s`).
const GRID_INTERVAL_PER_GRID_TIME: f64 = 10.0;
/// Steps between two quality measurements.
const QUALITY_EVERY: u64 = 200;
/// Milliseconds between two in-memory snapshots while training on WebGPU.
const SNAPSHOT_INTERVAL_MS: f64 = 20_000.0;
/// Clicks on Step (or Train) kept while a step runs; more are dropped.
const MAX_QUEUED_STEPS: usize = 16;

/// A step's losses on their way back from the device.
type ReadBack = MaybeDone<LocalBoxFuture<'static, Result<StepValues, ExecutionError>>>;

/// A step dispatched to the device, its values' read-back started.
struct Dispatched {
    values: ReadBack,
    kind: StepKind,
    /// The model it belongs to (the first of [`Trainer::weights_version`]).
    model: u64,
    /// The step count and epoch right after it.
    step: u64,
    epoch: usize,
    /// When it was dispatched (ms).
    at: f64,
}

/// What the steps of one run of the training loop share.
struct Run {
    trainer: Rc<RefCell<Option<Trainer>>>,
    /// When the sample grid is due next (see [`TrainerWorker::next_grid_due`]).
    next_grid: Rc<Cell<f64>>,
    gpu: bool,
    scope: WorkerScope<TrainerWorker>,
    to: Caller,
}

impl Run {
    /// Dispatches one step (`kind`) to the device and starts reading its values back.
    fn dispatch(&self, kind: StepKind) -> Result<Dispatched, WorkerError> {
        let at = now();
        let mut t = self.trainer.borrow_mut();
        let t = t.as_mut().ok_or(WorkerError::NotReady)?;
        let mut values = maybe_done(t.step(kind).read().boxed_local());
        // One poll queues the copy of the values right behind the step and flushes the queue,
        // so the read completes with the step, whatever is dispatched after it. (On the CPU it
        // completes here.) Whoever awaits it later polls it again with a real waker.
        let _ = values.poll_unpin(&mut Context::from_waker(noop_waker_ref()));
        Ok(Dispatched {
            values,
            kind,
            model: t.weights_version().0,
            step: t.step_count(),
            epoch: t.epoch(),
            at,
        })
    }

    /// What a finished step asks of the run: `Some(reply)` to stop with (a device failure, an
    /// alarm that pauses); a warning (the players take turns winning) is sent and the run goes on.
    fn stop_reply(&self, result: Result<Option<Response>, WorkerError>) -> Option<Response> {
        match result {
            Ok(None) => None,
            Ok(Some(Response::Alarm(report))) if !report.alarm.pauses() => {
                TrainerWorker::respond(&self.scope, self.to, Response::Alarm(report));
                None
            }
            // The run is falling apart: pause, so the class sees it and can go back.
            Ok(Some(alarm)) => Some(alarm),
            Err(e) => Some(failure(e, self.gpu, self.to.ticket)),
        }
    }

    /// Reads `done`'s values back and reports it, timed from `since` (its dispatch, or the
    /// previous report when it was dispatched ahead); `Ok(Some(alarm))` when the run is falling
    /// apart, `Err` on a device failure. With `ahead` (a later step is already on the device)
    /// the model is past `done`, so no grid is drawn.
    async fn finish(
        &self,
        done: Dispatched,
        force_samples: bool,
        ahead: bool,
        since: f64,
    ) -> Result<Option<Response>, WorkerError> {
        let Dispatched {
            mut values,
            kind,
            model,
            step,
            epoch,
            at,
        } = done;
        (&mut values).await;
        let values = Pin::new(&mut values)
            .take_output()
            .expect("a finished read has its output")
            .map_err(device_error)?;
        let alarm = {
            let mut t = self.trainer.borrow_mut();
            let t = t.as_mut().ok_or(WorkerError::NotReady)?;
            // Another model was installed meanwhile (a project, a checkpoint, a new
            // configuration, going back): this step's numbers are not its.
            if t.weights_version().0 != model {
                return Ok(None);
            }
            // D-only and G-only steps are the user's experiments, not the run's course.
            (kind == StepKind::Full && values.is_finite())
                .then(|| t.observe_step(step, &values))
                .flatten()
                .map(|alarm| TrainerWorker::alarm(t, alarm))
        };
        let ms = now() - since.max(at);
        TrainerWorker::respond(
            &self.scope,
            self.to,
            Response::Step(StepReport {
                step,
                epoch,
                values,
                ms,
            }),
        );
        if !values.is_finite() {
            // Nothing after a NaN is worth keeping: go back to the last good state at once.
            let report = {
                let mut t = self.trainer.borrow_mut();
                let t = t.as_mut().ok_or(WorkerError::NotReady)?;
                t.diverged();
                let back_to = t.fallback_step(true);
                let restored = back_to.is_some() && t.go_back(true).is_ok();
                AlarmReport {
                    alarm: model::health::Alarm::NonFinite { step },
                    back_to,
                    restored,
                }
            };
            if report.restored {
                TrainerWorker::send_samples(
                    &self.trainer,
                    false,
                    Judged::Refresh,
                    &self.scope,
                    self.to,
                )
                .await?;
            }
            return Ok(Some(Response::Alarm(report)));
        }
        if ahead {
            return Ok(alarm);
        }
        let quality = step > 0 && step % QUALITY_EVERY == 0 && kind != StepKind::Discriminator;
        if force_samples || quality || alarm.is_some() || now() >= self.next_grid.get() {
            let judged = match kind {
                StepKind::Discriminator if force_samples => Judged::AfterStepD,
                StepKind::Generator if force_samples => Judged::AfterStepG,
                _ => Judged::Refresh,
            };
            let from = now();
            let quality_alarm =
                TrainerWorker::send_samples(&self.trainer, quality, judged, &self.scope, self.to)
                    .await?;
            self.next_grid
                .set(TrainerWorker::next_grid_due(from, now()));
            return Ok(alarm.or(quality_alarm));
        }
        Ok(alarm)
    }
}

impl TrainerWorker {
    /// Whether, while training, the step after `done` may go to the device before `done`'s
    /// values are read: on WebGPU, and when finishing `done` needs nothing of the model as it
    /// is at that step (no state to keep, no quality measure, no grid or snapshot due).
    fn may_dispatch_ahead(
        done: &Dispatched,
        gpu: bool,
        next_grid: f64,
        last_snapshot: f64,
    ) -> bool {
        let t = now();
        gpu && done.kind == StepKind::Full
            && !Trainer::keeps_state_at(done.step)
            && !done.step.is_multiple_of(QUALITY_EVERY)
            && t < next_grid
            && t - last_snapshot <= SNAPSHOT_INTERVAL_MS
    }

    /// When the grid is due next, after one drawn from `from` to `to` (ms).
    fn next_grid_due(from: f64, to: f64) -> f64 {
        to + SAMPLE_INTERVAL_MS.max(GRID_INTERVAL_PER_GRID_TIME * (to - from))
    }

    /// The page's message for `alarm`, with the state going back would restore.
    pub(super) fn alarm(t: &Trainer, alarm: model::health::Alarm) -> Response {
        Response::Alarm(AlarmReport {
            alarm,
            back_to: t.fallback_step(false),
            restored: false,
        })
    }

    /// Sends the sample grid and D's verdict on it (`judged`: what came just before), and with
    /// `quality` the grid's quality measure; `Ok(Some(alarm))` when that measure says the run
    /// is falling apart.
    pub(super) async fn send_samples(
        trainer: &Rc<RefCell<Option<Trainer>>>,
        quality: bool,
        judged: Judged,
        scope: &WorkerScope<Self>,
        to: Caller,
    ) -> Result<Option<Response>, WorkerError> {
        let (samples, step, judgement) = {
            let mut t = trainer.borrow_mut();
            let t = t.as_mut().ok_or(WorkerError::NotReady)?;
            let (shown, raw) = t.samples_and_raw();
            let judgement = t.judge(raw.clone()).map(|j| (j, raw));
            (shown, t.step_count(), judgement)
        };
        // One device read for the grid and the verdict (each read is a round trip that the
        // training loop waits for).
        let mut tensors = vec![samples];
        let judged_now = judgement.is_some();
        if let Some(((real_logits, fake_logits, real), fake)) = judgement {
            // Only the row's images of the raw batch are shown.
            let shown = protocol::verdict::ROW.min(fake.dims()[0]);
            let as_4d = |t: burn::tensor::Tensor<1>| {
                let n = t.dims()[0];
                t.reshape([n, 1, 1, 1])
            };
            tensors.extend([
                as_4d(real_logits),
                as_4d(fake_logits),
                real,
                fake.narrow(0, 0, shown),
            ]);
        }
        let mut read = model::snapshot::read_together(tensors)
            .await
            .map_err(device_error)?
            .into_iter();
        let mut next = || read.next().unwrap_or_default();
        let pixels = next();
        let verdict = judged_now.then(|| (next(), next(), next(), next()));
        let mut t = trainer.borrow_mut();
        let t = t.as_mut().ok_or(WorkerError::NotReady)?;
        if let Some((real_logits, fake_logits, real, fake)) = verdict {
            let report = t.verdict_report((&real_logits, &fake_logits), (&real, &fake), judged);
            Self::respond(scope, to, Response::Verdict(report));
        }
        let (width, height, rgba) = t.grid_rgba(&pixels);
        Self::respond(
            scope,
            to,
            Response::Samples(SampleGrid {
                step,
                width,
                height,
                rgba,
            }),
        );
        if !quality {
            return Ok(None);
        }
        let (swd, diversity) = t.quality(&pixels);
        let memorisation = t.memorisation(&pixels);
        Self::respond(
            scope,
            to,
            Response::Quality {
                step,
                swd: swd.mean,
                swd_range: (swd.low, swd.high),
                diversity,
                memorisation,
            },
        );
        Ok(t.observe_quality(swd.mean)
            .map(|alarm| Self::alarm(t, alarm)))
    }

    /// Sends the sample grid of the model as it is now (after a load or going back).
    pub(super) fn refresh_samples(&self, scope: &WorkerScope<Self>, to: Caller) {
        Self::spawn_refresh(&self.trainer, scope, to);
    }

    /// [`refresh_samples`](Self::refresh_samples) from a shared trainer; a failure is reported.
    pub(super) fn spawn_refresh(
        trainer: &Rc<RefCell<Option<Trainer>>>,
        scope: &WorkerScope<Self>,
        to: Caller,
    ) {
        let (trainer, scope) = (trainer.clone(), scope.clone());
        spawn_local(async move {
            if let Err(e) = Self::send_samples(&trainer, false, Judged::Refresh, &scope, to).await {
                Self::respond(&scope, to, to.failed(e));
            }
        });
    }

    pub(super) fn run(&self, kind: StepKind, repeat: bool, scope: &WorkerScope<Self>, to: Caller) {
        if self.busy.get() {
            // A click while a step is in flight runs after it, not never.
            let mut queued = self.queued.borrow_mut();
            if queued.len() < MAX_QUEUED_STEPS {
                queued.push_back((kind, repeat));
            }
            return;
        }
        self.busy.set(true);
        let (queued, running, busy) =
            (self.queued.clone(), self.running.clone(), self.busy.clone());
        let last_snapshot = self.last_snapshot.clone();
        let run = Run {
            trainer: self.trainer.clone(),
            next_grid: self.next_grid.clone(),
            gpu: self.gpu.get(),
            scope: scope.clone(),
            to,
        };
        spawn_local(async move {
            let (mut kind, mut repeat) = (kind, repeat);
            'runs: loop {
                let mut current = run.dispatch(kind);
                let mut since = 0.0;
                loop {
                    let (mut next, result) = match current {
                        Ok(done) => {
                            let ahead = repeat
                                && running.get()
                                && Self::may_dispatch_ahead(
                                    &done,
                                    run.gpu,
                                    run.next_grid.get(),
                                    last_snapshot.get(),
                                );
                            // Not sent ahead if it cannot be: the next turn's dispatch says why.
                            let next = ahead.then(|| run.dispatch(kind).ok()).flatten();
                            let result = run.finish(done, !repeat, next.is_some(), since).await;
                            (next, result)
                        }
                        Err(e) => (None, Err(e)),
                    };
                    since = now();
                    let mut stop_with = run.stop_reply(result);
                    if stop_with.is_none() && repeat && running.get() {
                        // Let queued messages (Pause, a slider) in between steps.
                        gloo_timers::future::TimeoutFuture::new(0).await;
                    }
                    let stopping = stop_with.is_some() || !repeat || !running.get();
                    if stopping && let Some(next) = next.take() {
                        // It is on the device already: it happened, so it is reported, with
                        // the grid, before the run stops.
                        let reply = run.stop_reply(run.finish(next, true, false, since).await);
                        stop_with = stop_with.or(reply);
                    }
                    if let Some(reply) = stop_with {
                        running.set(false);
                        Self::respond(&run.scope, to, Response::Running(false));
                        Self::respond(&run.scope, to, reply);
                        queued.borrow_mut().clear();
                        break 'runs;
                    }
                    let snapshot_due = now() - last_snapshot.get() > SNAPSHOT_INTERVAL_MS;
                    if run.gpu && next.is_none() && (stopping || snapshot_due) {
                        last_snapshot.set(now());
                        Self::snapshot(&run.trainer, &run.scope, to);
                    }
                    if stopping {
                        break;
                    }
                    current = next.map_or_else(|| run.dispatch(kind), Ok);
                }
                // The next click that came meanwhile (Train only while still asked for).
                let next = std::iter::from_fn(|| queued.borrow_mut().pop_front())
                    .find(|&(_, repeat)| !repeat || running.get());
                match next {
                    Some(next) => (kind, repeat) = next,
                    None => break,
                }
            }
            busy.set(false);
            Self::respond(&run.scope, to, Response::Idle);
        });
    }

    /// Sends the page a checkpoint of the current model (read asynchronously, without Adam's
    /// state), to restore it on a new device if this one is lost.
    pub(super) fn snapshot(
        trainer: &Rc<RefCell<Option<Trainer>>>,
        scope: &WorkerScope<Self>,
        to: Caller,
    ) {
        let Some((gan, position)) = trainer
            .borrow()
            .as_ref()
            .map(|t| (t.gan(), t.data_position()))
        else {
            return;
        };
        let scope = scope.clone();
        spawn_local(async move {
            if let Ok(bytes) = checkpoint::save_async(&gan, position.as_ref()).await {
                let step = gan.step;
                Self::respond(&scope, to, Response::Snapshot { step, bytes });
            }
        });
    }

    /// Stops training and forgets queued step clicks (a new model is coming: they were for
    /// the old one).
    pub(super) fn stop_all(&self) {
        self.running.set(false);
        self.queued.borrow_mut().clear();
    }
}

/// A tensor's values, read back asynchronously (a failure is the device's).
pub(super) async fn read_floats<const D: usize>(
    tensor: burn::tensor::Tensor<D>,
) -> Result<Vec<f32>, WorkerError> {
    let data = tensor.into_data_async().await.map_err(device_error)?;
    Ok(data.iter::<f32>().collect())
}
