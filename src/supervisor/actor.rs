//! The supervisor's actor loop: it owns the machine processes and reacts to one event at a time
//! (a machine's message or exit, a signal, a deadline) through set-up, the run, and the stop.
//!
//! It never waits on a machine: messages to a machine are queued to that machine's writer task
//! ([`super::child`]), so a machine that stops reading cannot stall signals or deadlines.
//!
//! What it does about one machine's message or exit is in `news`; about a fault action that falls
//! due, in `faults_due`; about Ctrl-Z and `fg`, in `job_control`.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::mpsc;
use tokio::time::Instant;

use super::child::ChildEvent;
use super::display::LiveView;
use super::report;
use super::signal::{self, Received};
use super::slot::{self, Slot, Spawner};
use super::state::{Input, Killer, MachineState};
use super::stop::StopRequest;
use crate::control::ToMachine;
use crate::fault::{self, FaultAction};
use crate::manifest::FaultRecord;
use crate::run::manifest::{self, ManifestBuilder};
use crate::run::LogCap;
use crate::run::{dir as run_dir, RunError, RunOptions, RunReport, SetupError};
use crate::scenario::Scenario;

mod faults_due;
mod job_control;
mod news;

/// How long the machines have to listen, and then to connect the mesh.
const SETUP_TIMEOUT: Duration = Duration::from_secs(15);
/// The margin between telling the machines to start and their first tick, so all start
/// together: the `start` line goes down one pipe per machine and each machine then sleeps to the
/// instant on its precise timer. Measured on a 2-core host, the message is with every machine
/// well within a millisecond; the margin leaves 20 ms and 1 ms more per machine for a busy host
/// (a machine that still gets it late runs its first tick late, or logs it skipped).
fn start_delay(machines: u32) -> Duration {
    Duration::from_millis(20 + u64::from(machines))
}
/// How long a machine that answered `stop` may take to drain and exit (its own drain bound,
/// 5 s, plus a margin) before it is killed.
const DRAIN_GRACE: Duration = Duration::from_secs(8);
/// How often the elapsed-time line is redrawn.
const REDRAW_EVERY: Duration = Duration::from_millis(100);

/// Run `scenario`: spawn the machines, connect them, let them tick, stop them, report.
pub(crate) async fn run(scenario: Scenario, options: RunOptions) -> Result<RunReport, RunError> {
    slot::check_ports(&scenario)?;
    let run_dir = run_dir::claim_run(
        options.out.as_deref(),
        &options.runs_root,
        &scenario.name,
        scenario.seed,
    )?;

    let (events_tx, events) = mpsc::unbounded_channel();
    signal::listen(events_tx.clone(), Event::Signal).map_err(RunError::Signals)?;

    let rates = scenario.machine_rates();
    let view = LiveView::new(
        &rates,
        scenario.real_duration(),
        scenario.speedup,
        options.quiet,
    );
    view.note(&format!(
        "logiclock: {} machines, rates {:?} ticks/model s, {} model s at speedup {} (seed {})",
        scenario.machines, rates, scenario.duration_s, scenario.speedup, scenario.seed
    ));

    let timeline = fault::timeline(&scenario.faults, scenario.speedup);
    let machines = scenario.machines;
    let mut actor = Supervisor {
        builder: ManifestBuilder::new(&options),
        spawner: Spawner {
            scenario,
            run_dir,
            secret: rand::random(),
            events: events_tx,
            wrap: Event::Child,
            log_share: options.max_log_size.map(|cap| cap.share(machines)),
        },
        log_cap: options.max_log_size,
        view,
        slots: Vec::with_capacity(rates.len()),
        events,
        start_at_unix_us: 0,
        started: Instant::now(),
        stop: None,
        timeline: timeline.into(),
        fault_log: Vec::new(),
        restarts_waiting: Vec::new(),
        suspended: Duration::ZERO,
    };
    for (id, &rate) in (0u32..).zip(&rates) {
        match actor.spawner.spawn(id, rate, 0) {
            Ok(child) => actor.slots.push(Slot::new(child, rate)),
            Err(source) => {
                // Those already started stop cleanly.
                actor.stop_all().await;
                actor.view.finish();
                return Err(RunError::Spawn { id, source });
            }
        }
    }
    actor.run().await
}

/// The supervisor's event queue carries these.
#[derive(Debug)]
enum Event {
    Child(u32, ChildEvent),
    Signal(Received),
}

