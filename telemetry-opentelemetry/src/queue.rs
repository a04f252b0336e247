//! A bounded queue in front of an exporter, drained by one worker thread.
//!
//! The emitting code only ever tries to enqueue: when the queue is full the item is
//! dropped and counted, so a slow or unreachable collector costs the emitter one failed
//! `try_send`, never a wait. The worker exports in batches, when a batch is full, when the
//! oldest queued item has waited for the configured delay, or when asked to flush.

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::drops::{DropCounter, DropReason};

/// Where the worker sends full batches: an OpenTelemetry exporter behind an adapter.
pub(crate) trait Sink: Send + 'static {
    /// What one queued item is.
    type Item: Send + 'static;
    /// Exports one batch; an `Err` means every item of the batch is lost.
    fn export(&mut self, batch: Vec<Self::Item>) -> Result<(), String>;
    /// Releases the exporter's resources once everything is exported.
    fn shutdown(&mut self);
}

/// How the worker batches.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Batching {
    pub(crate) capacity: usize,
    pub(crate) max_batch: usize,
    pub(crate) delay: Duration,
}

enum Message<T> {
    Item(T),
    Flush(SyncSender<()>),
    Shutdown(SyncSender<()>),
}

/// The emitting side of one queue.
pub(crate) struct Queue<T> {
    sender: SyncSender<Message<T>>,
    drops: Arc<DropCounter>,
    worker: std::sync::Mutex<Option<JoinHandle<()>>>,
}

impl<T> std::fmt::Debug for Queue<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Queue").field("drops", &self.drops).finish()
    }
}

impl<T: Send + 'static> Queue<T> {
    /// Starts the worker thread that drains into `sink`. `report` is called from the
    /// worker after each export round that lost items, with what was lost since the last
    /// call.
    pub(crate) fn start<S>(
        thread_name: &str,
        sink: S,
        batching: Batching,
        drops: Arc<DropCounter>,
        report: impl Fn(DropReason, u64) + Send + 'static,
    ) -> std::io::Result<Self>
    where
        S: Sink<Item = T>,
    {
        let (sender, receiver) = mpsc::sync_channel(batching.capacity.max(1));
        let worker_drops = Arc::clone(&drops);
        let worker = thread::Builder::new()
            .name(thread_name.to_owned())
            .spawn(move || {
                Worker {
                    sink,
                    batching,
                    drops: worker_drops,
                    reported: [0; DropReason::ALL.len()],
                    report: Box::new(report),
                }
                .run(&receiver);
            })?;
        Ok(Queue {
            sender,
            drops,
            worker: std::sync::Mutex::new(Some(worker)),
        })
    }

    /// Enqueues without waiting; a full or closed queue drops the item and counts it.
    #[inline]
    pub(crate) fn push(&self, item: T) {
        match self.sender.try_send(Message::Item(item)) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => self.drops.add(DropReason::QueueFull, 1),
            Err(TrySendError::Disconnected(_)) => self.drops.add(DropReason::ShutDown, 1),
        }
    }

    /// Exports everything queued before this call; waits at most `timeout`.
    pub(crate) fn flush(&self, timeout: Duration) -> bool {
        self.round_trip(Message::Flush, timeout)
    }

    /// Exports everything queued, shuts the exporter down and stops the worker; waits at
    /// most `timeout`. Items pushed afterwards are counted as dropped.
    pub(crate) fn shutdown(&self, timeout: Duration) -> bool {
        let done = self.round_trip(Message::Shutdown, timeout);
        let worker = self
            .worker
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if done && let Some(worker) = worker {
            // The worker acknowledged and is returning: joining cannot wait long.
            let _ = worker.join();
        }
        done
    }

    fn round_trip(&self, message: fn(SyncSender<()>) -> Message<T>, timeout: Duration) -> bool {
        let (ack, acked) = mpsc::sync_channel(1);
        let deadline = Instant::now() + timeout;
        let mut pending = message(ack);
        // A control message waits for room, but never past the deadline.
        loop {
            match self.sender.try_send(pending) {
                Ok(()) => break,
                Err(TrySendError::Disconnected(_)) => return false,
                Err(TrySendError::Full(back)) => {
                    if Instant::now() >= deadline {
                        return false;
                    }
                    pending = back;
                    thread::sleep(Duration::from_millis(1));
                }
            }
        }
        acked
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .is_ok()
    }
}

struct Worker<S: Sink> {
    sink: S,
    batching: Batching,
    drops: Arc<DropCounter>,
    reported: [u64; DropReason::ALL.len()],
    report: Box<dyn Fn(DropReason, u64) + Send>,
}

impl<S: Sink> Worker<S> {
    fn run(mut self, receiver: &Receiver<Message<S::Item>>) {
        let mut batch = Vec::with_capacity(self.batching.max_batch);
        let mut oldest: Option<Instant> = None;
        loop {
            let wait = oldest.map_or(self.batching.delay, |t| {
                self.batching.delay.saturating_sub(t.elapsed())
            });
            match receiver.recv_timeout(wait) {
                Ok(Message::Item(item)) => {
                    oldest.get_or_insert_with(Instant::now);
                    batch.push(item);
                    if batch.len() >= self.batching.max_batch {
                        self.export(&mut batch);
                        oldest = None;
                    }
                }
                Ok(Message::Flush(ack)) => {
                    self.export(&mut batch);
                    oldest = None;
                    let _ = ack.send(());
                }
                Ok(Message::Shutdown(ack)) => {
                    self.export(&mut batch);
                    self.sink.shutdown();
                    let _ = ack.send(());
                    return;
                }
                Err(RecvTimeoutError::Timeout) => {
                    self.export(&mut batch);
                    oldest = None;
                }
                Err(RecvTimeoutError::Disconnected) => {
                    self.export(&mut batch);
                    self.sink.shutdown();
                    return;
                }
            }
        }
    }

    fn export(&mut self, batch: &mut Vec<S::Item>) {
        if !batch.is_empty() {
            let items = std::mem::replace(batch, Vec::with_capacity(self.batching.max_batch));
            let count = items.len() as u64;
            if self.sink.export(items).is_err() {
                self.drops.add(DropReason::ExportFailed, count);
            }
        }
        self.report_new_drops();
    }

    /// Reports what was lost since the last report, one call per reason.
    fn report_new_drops(&mut self) {
        for (i, reason) in DropReason::ALL.into_iter().enumerate() {
            let total = self.drops.get(reason);
            let new = total.saturating_sub(self.reported[i]);
            if new > 0 {
                self.reported[i] = total;
                (self.report)(reason, new);
            }
        }
    }
}
