//! What the supervisor holds for one machine: its current process, that process's state, and
//! what the manifest needs of it; and the spawner that starts a machine's process.

use std::net::SocketAddr;
use std::path::PathBuf;

use nix::sys::signal::Signal;
use tokio::sync::mpsc;

use super::child::{Child, ChildEvent};
use super::signal;
use super::state::{Illegal, Input, Killer, MachineState};
use crate::control::{MachineConfig, ToMachine};
use crate::model::machine::StopReport;
use crate::run::RunError;
use crate::scenario::Scenario;

/// One model machine: its current process and what is known of it.
#[derive(Debug)]
pub(crate) struct Slot {
    pub child: Child,
    pub rate: u32,
    pub state: MachineState,
    pub addr: Option<SocketAddr>,
    /// Its final figures, when it reported them.
    pub report: Option<StopReport>,
    /// What it said when it failed, if it did.
    pub failure: Option<String>,
    /// 0 for the first process, 1 and up after restarts.
    pub incarnation: u32,
    /// Processes of this machine before the current one (restarts), for the manifest.
    pub earlier: Vec<(u32, Option<SocketAddr>)>,
    /// A `pause` fell due while this restarted process was rejoining: it is paused as it starts.
    pub pause_pending: bool,
}

impl Slot {
    /// A just-spawned process of a machine.
    pub(crate) fn new(child: Child, rate: u32) -> Slot {
        Slot {
            child,
            rate,
            state: MachineState::Spawned,
            addr: None,
            report: None,
            failure: None,
            incarnation: 0,
            earlier: Vec::new(),
            pause_pending: false,
        }
    }

    /// Apply `input` to the state; an illegal input leaves it unchanged.
    pub(crate) fn apply(&mut self, input: Input) -> Result<MachineState, Illegal> {
        self.state = self.state.on(input)?;
        Ok(self.state)
    }

    /// Stopped on request and exited 0, or killed on purpose by a fault.
    pub(crate) fn clean(&self) -> bool {
        self.state.clean(self.report.is_some())
    }

    /// Why the process failed, if it did: what it said, or how it ended.
    pub(crate) fn failed(&self) -> Option<String> {
        match (&self.failure, self.state.end()) {
            (Some(failure), _) => Some(failure.clone()),
            (None, end) => end.map(|end| end.to_string()),
        }
    }

    /// A restarted process that is not back in the mesh yet.
    pub(crate) fn rejoining(&self) -> bool {
        self.incarnation > 0
            && matches!(
                self.state,
                MachineState::Spawned | MachineState::Listening | MachineState::MeshReady
            )
    }

    /// Live and in the mesh: peers may dial it.
    pub(crate) fn in_mesh(&self) -> bool {
        self.state.live() && !self.rejoining()
    }

    /// SIGKILL the process; false if it is already gone or being killed.
    pub(crate) fn kill(&mut self, by: Killer) -> bool {
        if self.apply(Input::Kill(by)).is_err() {
            return false;
        }
        self.child.kill();
        true
    }

    /// SIGSTOP a running process; false if it is not running. A restarted process still
    /// rejoining is running by the model (its schedule goes on, as in the twin) but not ticking
    /// yet: it is paused as it starts ([`Slot::started`]).
    pub(crate) fn pause(&mut self) -> bool {
        if self.rejoining() {
            self.pause_pending = true;
            return true;
        }
        if self.state != MachineState::Running || !signal::send(self.child.pid, Signal::SIGSTOP) {
            return false;
        }
        self.apply(Input::Pause).is_ok()
    }

    /// The process was told to start ticking: carry out a pause that fell due meanwhile.
    pub(crate) fn started(&mut self) {
        if std::mem::take(&mut self.pause_pending) {
            self.pause();
        }
    }

    /// SIGCONT a paused process; false if it was not paused. A pause still pending (the
    /// process never started ticking) is called off.
    pub(crate) fn resume(&mut self) -> bool {
        if std::mem::take(&mut self.pause_pending) {
            return true;
        }
        if self.apply(Input::Resume).is_err() {
            return false;
        }
        signal::send(self.child.pid, Signal::SIGCONT)
    }

    /// Tell the process to stop, resuming it first if a fault paused it.
    pub(crate) fn ask_stop(&mut self) {
        self.resume();
        if self.apply(Input::AskStop).is_ok() {
            self.child.send(ToMachine::Stop);
        }
    }
}

/// Starts machine processes of one run, the first ones and restarts alike.
#[derive(Debug)]
pub(crate) struct Spawner<E> {
    pub scenario: Scenario,
    pub run_dir: PathBuf,
    /// Proves a connection belongs to this run; only the supervisor and its machines know it.
    pub secret: u128,
    pub events: mpsc::UnboundedSender<E>,
    pub wrap: fn(u32, ChildEvent) -> E,
    /// Each machine's share of `--max-log-size`, in bytes.
    pub log_share: Option<u64>,
}

impl<E: Send + 'static> Spawner<E> {
    /// Start a process for machine `id` and queue its configuration.
    pub(crate) fn spawn(&self, id: u32, rate: u32, incarnation: u32) -> std::io::Result<Child> {
        let child = Child::spawn(id, &self.run_dir, self.events.clone(), self.wrap)?;
        let config = MachineConfig {
            id,
            machines: self.scenario.machines,
            rate,
            interval_ns: self.scenario.tick_interval(rate).as_nanos() as u64,
            run_ns: self.scenario.real_duration().as_nanos() as u64,
            seed: self.scenario.seed,
            die: self.scenario.die,
            listen: SocketAddr::new(self.scenario.host, self.scenario.ports[id as usize]),
            secret: self.secret,
            run_dir: self.run_dir.clone(),
            incarnation,
            log_share: self.log_share,
            physical_clock: self.scenario.physical_clock.clone(),
        };
        child.send(ToMachine::Config(config));
        Ok(child)
    }
}

/// Check that every port the scenario fixes can be bound, before anything starts.
pub(crate) fn check_ports(scenario: &Scenario) -> Result<(), RunError> {
    for (id, &port) in (0u32..).zip(&scenario.ports) {
        if port != 0 {
            let addr = SocketAddr::new(scenario.host, port);
            std::net::TcpListener::bind(addr).map_err(|source| RunError::PortTaken {
                id,
                addr,
                source,
            })?;
        }
    }
    Ok(())
}
