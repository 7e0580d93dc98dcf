//! The supervisor's actor loop: it owns the machine processes and reacts to one event at a time
//! (a machine's message or exit, a signal, a deadline) through set-up, the run, and the stop.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitStatus;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::mpsc;
use tokio::time::Instant;

use super::child::{describe, Child, ChildEvent};
use super::display::LiveView;
use super::error::SupervisorError;
use super::report::{RunOptions, RunReport};
use super::run_dir;
use super::signal::{self, Stop};
use crate::control::{FromMachine, MachineConfig, StopReport, ToMachine};
use crate::fault::{self, Action};
use crate::manifest::{FaultRecord, Restart};
use crate::scenario::{ExitPolicy, Scenario};

/// How long the machines have to listen, and then to connect the mesh.
const SETUP_TIMEOUT: Duration = Duration::from_secs(15);
/// Delay between telling the machines to start and their first tick, so all start together.
const START_DELAY: Duration = Duration::from_millis(200);
/// How long a machine that answered `stop` may take to drain and exit (its own drain bound,
/// 5 s, plus a margin) before it is killed.
const DRAIN_GRACE: Duration = Duration::from_secs(8);
/// How long to wait before trying a restart again when the kill's exit is not reported yet.
pub(super) const RETRY_RESTART: Duration = Duration::from_millis(20);
/// How often the elapsed-time line is redrawn.
const REDRAW_EVERY: Duration = Duration::from_millis(100);

/// Run `scenario`: spawn the machines, connect them, let them tick, stop them, report.
pub async fn run(scenario: Scenario, options: RunOptions) -> Result<RunReport, SupervisorError> {
    let run_dir = options.out.clone().unwrap_or_else(|| {
        run_dir::default_path(&options.runs_root, &scenario.name, scenario.seed)
    });
    check_ports(&scenario)?;
    run_dir::create(&run_dir)?;

    let (events_tx, events) = mpsc::unbounded_channel();
    signal::listen(events_tx.clone(), Event::Signal).map_err(SupervisorError::Signals)?;

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
    let mut actor = Supervisor {
        scenario,
        run_dir,
        view,
        slots: Vec::with_capacity(rates.len()),
        events,
        events_tx,
        secret: rand::random(),
        start_at_unix_us: 0,
        started: Instant::now(),
        stopped_by: None,
        forced: false,
        stop_early: None,
        timeline: timeline.into(),
        fault_log: Vec::new(),
    };
    for (id, &rate) in (0u32..).zip(&rates) {
        match actor.spawn_machine(id, rate, 0).await {
            Ok(child) => actor.slots.push(Slot::new(child, rate)),
            Err(source) => {
                // Those already started stop cleanly.
                actor.stop_all().await;
                actor.view.finish();
                return Err(SupervisorError::Spawn { id, source });
            }
        }
    }
    actor.run().await
}

/// Check that every port the scenario fixes can be bound, before anything starts.
fn check_ports(scenario: &Scenario) -> Result<(), SupervisorError> {
    for (id, &port) in (0u32..).zip(&scenario.ports) {
        if port != 0 {
            let addr = SocketAddr::new(scenario.host, port);
            std::net::TcpListener::bind(addr).map_err(|source| SupervisorError::PortTaken {
                id,
                addr,
                source,
            })?;
        }
    }
    Ok(())
}

/// The supervisor's event queue carries these.
#[derive(Debug)]
pub(super) enum Event {
    Child(u32, ChildEvent),
    Signal(Stop),
}

/// What the supervisor knows about one machine.
#[derive(Debug)]
pub(super) struct Slot {
    pub(super) child: Child,
    pub(super) rate: u32,
    pub(super) addr: Option<SocketAddr>,
    pub(super) mesh_ready: bool,
    pub(super) report: Option<StopReport>,
    pub(super) failure: Option<String>,
    pub(super) exit: Option<ExitStatus>,
    /// Killed by the supervisor because it did not stop in time.
    pub(super) killed: bool,
    /// Killed on purpose by a `kill` fault.
    pub(super) fault_killed: bool,
    /// Stopped by a `pause` fault (SIGSTOP) and not yet resumed.
    pub(super) paused: bool,
    /// Answered `stop`: it is draining.
    pub(super) stopping: bool,
    /// 0 for the first process, 1 and up after restarts.
    pub(super) incarnation: u32,
    /// Restarted and not yet back in the mesh.
    pub(super) rejoining: bool,
    /// Processes of this machine before the current one (restarts), for the manifest.
    pub(super) earlier: Vec<(u32, Option<SocketAddr>)>,
}

