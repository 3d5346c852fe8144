//! Acknowledgements coalesced: acks that arrive together (a consumer settling a batch, many
//! consumers at once) go out as one XACK per stream and group with every id, in one round trip.
//! Each `ack` still returns only once Redis has recorded it.

use crate::with_retry;
use lgp_bus::BusError;
use redis::aio::ConnectionManager;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// Ids per flush: one XACK of a thousand ids is still a small request, and the reply of the
/// flush releases that many waiting consumers at once.
const MAX_FLUSH: usize = 1_000;

struct Request {
    stream: Arc<str>,
    group: Arc<str>,
    id: String,
    done: oneshot::Sender<Result<(), BusError>>,
}

/// The sending side; the flushing task ends when every clone is dropped.
#[derive(Clone)]
pub(crate) struct Acks {
    tx: mpsc::UnboundedSender<Request>,
}

impl Acks {
    /// Starts the flushing task on the current runtime.
    pub(crate) fn start(conn: ConnectionManager, deadline: Duration) -> Result<Self, BusError> {
        let handle = tokio::runtime::Handle::try_current().map_err(|e| BusError::Backend {
            operation: "starting the bus",
            message: format!("the redis bus needs a Tokio runtime: {e}"),
        })?;
        let (tx, rx) = mpsc::unbounded_channel();
        handle.spawn(flush(rx, conn, deadline));
        Ok(Acks { tx })
    }

    /// Acknowledges entry `id` of `stream` for `group`, once Redis has it.
    pub(crate) async fn ack(
        &self,
        stream: Arc<str>,
        group: Arc<str>,
        id: String,
    ) -> Result<(), BusError> {
        let (done, wait) = oneshot::channel();
        let request = Request {
            stream,
            group,
            id,
            done,
        };
        self.tx.send(request).map_err(|_| BusError::Closed)?;
        wait.await.map_err(|_| BusError::Closed)?
    }
}

async fn flush(
    mut rx: mpsc::UnboundedReceiver<Request>,
    conn: ConnectionManager,
    deadline: Duration,
) {
    let mut batch = Vec::with_capacity(MAX_FLUSH);
    while rx.recv_many(&mut batch, MAX_FLUSH).await > 0 {
        let mut by_key: HashMap<(&str, &str), Vec<&str>> = HashMap::new();
        for r in &batch {
            by_key.entry((&r.stream, &r.group)).or_default().push(&r.id);
        }
        let mut pipe = redis::pipe();
        for ((stream, group), ids) in &by_key {
            pipe.cmd("XACK").arg(*stream).arg(*group).arg(ids).ignore();
        }
        let pipe = &pipe;
        // XACK is idempotent, so a flush cut off by a dropped connection is simply sent again.
        let result = with_retry("acknowledging events", deadline, || {
            let mut conn = conn.clone();
            async move { pipe.query_async::<()>(&mut conn).await }
        })
        .await;
        drop(by_key);
        let failure = result.err().map(|err| match err {
            BusError::Backend { message, .. } => message,
            other => other.to_string(),
        });
        for r in batch.drain(..) {
            let outcome = match &failure {
                None => Ok(()),
                Some(message) => Err(BusError::Backend {
                    operation: "acknowledging events",
                    message: message.clone(),
                }),
            };
            // The consumer may have stopped waiting; the ack stands regardless.
            let _ = r.done.send(outcome);
        }
    }
}
