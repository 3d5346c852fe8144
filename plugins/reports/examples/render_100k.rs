//! Renders a generated scan into all four formats natively and prints the time, the bytes per
//! format and the process's peak memory.
//!
//! ```text
//! cargo run --release -p lgp-plugin-reports --example render_100k [-- --results N] [--out DIR]
//! ```
//!
//! With `--out DIR` the reports are written there as `scan-<id>.<format>` (to open the HTML or
//! validate the OCSF); otherwise they are only counted. The time includes generating the results
//! (as the host would page them), which is also timed alone.

use lgp_plugin_reports::engine::{Sinks, render};
use lgp_plugin_reports::source::ResultSource;
use lgp_plugin_reports::synthetic::{self, SCAN_ID, SyntheticSource};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

/// Counts what is written, and writes it on when given a file.
struct Sink {
    bytes: u64,
    file: Option<BufWriter<File>>,
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.bytes += buf.len() as u64;
        if let Some(f) = &mut self.file {
            f.write_all(buf)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().map_or(Ok(()), Write::flush)
    }
}

/// Peak resident memory of this process, from /proc (Linux).
fn peak_rss() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.trim_start_matches("VmHWM:").trim().to_owned())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut results: u64 = 100_000;
    let mut out: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--results" => results = args.next().ok_or("--results needs N")?.parse()?,
            "--out" => out = Some(args.next().ok_or("--out needs DIR")?.into()),
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }
    if let Some(dir) = &out {
        std::fs::create_dir_all(dir)?;
    }
    let inputs = synthetic::inputs(results);
    let source = SyntheticSource { results };

    let started = Instant::now();
    let mut generated = 0u64;
    source.for_each(SCAN_ID, &mut |_| {
        generated += 1;
        Ok(())
    })?;
    let generation = started.elapsed();

    let sink = |format: &str| -> io::Result<Sink> {
        let file = match &out {
            Some(dir) => Some(BufWriter::new(File::create(
                dir.join(format!("scan-{SCAN_ID}.{format}")),
            )?)),
            None => None,
        };
        Ok(Sink { bytes: 0, file })
    };
    let mut sinks = Sinks {
        json: sink("json")?,
        csv: sink("csv")?,
        html: sink("html")?,
        ocsf: sink("ocsf")?,
    };
    let started = Instant::now();
    let rendered = render(&inputs, &source, &mut sinks)?;
    let rendering = started.elapsed();

    println!(
        "{} results: generating them once took {:.0} ms; rendering all four formats (two passes \
         over them plus the previous scan's) took {:.0} ms",
        rendered.results,
        generation.as_secs_f64() * 1e3,
        rendering.as_secs_f64() * 1e3
    );
    for (format, mut sink) in sinks.named() {
        sink.flush()?;
        println!(
            "  {format:<5} {:>12} bytes  {:>7.1} bytes/result",
            sink.bytes,
            sink.bytes as f64 / results.max(1) as f64
        );
    }
    println!(
        "peak resident memory: {}",
        peak_rss().unwrap_or_else(|| "unknown".into())
    );
    Ok(())
}