impl Slot {
    pub(super) fn new(child: Child, rate: u32) -> Slot {
        Slot {
            child,
            rate,
            addr: None,
            mesh_ready: false,
            report: None,
            failure: None,
            exit: None,
            killed: false,
            fault_killed: false,
            paused: false,
            stopping: false,
            incarnation: 0,
            rejoining: false,
            earlier: Vec::new(),
        }
    }

    /// Stopped on request and exited 0, or was killed on purpose by a fault.
    pub(super) fn clean(&self) -> bool {
        self.fault_killed
            || (!self.killed && self.report.is_some() && self.exit.is_some_and(|s| s.success()))
    }
}

pub(super) struct Supervisor {
    pub(super) scenario: Scenario,
    pub(super) run_dir: PathBuf,
    pub(super) view: LiveView,
    pub(super) slots: Vec<Slot>,
    pub(super) events: mpsc::UnboundedReceiver<Event>,
    /// For machines started later (restarts).
    pub(super) events_tx: mpsc::UnboundedSender<Event>,
    /// Proves a connection belongs to this run; only the supervisor and its machines know it.
    pub(super) secret: u128,
    /// When the tick loops started (system time, µs since the epoch); a restart joins it.
    pub(super) start_at_unix_us: u64,
    /// The same instant on the monotonic clock; fault times count from it.
    pub(super) started: Instant,
    pub(super) stopped_by: Option<Stop>,
    pub(super) forced: bool,
    /// A machine died and the scenario says to stop the run then.
    pub(super) stop_early: Option<String>,
    /// The faults' actions still to come, in time order, at real offsets from the start.
    pub(super) timeline: std::collections::VecDeque<(Duration, Action)>,
    /// What the faults did, for the manifest.
    pub(super) fault_log: Vec<FaultRecord>,
}

impl Supervisor {
    /// Start a process for machine `id` and send it its configuration.
    pub(super) async fn spawn_machine(
        &self,
        id: u32,
        rate: u32,
        incarnation: u32,
    ) -> std::io::Result<Child> {
        let mut child = Child::spawn(id, &self.run_dir, self.events_tx.clone(), Event::Child)?;
        let config = MachineConfig {
            id,
            machines: self.scenario.machines,
            rate,
            interval_ns: self.scenario.tick_interval(rate).as_nanos() as u64,
            seed: self.scenario.seed,
            die: self.scenario.die,
            listen: SocketAddr::new(self.scenario.host, self.scenario.ports[id as usize]),
            secret: self.secret,
            run_dir: self.run_dir.clone(),
            incarnation,
        };
        child.send(&ToMachine::Config(config)).await;
        Ok(child)
    }

    async fn run(&mut self) -> Result<RunReport, SupervisorError> {
        if let Err(message) = self.set_up().await {
            self.stop_all().await;
            self.view.finish();
            if let Some(stop) = self.stopped_by {
                return Err(SupervisorError::Interrupted(stop));
            }
            return Err(SupervisorError::Setup {
                run_dir: self.run_dir.clone(),
                message,
            });
        }

        let start_at = SystemTime::now() + START_DELAY;
        let start = Instant::now() + START_DELAY;
        let mut manifest = self.manifest(start_at);
        self.write_manifest(&manifest)?;
        let at_unix_us = start_at
            .duration_since(UNIX_EPOCH)
            .expect("the system clock is after 1970")
            .as_micros() as u64;
        self.start_at_unix_us = at_unix_us;
        self.started = start;
        for slot in &mut self.slots {
            slot.child.send(&ToMachine::Start { at_unix_us }).await;
        }
        self.view.note(&format!(
            "mesh connected; running, logs in {}",
            self.run_dir.display()
        ));

        self.tick_until(start + self.scenario.real_duration(), start)
            .await;
        self.stop_all().await;
        self.view.finish();

        let reason = match (self.stopped_by, &self.stop_early) {
            (Some(stop), _) => format!("interrupted by {}", stop.name()),
            (None, Some(why)) => why.clone(),
            (None, None) => "completed".to_owned(),
        };
        // The manifest names each machine's first process; later ones are its restarts.
        for (entry, slot) in manifest.machines.iter_mut().zip(&self.slots) {
            if slot.earlier.is_empty() {
                continue;
            }
            let later = slot.earlier[1..].iter().copied();
            entry.restarts = later
                .chain([(slot.child.pid, slot.addr)])
                .map(|(pid, addr)| Restart { pid, addr })
                .collect();
        }
        manifest.outcome = Some(self.outcome(reason));
        self.write_manifest(&manifest)?;
        Ok(RunReport {
            run_dir: self.run_dir.clone(),
            manifest,
            stopped_by: self.stopped_by,
        })
    }

