//! Fault actions as they fall due: carried out and recorded, or recorded as not applicable with
//! why; and, at the run's end, the actions the supervisor was late to, carried out before the stop,
//! or, when the run stops early (Ctrl-C, a death under the stop policy, the log size cap), those
//! that fell due and were not carried out recorded as not done, with why.

use std::time::Duration;

use tokio::time::Instant;

use super::Supervisor;
use crate::fault::FaultAction;
use crate::manifest::{FaultOutcome, FaultRecord};
use crate::supervisor::faults::{self, Carried};
use crate::supervisor::state::MachineState;
use crate::supervisor::stop::StopRequest;

/// How long to wait before trying a restart again when the kill's exit is not reported yet.
const RETRY_RESTART: Duration = Duration::from_millis(20);
/// How long, at the end of the run, a restart still due may wait for its kill's exit.
const OVERDUE_BOUND: Duration = Duration::from_secs(5);

impl Supervisor {
    /// Carry out one fault action, due `at` after the start, and record it.
    pub(super) fn carry_out(&mut self, at: Duration, action: FaultAction) {
        let retry = action.clone();
        if let FaultAction::Restart(id) = action {
            self.restarts_waiting.retain(|&w| w != id);
        }
        match faults::carry_out(&mut self.slots, &self.spawner, action) {
            Carried::Done(record) => {
                let model_s = at.as_secs_f64() * self.spawner.scenario.speedup;
                self.view.fault(model_s, &retry, &record.detail);
                self.fault_log.push(record);
            }
            Carried::NotApplicable(record) => self.not_applicable(at, record),
            Carried::RetryLater => {
                if let FaultAction::Restart(id) = retry {
                    self.restarts_waiting.push(id);
                }
                let again = Instant::now().saturating_duration_since(self.started) + RETRY_RESTART;
                faults::schedule(&mut self.timeline, again, retry);
            }
            Carried::Failed(why) => self.view.warn(&why),
        }
    }

    /// Record a fault action, due `at` after the start, that did not apply; say so and why.
    fn not_applicable(&mut self, at: Duration, record: FaultRecord) {
        let model_s = at.as_secs_f64() * self.spawner.scenario.speedup;
        if let FaultOutcome::NotApplicable(why) = &record.outcome {
            self.view.note(&format!(
                "fault at {model_s:.1} s model: {}: not applicable, {why}",
                record.detail
            ));
        }
        self.fault_log.push(record);
    }

    /// The run reached its end with fault actions still to carry out (all are due before the
    /// end: the supervisor was late to them, or a restart waited for its kill's exit): carry
    /// out each now, a restart once its kill's exit is reported, or record why not.
    pub(super) async fn overdue_faults(&mut self) {
        let bound = Instant::now() + OVERDUE_BOUND;
        while self.stop.is_none() {
            let Some((at, action)) = self.timeline.pop_front() else {
                return;
            };
            if let FaultAction::Restart(id) = action {
                let killing =
                    |s: &Self| matches!(s.slots[id as usize].state, MachineState::Killing(_));
                while killing(self) && self.stop.is_none() {
                    match tokio::time::timeout_at(bound, self.events.recv()).await {
                        Ok(Some(event)) => self.dispatch(event),
                        Ok(None) | Err(_) => break,
                    }
                }
                if killing(self) {
                    let why = format!("the run ended before machine {id}'s kill was reported");
                    if let Carried::NotApplicable(record) = faults::not_applicable(&action, why) {
                        self.not_applicable(at, record);
                    }
                    continue;
                }
            }
            self.carry_out(at, action);
        }
        self.cut_off_faults();
    }

    /// The run stops early: record each action that fell due and was not carried out (the
    /// supervisor was late to it, or a restart waited for its kill's exit) as not done, with
    /// why. Those not due yet never fell due, and are left out as in the twin.
    fn cut_off_faults(&mut self) {
        let Some(reason) = self.stop.as_ref().map(StopRequest::reason) else {
            return;
        };
        let now = Instant::now().saturating_duration_since(self.started);
        for (at, action) in std::mem::take(&mut self.timeline) {
            let waiting = match action {
                FaultAction::Restart(id) => self.restarts_waiting.contains(&id),
                _ => false,
            };
            if at > now && !waiting {
                continue;
            }
            let why = match action {
                FaultAction::Restart(id) if waiting => {
                    format!("the run ended before machine {id}'s kill was reported ({reason})")
                }
                _ => format!("the run ended before it was carried out ({reason})"),
            };
            if let Carried::NotApplicable(record) = faults::not_applicable(&action, why) {
                self.not_applicable(at, record);
            }
        }
        self.restarts_waiting.clear();
    }
}
