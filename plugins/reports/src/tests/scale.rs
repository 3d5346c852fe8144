//! Streaming a large scan, and what the bus is told when rendering fails.

use super::*;
use crate::error::ReportError;
use crate::synthetic::{self, SyntheticSource};
use lgp_sdk::HostError;
use lgp_sdk::handler::DeliveryError;
use std::io::{self, Write};

/// A sink that keeps nothing: counts bytes and remembers the last few, to check the document
/// was closed.
#[derive(Debug, Default)]
struct Counting {
    bytes: u64,
    tail: Vec<u8>,
}

impl Write for Counting {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.bytes += buf.len() as u64;
        self.tail.extend_from_slice(buf);
        let keep = self.tail.len().saturating_sub(16);
        self.tail.drain(..keep);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The engine keeps no per-result list by construction (the aggregates are counters sized by
/// the catalogue; only the diff's pairs grow): here 100,000 generated results stream through it
/// into sinks that keep nothing, and every format is complete.
#[test]
fn streams_100k_results_into_sinks_that_keep_nothing() {
    const RESULTS: u64 = 100_000;
    let mut sinks: Sinks<Counting> = Sinks::default();
    let rendered = render(
        &synthetic::inputs(RESULTS),
        &SyntheticSource { results: RESULTS },
        &mut sinks,
    )
    .expect("render");
    assert_eq!(rendered.results, RESULTS);
    assert_eq!(
        rendered.posture.len(),
        2,
        "the unreferenced framework is left out"
    );
    let ends = |s: &Counting, end: &str| String::from_utf8_lossy(&s.tail).ends_with(end);
    assert!(ends(&sinks.json, "\n]}\n"));
    assert!(ends(&sinks.csv, "\r\n"));
    assert!(ends(&sinks.html, "</html>\n"));
    assert!(ends(&sinks.ocsf, "\n]\n"));
    for (format, sink) in sinks.named() {
        assert!(sink.bytes > RESULTS * 50, "{format}: {} bytes", sink.bytes);
    }
}

/// A sink that fails like the host refusing a chunk.
struct Refusing(HostError);

impl Write for Refusing {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::other(self.0.clone()))
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn refused(e: HostError) -> DeliveryError {
    let mut sinks = Sinks::from_fn(|_| Refusing(e.clone()));
    let err = render(&inputs(true), &source(), &mut sinks).expect_err("the host refuses");
    assert!(matches!(err, ReportError::Store(_)), "{err}");
    err.into()
}

#[test]
fn a_report_over_the_host_cap_is_rejected_and_an_outage_retried() {
    assert!(matches!(
        refused(HostError::LimitExceeded("report bytes".into())),
        DeliveryError::Reject(_)
    ));
    assert!(matches!(
        refused(HostError::Unavailable("store down".into())),
        DeliveryError::Retry(_)
    ));
    let query: DeliveryError = ReportError::Query(HostError::LimitExceeded("page".into())).into();
    assert!(
        matches!(query, DeliveryError::Retry(_)),
        "reads keep the SDK's mapping"
    );
}