    /// Wait for every machine to listen, tell them where their peers are, wait for the mesh.
    async fn set_up(&mut self) -> Result<(), String> {
        self.wait_all("listen", |s| s.addr.is_some()).await?;
        let addrs: Vec<Option<SocketAddr>> = self.slots.iter().map(|s| s.addr).collect();
        for slot in &mut self.slots {
            slot.child
                .send(&ToMachine::Peers {
                    addrs: addrs.clone(),
                })
                .await;
        }
        self.wait_all("connect the mesh", |s| s.mesh_ready).await
    }

    /// Handle events until `done` holds for every machine; fail on a machine's failure or exit,
    /// a signal, or [`SETUP_TIMEOUT`].
    async fn wait_all(&mut self, what: &str, done: fn(&Slot) -> bool) -> Result<(), String> {
        let deadline = Instant::now() + SETUP_TIMEOUT;
        loop {
            if let Some((id, slot)) = (0..)
                .zip(&self.slots)
                .find(|(_, s)| s.failure.is_some() || s.exit.is_some())
            {
                let why = match (&slot.failure, &slot.exit) {
                    (Some(failure), _) => failure.clone(),
                    (None, Some(status)) => describe(status),
                    (None, None) => unreachable!("found by failure or exit"),
                };
                return Err(format!("machine {id} failed to {what}: {why}"));
            }
            if let Some(stop) = self.stopped_by {
                return Err(format!("interrupted by {} during set-up", stop.name()));
            }
            if self.slots.iter().all(done) {
                return Ok(());
            }
            let event = tokio::select! {
                event = self.events.recv() => event,
                _ = tokio::time::sleep_until(deadline) => {
                    let late: Vec<u32> = (0..).zip(&self.slots).filter(|(_, s)| !done(s)).map(|(id, _)| id).collect();
                    return Err(format!("machines {late:?} did not {what} within {SETUP_TIMEOUT:?}"));
                }
            };
            match event {
                Some(event) => self.dispatch(event).await,
                None => return Err("lost every machine's events".into()),
            }
        }
    }

    /// The run proper: until the deadline, a signal, or a machine's death under the `stop`
    /// policy, carry out the faults and keep the live view current.
    async fn tick_until(&mut self, deadline: Instant, start: Instant) {
        let mut redraw = tokio::time::interval(REDRAW_EVERY);
        while self.stopped_by.is_none() && self.stop_early.is_none() {
            // Without a fault to come, the next fault "time" is the deadline itself.
            let next_fault = self
                .timeline
                .front()
                .map_or(deadline, |(at, _)| start + *at);
            tokio::select! {
                event = self.events.recv() => match event {
                    Some(event) => self.dispatch(event).await,
                    None => return,
                },
                _ = tokio::time::sleep_until(deadline) => return,
                _ = tokio::time::sleep_until(next_fault), if !self.timeline.is_empty() => {
                    let (_, action) = self.timeline.pop_front().expect("checked non-empty");
                    self.carry_out(action).await;
                }
                _ = redraw.tick() => self.view.elapsed(Instant::now().saturating_duration_since(start)),
            }
        }
    }

    /// Tell every machine to stop and wait for all to exit. A machine that does not answer
    /// within the scenario's `stop_grace_s` is killed; one that answered but has not exited
    /// [`DRAIN_GRACE`] later is killed too; a second signal kills them all at once.
    async fn stop_all(&mut self) {
        for id in 0..self.slots.len() as u32 {
            self.resume(id);
        }
        for slot in &mut self.slots {
            slot.child.send(&ToMachine::Stop).await;
        }
        let grace = Duration::from_secs_f64(self.scenario.stop_grace_s);
        let mut deadline = Instant::now() + grace;
        let mut answered_only = true;
        while self.slots.iter().any(|s| s.exit.is_none()) {
            let event = tokio::select! {
                event = self.events.recv() => event,
                _ = tokio::time::sleep_until(deadline) => {
                    if answered_only {
                        self.kill_remaining(&format!("did not answer stop within {grace:?}"), |s| !s.stopping);
                        answered_only = false;
                        deadline = Instant::now() + DRAIN_GRACE;
                    } else {
                        self.kill_remaining(&format!("did not finish stopping within {DRAIN_GRACE:?}"), |_| true);
                        deadline = Instant::now() + DRAIN_GRACE;
                    }
                    continue;
                }
            };
            match event {
                Some(event) => self.dispatch(event).await,
                None => break,
            }
            if self.forced {
                self.kill_remaining("stop forced by a second signal", |_| true);
                self.forced = false;
            }
        }
        for slot in &mut self.slots {
            slot.child.close();
        }
    }

