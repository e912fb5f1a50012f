//! Globs of exemption `namespaces` and `names`: the syntax and matching of the `glob` crate
//! (0.3, `Pattern::new` and `Pattern::matches` with default options), ported.
//!
//! The crate's matcher carries a case-insensitive branch that the default options never
//! take but that links the Unicode upper-case tables: 18 KB of the policy module for a
//! feature exemptions do not offer. `tests::agrees_with_the_glob_crate` checks this port
//! against the crate on generated patterns and names.
//!
//! `?` matches one character, `*` any run of characters (`/` included), `[abc]`, `[a-z]`
//! and `[!a-z]` one character in or out of a set; `**` must stand alone between `/`s.

/// A checked glob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    chars: Vec<char>,
    tokens: Vec<Token>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Char(char),
    AnyChar,
    AnySequence,
    AnyRecursiveSequence,
    /// A set, as the characters `chars[start..end]` between the brackets.
    AnyWithin(usize, usize),
    AnyExcept(usize, usize),
}

enum Outcome {
    Match,
    SubPatternDoesntMatch,
    EntirePatternDoesntMatch,
}

const ERROR_WILDCARDS: &str = "wildcards are either regular `*` or recursive `**`";
const ERROR_RECURSIVE_WILDCARDS: &str = "recursive wildcards must form a single path component";
const ERROR_INVALID_RANGE: &str = "invalid range pattern";