struct Supervisor {
    /// Builds the manifest: the engine and the batch record come from the run's options.
    builder: ManifestBuilder,
    /// Starts machine processes; holds the scenario and the run directory.
    spawner: Spawner<Event>,
    view: LiveView,
    slots: Vec<Slot>,
    events: mpsc::UnboundedReceiver<Event>,
    /// When the tick loops started (system time, µs since the epoch); a restart joins it.
    start_at_unix_us: u64,
    /// The same instant on the monotonic clock; fault times count from it.
    started: Instant,
    /// Why the run is stopping before its deadline, if it is.
    stop: Option<StopRequest>,
    /// `--max-log-size`: a machine whose log reaches its share stops the run.
    log_cap: Option<LogCap>,
    /// The faults' actions still to come, in time order, at real offsets from the start.
    timeline: VecDeque<(Duration, FaultAction)>,
    /// What the faults did, for the manifest.
    fault_log: Vec<FaultRecord>,
    /// Machines whose restart fell due and waits for its kill's exit (retried on the timeline).
    restarts_waiting: Vec<u32>,
    /// How long the run has been suspended by job control (Ctrl-Z until `fg`), in all: the
    /// set-up and stop deadlines move by as much, since no machine could answer meanwhile.
    suspended: Duration,
}

impl Supervisor {
    async fn run(&mut self) -> Result<RunReport, RunError> {
        let run_dir = self.spawner.run_dir.clone();
        if let Err(source) = self.set_up().await {
            self.stop_all().await;
            self.view.finish();
            if let Some(stop) = self.stop.as_ref().and_then(StopRequest::signal) {
                return Err(RunError::Interrupted(stop));
            }
            return Err(RunError::Setup { run_dir, source });
        }

        let delay = start_delay(self.spawner.scenario.machines);
        let start_at = SystemTime::now() + delay;
        let start = Instant::now() + delay;
        let mut manifest = self.builder.start(
            self.spawner.scenario.clone(),
            crate::log_format::timestamp::format_system(start_at),
            report::machines(&self.spawner.scenario, &self.slots),
        );
        manifest::write(&manifest, &run_dir)?;
        let at_unix_us = start_at
            .duration_since(UNIX_EPOCH)
            .expect("the system clock is after 1970")
            .as_micros() as u64;
        self.start_at_unix_us = at_unix_us;
        self.started = start;
        for slot in &mut self.slots {
            if slot.apply(Input::Start).is_ok() {
                slot.child.send(ToMachine::Start { at_unix_us });
            }
        }
        self.view.note(&format!(
            "mesh connected; running, logs in {}",
            run_dir.display()
        ));

        self.tick_until(start + self.spawner.scenario.real_duration())
            .await;
        self.overdue_faults().await;
        self.view.elapsed(self.started.elapsed());
        self.stop_all().await;
        self.view.finish();

        let reason = self
            .stop
            .as_ref()
            .map_or_else(|| "completed".to_owned(), StopRequest::reason);
        let faults = std::mem::take(&mut self.fault_log);
        report::restarts(&mut manifest.machines, &self.slots);
        let mut ending = report::ending(&self.slots, reason, faults);
        // Every machine stopped in order, but the run did not run its course.
        ending.clean &= !self
            .stop
            .as_ref()
            .is_some_and(StopRequest::short_of_the_end);
        manifest::finish(&mut manifest, ending);
        manifest::write(&manifest, &run_dir)?;
        Ok(RunReport {
            run_dir,
            manifest,
            stopped_by: self.stop.as_ref().and_then(StopRequest::signal),
        })
    }

    /// Wait for every machine to listen, tell them where their peers are, wait for the mesh.
    async fn set_up(&mut self) -> Result<(), SetupError> {
        self.wait_all("listen", MachineState::Listening).await?;
        let addrs: Vec<Option<SocketAddr>> = self.slots.iter().map(|s| s.addr).collect();
        for slot in &self.slots {
            slot.child.send(ToMachine::Peers {
                addrs: addrs.clone(),
            });
        }
        self.wait_all("connect the mesh", MachineState::MeshReady)
            .await
    }