    /// Kill every machine still running that `which` selects.
    fn kill_remaining(&mut self, why: &str, which: fn(&Slot) -> bool) {
        for (id, slot) in (0u32..).zip(&mut self.slots) {
            if slot.exit.is_none() && !slot.killed && which(slot) {
                self.view.warn(&format!("machine {id} {why}: killing it"));
                slot.killed = true;
                slot.child.kill();
            }
        }
    }

    async fn dispatch(&mut self, event: Event) {
        match event {
            Event::Signal(stop) => {
                if self.stopped_by.is_none() {
                    self.stopped_by = Some(stop);
                    self.view.note(&format!(
                        "{}: stopping every machine (again to force)",
                        stop.name()
                    ));
                } else {
                    self.forced = true;
                }
            }
            Event::Child(id, event) => {
                let Some(slot) = self.slots.get_mut(id as usize) else {
                    return;
                };
                match event {
                    ChildEvent::Message(FromMachine::Listening { addr }) => {
                        slot.addr = Some(addr);
                        if slot.rejoining {
                            self.rejoin_listening(id, addr).await;
                        }
                    }
                    ChildEvent::Message(FromMachine::MeshReady) => {
                        slot.mesh_ready = true;
                        if slot.rejoining {
                            slot.rejoining = false;
                            let at_unix_us = self.start_at_unix_us;
                            slot.child.send(&ToMachine::Start { at_unix_us }).await;
                            self.view.note(&format!("machine {id} rejoined the mesh"));
                        }
                    }
                    ChildEvent::Message(FromMachine::Stopping) => slot.stopping = true,
                    ChildEvent::Message(FromMachine::Status {
                        tick,
                        lamport,
                        queue,
                    }) => self.view.machine(id, tick, lamport, queue),
                    ChildEvent::Message(FromMachine::Stopped(report)) => {
                        self.view.machine_ended(
                            id,
                            &format!(
                                "stopped: {} ticks, lamport {}, {} left in queue",
                                report.ticks, report.lamport, report.queue
                            ),
                        );
                        slot.report = Some(report);
                    }
                    ChildEvent::Message(FromMachine::Failed { message }) => {
                        self.view.note(&format!("machine {id} failed: {message}"));
                        slot.failure = Some(message);
                    }
                    ChildEvent::BadOutput(text) => {
                        self.view
                            .note(&format!("machine {id} sent a bad control line: {text}"));
                    }
                    ChildEvent::Exited(status) => {
                        slot.exit = Some(status);
                        if slot.fault_killed {
                            self.view.machine_ended(id, "killed by a fault");
                        } else if slot.report.is_none() && !slot.killed {
                            let why = format!(
                                "machine {id} (pid {}) died before it was told to stop: {}",
                                slot.child.pid,
                                describe(&status)
                            );
                            self.view.warn(&why);
                            self.view
                                .machine_ended(id, &format!("died: {}", describe(&status)));
                            // The others stop writing to it at once (and log what they drop).
                            let detail = format!("machine {id} died: {}", describe(&status));
                            for (peer, other) in (0u32..).zip(&mut self.slots) {
                                if peer != id && other.exit.is_none() {
                                    other
                                        .child
                                        .send(&ToMachine::Fault {
                                            kind: "died".into(),
                                            peer: Some(id),
                                            detail: detail.clone(),
                                            link: None,
                                        })
                                        .await;
                                }
                            }
                            if self.scenario.on_machine_exit == ExitPolicy::Stop
                                && self.stop_early.is_none()
                            {
                                self.stop_early = Some(format!("stopped early: {why}"));
                            }
                        }
                    }
                }
            }
        }
    }
}
