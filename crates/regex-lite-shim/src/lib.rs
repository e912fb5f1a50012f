//! `regex` for aisgate's dependency graph, served by `regex-lite`.
//!
//! Two dependencies use `regex` only incidentally: jsonpath-rust for the RFC 9535 `match()`
//! and `search()` filter functions, and oci-spec (through the Kubewarden SDK) for image
//! references. The full crate brings its Unicode tables, DFAs and literal searchers into
//! the admission module (about 0.7 MB of 1.95 MB, measured with twiggy); regex-lite has
//! the same API for what they call, at a fraction of the size. The difference users can
//! see: Unicode classes such as `\p{L}` are not supported in exemption-path filters, and
//! `\w`, `\d`, `\s` match ASCII only.

pub use regex_lite::*;
