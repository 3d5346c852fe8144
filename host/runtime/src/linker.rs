//! One linker per world. A world's linker holds only the imports that world may use, so a rule
//! cannot even link against `aws`, `state` or `query`; WASI is linked inert.

use crate::host::HostState;
use lgp_model::PluginKind;
use wasmtime::Engine;
use wasmtime::component::{HasData, HasSelf, Linker, ResourceTable};
use wasmtime_wasi::WasiView;
use wasmtime_wasi::cli::{WasiCli, WasiCliView};
use wasmtime_wasi::p2::bindings::{cli, io, random};
use wasmtime_wasi::random::WasiRandom;

/// `wasi:io` is implemented on the resource table itself.
struct HasTable;

impl HasData for HasTable {
    type Data<'a> = &'a mut ResourceTable;
}

/// The WASI rustc's std imports even when unused: streams, the cli environment (empty), stdio
/// (empty stdin, discarded stdout, captured stderr) and random numbers. No clocks, no
/// filesystem, no sockets.
fn add_inert_wasi(l: &mut Linker<HostState>) -> wasmtime::Result<()> {
    io::error::add_to_linker::<HostState, HasTable>(l, |t| t.ctx().table)?;
    io::poll::add_to_linker::<HostState, HasTable>(l, |t| t.ctx().table)?;
    io::streams::add_to_linker::<HostState, HasTable>(l, |t| t.ctx().table)?;
    cli::exit::add_to_linker::<HostState, WasiCli>(l, HostState::cli)?;
    cli::environment::add_to_linker::<HostState, WasiCli>(l, HostState::cli)?;
    cli::stdin::add_to_linker::<HostState, WasiCli>(l, HostState::cli)?;
    cli::stdout::add_to_linker::<HostState, WasiCli>(l, HostState::cli)?;
    cli::stderr::add_to_linker::<HostState, WasiCli>(l, HostState::cli)?;
    cli::terminal_input::add_to_linker::<HostState, WasiCli>(l, HostState::cli)?;
    cli::terminal_output::add_to_linker::<HostState, WasiCli>(l, HostState::cli)?;
    cli::terminal_stdin::add_to_linker::<HostState, WasiCli>(l, HostState::cli)?;
    cli::terminal_stdout::add_to_linker::<HostState, WasiCli>(l, HostState::cli)?;
    cli::terminal_stderr::add_to_linker::<HostState, WasiCli>(l, HostState::cli)?;
    random::random::add_to_linker::<HostState, WasiRandom>(l, |t| t.ctx().ctx.random())?;
    random::insecure::add_to_linker::<HostState, WasiRandom>(l, |t| t.ctx().ctx.random())?;
    random::insecure_seed::add_to_linker::<HostState, WasiRandom>(l, |t| t.ctx().ctx.random())?;
    Ok(())
}

/// The three worlds' linkers.
pub(crate) struct Linkers {
    rule: Linker<HostState>,
    collector: Linker<HostState>,
    handler: Linker<HostState>,
}

impl Linkers {
    pub(crate) fn new(engine: &Engine) -> wasmtime::Result<Self> {
        let mut rule = Linker::new(engine);
        add_inert_wasi(&mut rule)?;
        lgp_world::rule::Rule::add_to_linker::<_, HasSelf<_>>(&mut rule, |s| s)?;

        let mut collector = Linker::new(engine);
        add_inert_wasi(&mut collector)?;
        lgp_world::collector::Collector::add_to_linker::<_, HasSelf<_>>(&mut collector, |s| s)?;

        let mut handler = Linker::new(engine);
        add_inert_wasi(&mut handler)?;
        lgp_world::handler::Handler::add_to_linker::<_, HasSelf<_>>(&mut handler, |s| s)?;

        Ok(Linkers {
            rule,
            collector,
            handler,
        })
    }

    pub(crate) fn for_kind(&self, kind: PluginKind) -> &Linker<HostState> {
        match kind {
            PluginKind::Rule => &self.rule,
            PluginKind::Collector => &self.collector,
            PluginKind::Handler => &self.handler,
        }
    }
}