impl Glob {
    /// Checks `pattern`; the error is the `glob` crate's message.
    pub fn new(pattern: &str) -> Result<Self, &'static str> {
        let chars: Vec<char> = pattern.chars().collect();
        let at = |i: usize| chars.get(i).copied();
        let mut tokens = Vec::new();
        let mut i = 0;
        while let Some(c) = at(i) {
            match c {
                '?' => {
                    tokens.push(Token::AnyChar);
                    i += 1;
                }
                '*' => {
                    let old = i;
                    while at(i) == Some('*') {
                        i += 1;
                    }
                    match i - old {
                        1 => tokens.push(Token::AnySequence),
                        2 => {
                            // `**` is a whole path component: `a/**/b`, not `a**/b` or `a/**b`.
                            if old > 0 && at(old - 1) != Some('/') {
                                return Err(ERROR_RECURSIVE_WILDCARDS);
                            }
                            match at(i) {
                                Some('/') => i += 1,
                                None => {}
                                Some(_) => return Err(ERROR_RECURSIVE_WILDCARDS),
                            }
                            if !(tokens.len() > 1 && tokens.last() == Some(&Token::AnyRecursiveSequence)) {
                                tokens.push(Token::AnyRecursiveSequence);
                            }
                        }
                        _ => return Err(ERROR_WILDCARDS),
                    }
                }
                '[' => {
                    let close = |from: usize| chars.get(from..)?.iter().position(|&c| c == ']').map(|j| from + j);
                    if i + 4 <= chars.len() && at(i + 1) == Some('!') {
                        if let Some(end) = close(i + 3) {
                            tokens.push(Token::AnyExcept(i + 2, end));
                            i = end + 1;
                            continue;
                        }
                    } else if i + 3 <= chars.len()
                        && at(i + 1) != Some('!')
                        && let Some(end) = close(i + 2)
                    {
                        tokens.push(Token::AnyWithin(i + 1, end));
                        i = end + 1;
                        continue;
                    }
                    return Err(ERROR_INVALID_RANGE);
                }
                c => {
                    tokens.push(Token::Char(c));
                    i += 1;
                }
            }
        }
        Ok(Self { chars, tokens })
    }

    /// Whether `text` matches the whole pattern.
    #[must_use]
    pub fn matches(&self, text: &str) -> bool {
        matches!(self.matches_from(true, text.chars(), 0), Outcome::Match)
    }

    fn matches_from(&self, mut follows_separator: bool, mut text: std::str::Chars<'_>, first: usize) -> Outcome {
        let tokens = self.tokens.get(first..).unwrap_or_default();
        for (offset, &token) in tokens.iter().enumerate() {
            let next = first + offset + 1;
            match token {
                Token::AnySequence | Token::AnyRecursiveSequence => {
                    match self.matches_from(follows_separator, text.clone(), next) {
                        Outcome::SubPatternDoesntMatch => {}
                        outcome => return outcome,
                    }
                    while let Some(c) = text.next() {
                        follows_separator = c == '/';
                        if token == Token::AnyRecursiveSequence && !follows_separator {
                            continue;
                        }
                        match self.matches_from(follows_separator, text.clone(), next) {
                            Outcome::SubPatternDoesntMatch => {}
                            outcome => return outcome,
                        }
                    }
                }
                _ => {
                    let Some(c) = text.next() else { return Outcome::EntirePatternDoesntMatch };
                    let matched = match token {
                        Token::Char(expected) => c == expected,
                        Token::AnyChar => true,
                        Token::AnyWithin(start, end) => self.in_set(start, end, c),
                        Token::AnyExcept(start, end) => !self.in_set(start, end, c),
                        Token::AnySequence | Token::AnyRecursiveSequence => false,
                    };
                    if !matched {
                        return Outcome::SubPatternDoesntMatch;
                    }
                    follows_separator = c == '/';
                }
            }
        }
        if text.next().is_none() { Outcome::Match } else { Outcome::SubPatternDoesntMatch }
    }

    /// Whether `c` is in the set `chars[start..end]`: single characters and `a-z` ranges.
    fn in_set(&self, start: usize, end: usize, c: char) -> bool {
        let set = self.chars.get(start..end).unwrap_or_default();
        let mut i = 0;
        while let Some(&first) = set.get(i) {
            if let (Some('-'), Some(&last)) = (set.get(i + 1), set.get(i + 2)) {
                if first <= c && c <= last {
                    return true;
                }
                i += 3;
            } else {
                if c == first {
                    return true;
                }
                i += 1;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn matches_names() {
        let glob = |pattern: &str| Glob::new(pattern).unwrap();
        assert!(glob("ais-*").matches("ais-target"));
        assert!(glob("ais-t?rget").matches("ais-target"));
        assert!(!glob("ais-t?rget").matches("ais-trget"));
        assert!(glob("ais-[pt]*").matches("ais-proxy"));
        assert!(!glob("ais-[!pt]*").matches("ais-proxy"));
        assert!(glob("[a-c]x").matches("bx"));
        assert!(glob("*").matches(""));
        assert!(glob("**").matches("a/b"));
        assert!(!glob("ais").matches("ais2"));
        assert_eq!(Glob::new("[a"), Err(ERROR_INVALID_RANGE));
        assert_eq!(Glob::new("a***"), Err(ERROR_WILDCARDS));
        assert_eq!(Glob::new("a**"), Err(ERROR_RECURSIVE_WILDCARDS));
    }

    /// Patterns made of pieces of glob syntax, whole and broken.
    fn pattern() -> impl Strategy<Value = String> {
        let pieces = vec![
            "a", "b", "-", "!", "/", "?", "*", "**", "***", "[", "]", "[ab]", "[!a]", "[a-b]", "[!a-b]", "[-a]",
            "[]a]", "[!]a]", "[a-]", "[!", "[b-a]",
        ];
        prop::collection::vec(prop::sample::select(pieces), 0..6).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]
        #[test]
        fn agrees_with_the_glob_crate(pattern in pattern(), text in "[ab/!\\]-]{0,6}") {
            let ours = Glob::new(&pattern);
            let theirs = glob::Pattern::new(&pattern);
            prop_assert_eq!(ours.as_ref().err().copied(), theirs.as_ref().err().map(|e| e.msg));
            if let (Ok(ours), Ok(theirs)) = (ours, theirs) {
                prop_assert_eq!(ours.matches(&text), theirs.matches(&text), "{} on {}", pattern, text);
            }
        }
    }
}
