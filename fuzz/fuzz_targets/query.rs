//! aisgate's JSONPath parser against jsonpath-rust's, on arbitrary text: never a panic; when
//! both read a query they read the same model; when only jsonpath-rust reads it, aisgate's
//! parser stopped at blank space (which jsonpath-rust's grammar lets into tokens, and RFC
//! 9535 does not); aisgate's never reads a query jsonpath-rust refuses. Deeply nested
//! queries are only read by aisgate's parser (see `NESTING_COMPARED`).
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Parentheses and brackets past which jsonpath-rust's parser is not asked: it backtracks
/// (pest, no memoization), and nested functions and filters take it seconds (77 s for one
/// 172-byte query in a debug build), where aisgate's parser reads each part once.
const NESTING_COMPARED: usize = 8;

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else { return };
    let ours = aisgate_core::query::parse(query);
    if query.chars().filter(|c| matches!(c, '(' | '[')).count() > NESTING_COMPARED {
        return;
    }
    let theirs = jsonpath_rust::parser::parse_json_path(query);
    match (&ours, &theirs) {
        (Ok(ours), Ok(theirs)) => assert_eq!(ours, theirs, "{query:?}"),
        (Ok(ours), Err(error)) => panic!("{query:?}: aisgate reads {ours:?}, jsonpath-rust refuses: {error}"),
        (Err(error), Ok(theirs)) => {
            let chars: Vec<char> = query.chars().collect();
            let blank = [error.column.checked_sub(1), error.column.checked_sub(2)]
                .into_iter()
                .flatten()
                .any(|i| chars.get(i).is_some_and(|c| matches!(c, ' ' | '\t' | '\n' | '\r')));
            assert!(blank, "{query:?}: aisgate refuses ({error}), jsonpath-rust reads {theirs:?}");
        }
        (Err(_), Err(_)) => {}
    }
});
