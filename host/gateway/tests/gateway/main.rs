//! The gateway over real sockets: a real HTTP and WebSocket client on 127.0.0.1 against a
//! running gateway on an ephemeral port, on the real SQLite store and in-process bus.

mod auth;
mod limits;
mod ops;
mod paging;
mod rest;
mod settings;
mod socket;
mod support;
