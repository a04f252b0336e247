//! Reporting every few seconds, on a thread of its own that stops when told to.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::console::ConsoleReporter;
use crate::report::Report;

/// A running periodic report; dropping it (or [`stop`](Self::stop)) stops it.
#[must_use = "dropping a Periodic stops it"]
#[derive(Debug)]
pub struct Periodic {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Periodic {
    /// Stops reporting and waits for the thread to end.
    pub fn stop(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        self.stop.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Periodic {
    fn drop(&mut self) {
        self.stop_now();
    }
}

impl ConsoleReporter {
    /// Hands a [`Report`] to `sink` every `period`, until the returned [`Periodic`] is
    /// stopped or dropped.
    pub fn report_every(
        &self,
        period: Duration,
        mut sink: impl FnMut(Report) + Send + 'static,
    ) -> std::io::Result<Periodic> {
        let (stop, stopped) = mpsc::channel::<()>();
        let reporter = self.clone();
        let thread = std::thread::Builder::new()
            .name("console-report".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(period) {
                    sink(reporter.report());
                }
            })?;
        Ok(Periodic {
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Prints the report to standard output every `period`.
    pub fn print_every(&self, period: Duration) -> std::io::Result<Periodic> {
        self.report_every(period, |report| println!("{report}"))
    }
}