    /// Handle events until every machine is in state `done`; fail on a machine's failure or
    /// exit, a signal, or [`SETUP_TIMEOUT`].
    async fn wait_all(&mut self, what: &str, done: MachineState) -> Result<(), SetupError> {
        let mut deadline = Instant::now() + SETUP_TIMEOUT;
        let mut counted = self.suspended;
        loop {
            deadline += self.suspended - counted;
            counted = self.suspended;
            if let Some((id, why)) = (0u32..)
                .zip(&self.slots)
                .find_map(|(id, s)| Some((id, s.failed()?)))
            {
                return Err(SetupError::Machine {
                    id,
                    what: what.to_owned(),
                    why,
                });
            }
            if let Some(stop) = self.stop.as_ref().and_then(StopRequest::signal) {
                return Err(SetupError::Interrupted(stop));
            }
            if self.slots.iter().all(|s| s.state == done) {
                return Ok(());
            }
            match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(Some(event)) => self.dispatch(event),
                Ok(None) => return Err(SetupError::EventsLost),
                Err(_) => {
                    let late = (0u32..).zip(&self.slots).filter(|(_, s)| s.state != done);
                    let late: Vec<u32> = late.map(|(id, _)| id).collect();
                    return Err(SetupError::Late {
                        machines: late,
                        what: what.to_owned(),
                        timeout: SETUP_TIMEOUT,
                    });
                }
            }
        }
    }

    /// The run proper: until the deadline or a stop request, carry out the faults and keep the
    /// live view current.
    async fn tick_until(&mut self, deadline: Instant) {
        let mut redraw = tokio::time::interval(REDRAW_EVERY);
        while self.stop.is_none() {
            // Without a fault to come, the next fault "time" is the deadline itself.
            let next_fault = self
                .timeline
                .front()
                .map_or(deadline, |(at, _)| self.started + *at);
            tokio::select! {
                event = self.events.recv() => match event {
                    Some(event) => self.dispatch(event),
                    None => return,
                },
                _ = tokio::time::sleep_until(deadline) => return,
                _ = tokio::time::sleep_until(next_fault), if !self.timeline.is_empty() => {
                    let (at, action) = self.timeline.pop_front().expect("checked non-empty");
                    self.carry_out(at, action);
                }
                _ = redraw.tick() => self.view.elapsed(self.started.elapsed()),
            }
        }
    }

    /// Tell every machine to stop and wait for all to exit. A machine that does not answer
    /// within the scenario's `stop_grace_s` is killed; one that answered but has not exited
    /// [`DRAIN_GRACE`] later is killed too; a second signal kills them all at once.
    async fn stop_all(&mut self) {
        for slot in &mut self.slots {
            slot.ask_stop();
        }
        let grace = Duration::from_secs_f64(self.spawner.scenario.stop_grace_s);
        let mut deadline = Instant::now() + grace;
        let mut answered_only = true;
        let mut counted = self.suspended;
        while self.slots.iter().any(|s| s.state.live()) {
            deadline += self.suspended - counted;
            counted = self.suspended;
            let event = tokio::select! {
                event = self.events.recv() => event,
                _ = tokio::time::sleep_until(deadline) => {
                    if answered_only {
                        let why = format!("did not answer stop within {grace:?}");
                        self.kill_remaining(&why, |s| s != MachineState::Draining);
                        answered_only = false;
                    } else {
                        let why = format!("did not finish stopping within {DRAIN_GRACE:?}");
                        self.kill_remaining(&why, |_| true);
                    }
                    deadline = Instant::now() + DRAIN_GRACE;
                    continue;
                }
            };
            match event {
                Some(event) => self.dispatch(event),
                None => break,
            }
        }
        for slot in &mut self.slots {
            slot.child.close();
        }
    }

    /// Kill every machine still running whose state `which` selects.
    fn kill_remaining(&mut self, why: &str, which: fn(MachineState) -> bool) {
        for (id, slot) in (0u32..).zip(&mut self.slots) {
            if which(slot.state) && slot.kill(Killer::Supervisor) {
                self.view.warn(&format!("machine {id} {why}: killing it"));
            }
        }
    }

    fn dispatch(&mut self, event: Event) {
        match event {
            Event::Signal(Received::Suspend) => self.suspend(),
            Event::Signal(Received::Stop(signal)) => {
                let request = StopRequest::on_signal(self.stop.as_ref(), signal);
                match request {
                    StopRequest::Once(_) => self.view.note(&format!(
                        "{}: stopping every machine (again to force)",
                        signal.name()
                    )),
                    StopRequest::Twice(_) => {
                        self.kill_remaining("stop forced by a second signal", |_| true)
                    }
                }
                self.stop = Some(request);
            }
            Event::Child(id, event) => self.on_child(id, event),
        }
    }
}
