//! The end-to-end test crate of LG-Protect. The tests live in `e2e/` (one test binary with a
//! module per area); the guest programs they run are built from `guests/` by `build.rs`. This
//! library is empty: it exists so the crate can also carry the `lgp-under-test` binary.
