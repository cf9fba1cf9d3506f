// Function-call harness for Rust, appended to the candidate's source by the sandbox: a small
// JSON reader and writer, and (generated after it) a `main` that reads the call's arguments
// as a JSON array on stdin, converts each to the parameter's declared type, calls the
// function and writes the JSON of its result on fd 3, the runner's value channel (the
// candidate's prints go to stdout and are ignored). Exit 3: arguments that do not fit.
#[allow(dead_code)]
mod verireward_call {
    use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
    use std::fmt::Write as _;

    pub enum Json {
        Null,
        Bool(bool),
        Num(String),
        Str(String),
        List(Vec<Json>),
        Object(Vec<(String, Json)>),
    }

    pub fn fail(message: &str) -> ! {
        eprintln!("verireward call harness: {}", message);
        std::process::exit(3)
    }

    pub fn parse(text: &str) -> Json {
        let chars: Vec<char> = text.chars().collect();
        let mut at = 0;
        let value = value(&chars, &mut at);
        skip(&chars, &mut at);
        if at != chars.len() {
            fail("trailing text after the arguments");
        }
        value
    }

    fn skip(c: &[char], at: &mut usize) {
        while *at < c.len() && c[*at].is_whitespace() {
            *at += 1;
        }
    }

    fn expect(c: &[char], at: &mut usize, word: &str) {
        for w in word.chars() {
            if *at >= c.len() || c[*at] != w {
                fail("malformed JSON");
            }
            *at += 1;
        }
    }

    fn value(c: &[char], at: &mut usize) -> Json {
        skip(c, at);
        if *at >= c.len() {
            fail("malformed JSON");
        }
        match c[*at] {
            'n' => { expect(c, at, "null"); Json::Null }
            't' => { expect(c, at, "true"); Json::Bool(true) }
            'f' => { expect(c, at, "false"); Json::Bool(false) }
            '"' => Json::Str(string(c, at)),
            '[' => {
                *at += 1;
                let mut items = Vec::new();
                skip(c, at);
                if *at < c.len() && c[*at] == ']' { *at += 1; return Json::List(items); }
                loop {
                    items.push(value(c, at));
                    skip(c, at);
                    if *at < c.len() && c[*at] == ',' { *at += 1; continue; }
                    expect(c, at, "]");
                    return Json::List(items);
                }
            }
            '{' => {
                *at += 1;
                let mut items = Vec::new();
                skip(c, at);
                if *at < c.len() && c[*at] == '}' { *at += 1; return Json::Object(items); }
                loop {
                    skip(c, at);
                    if *at >= c.len() || c[*at] != '"' { fail("malformed JSON object"); }
                    let key = string(c, at);
                    skip(c, at);
                    expect(c, at, ":");
                    items.push((key, value(c, at)));
                    skip(c, at);
                    if *at < c.len() && c[*at] == ',' { *at += 1; continue; }
                    expect(c, at, "}");
                    return Json::Object(items);
                }
            }
            _ => {
                let start = *at;
                while *at < c.len() && "+-0123456789.eE".contains(c[*at]) { *at += 1; }
                if start == *at { fail("malformed JSON"); }
                Json::Num(c[start..*at].iter().collect())
            }
        }
    }

    fn string(c: &[char], at: &mut usize) -> String {
        *at += 1;
        let mut out = String::new();
        while *at < c.len() && c[*at] != '"' {
            if c[*at] == '\\' && *at + 1 < c.len() {
                *at += 1;
                match c[*at] {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'u' if *at + 4 < c.len() => {
                        let hex: String = c[*at + 1..*at + 5].iter().collect();
                        let mut code = u32::from_str_radix(&hex, 16).unwrap_or(0xfffd);
                        *at += 4;
                        if (0xd800..0xdc00).contains(&code) && *at + 6 < c.len() && c[*at + 1] == '\\' {
                            let low: String = c[*at + 3..*at + 7].iter().collect();
                            let low = u32::from_str_radix(&low, 16).unwrap_or(0);
                            code = 0x10000 + ((code - 0xd800) << 10) + (low.wrapping_sub(0xdc00) & 0x3ff);
                            *at += 6;
                        }
                        out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                    }
                    other => out.push(other),
                }
            } else {
                out.push(c[*at]);
            }
            *at += 1;
        }
        expect(c, at, "\"");
        out
    }

    pub trait FromJson: Sized {
        fn from_json(json: &Json) -> Self;
    }

    pub trait ToJson {
        fn to_json(&self, out: &mut String);
    }

    macro_rules! numbers {
        ($($t:ty),*) => {$(
            impl FromJson for $t {
                fn from_json(json: &Json) -> Self {
                    match json {
                        Json::Num(text) => text.parse().unwrap_or_else(|_| fail(&format!("{} is not a {}", text, stringify!($t)))),
                        _ => fail(concat!("expected a number for ", stringify!($t))),
                    }
                }
            }
            impl ToJson for $t {
                fn to_json(&self, out: &mut String) { let _ = write!(out, "{}", self); }
            }
        )*};
    }
    numbers!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

    macro_rules! floats {
        ($($t:ty),*) => {$(
            impl FromJson for $t {
                fn from_json(json: &Json) -> Self {
                    match json {
                        Json::Num(text) => text.parse().unwrap_or_else(|_| fail("not a number")),
                        _ => fail("expected a number"),
                    }
                }
            }
            impl ToJson for $t {
                // Debug keeps a decimal point or an exponent; NaN and infinities are not JSON
                fn to_json(&self, out: &mut String) {
                    if !self.is_finite() { eprintln!("the result is not a finite number"); std::process::exit(1); }
                    let _ = write!(out, "{:?}", self);
                }
            }
        )*};
    }
    floats!(f32, f64);

    impl FromJson for bool {
        fn from_json(json: &Json) -> Self {
            match json { Json::Bool(b) => *b, _ => fail("expected a bool") }
        }
    }
    impl ToJson for bool {
        fn to_json(&self, out: &mut String) { out.push_str(if *self { "true" } else { "false" }); }
    }
    impl FromJson for String {
        fn from_json(json: &Json) -> Self {
            match json { Json::Str(s) => s.clone(), _ => fail("expected a string") }
        }
    }
    impl FromJson for char {
        fn from_json(json: &Json) -> Self {
            match json {
                Json::Str(s) if s.chars().count() == 1 => s.chars().next().unwrap(),
                _ => fail("expected a one-character string"),
            }
        }
    }
    fn write_str(s: &str, out: &mut String) {
        out.push('"');
        for ch in s.chars() {
            match ch {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if (c as u32) < 0x20 => { let _ = write!(out, "\\u{:04x}", c as u32); }
                c => out.push(c),
            }
        }
        out.push('"');
    }
    impl ToJson for String {
        fn to_json(&self, out: &mut String) { write_str(self, out); }
    }
    impl ToJson for str {
        fn to_json(&self, out: &mut String) { write_str(self, out); }
    }
    impl ToJson for char {
        fn to_json(&self, out: &mut String) { write_str(&self.to_string(), out); }
    }
    impl ToJson for () {
        fn to_json(&self, out: &mut String) { out.push_str("null"); }
    }
    impl<T: ToJson + ?Sized> ToJson for &T {
        fn to_json(&self, out: &mut String) { (**self).to_json(out); }
    }
    impl<T: ToJson + ?Sized> ToJson for Box<T> {
        fn to_json(&self, out: &mut String) { (**self).to_json(out); }
    }
    impl<T: FromJson> FromJson for Option<T> {
        fn from_json(json: &Json) -> Self {
            match json { Json::Null => None, other => Some(T::from_json(other)) }
        }
    }
    impl<T: ToJson> ToJson for Option<T> {
        fn to_json(&self, out: &mut String) {
            match self { None => out.push_str("null"), Some(v) => v.to_json(out) }
        }
    }
    fn items(json: &Json) -> &Vec<Json> {
        match json { Json::List(items) => items, _ => fail("expected a list") }
    }
    fn write_list<'a, T: ToJson + 'a>(values: impl Iterator<Item = &'a T>, out: &mut String) {
        out.push('[');
        for (i, v) in values.enumerate() {
            if i > 0 { out.push(','); }
            v.to_json(out);
        }
        out.push(']');
    }
    impl<T: FromJson> FromJson for Vec<T> {
        fn from_json(json: &Json) -> Self { items(json).iter().map(T::from_json).collect() }
    }
    impl<T: FromJson> FromJson for VecDeque<T> {
        fn from_json(json: &Json) -> Self { items(json).iter().map(T::from_json).collect() }
    }
    impl<T: ToJson> ToJson for Vec<T> {
        fn to_json(&self, out: &mut String) { write_list(self.iter(), out); }
    }
    impl<T: ToJson> ToJson for [T] {
        fn to_json(&self, out: &mut String) { write_list(self.iter(), out); }
    }
    impl<T: ToJson, const N: usize> ToJson for [T; N] {
        fn to_json(&self, out: &mut String) { write_list(self.iter(), out); }
    }
    impl<T: ToJson> ToJson for VecDeque<T> {
        fn to_json(&self, out: &mut String) { write_list(self.iter(), out); }
    }
    impl<T: ToJson> ToJson for BTreeSet<T> {
        fn to_json(&self, out: &mut String) { write_list(self.iter(), out); }
    }
    impl<T: ToJson, S> ToJson for HashSet<T, S> {
        // unordered: sent in iteration order (compare against a set only where order is free)
        fn to_json(&self, out: &mut String) { write_list(self.iter(), out); }
    }
    fn write_object<'a, K: std::fmt::Display + 'a, V: ToJson + 'a>(
        pairs: impl Iterator<Item = (&'a K, &'a V)>,
        out: &mut String,
    ) {
        out.push('{');
        for (i, (k, v)) in pairs.enumerate() {
            if i > 0 { out.push(','); }
            write_str(&k.to_string(), out);
            out.push(':');
            v.to_json(out);
        }
        out.push('}');
    }
    impl<K: std::fmt::Display, V: ToJson, S> ToJson for HashMap<K, V, S> {
        fn to_json(&self, out: &mut String) { write_object(self.iter(), out); }
    }
    impl<K: std::fmt::Display, V: ToJson> ToJson for BTreeMap<K, V> {
        fn to_json(&self, out: &mut String) { write_object(self.iter(), out); }
    }
    impl<V: FromJson> FromJson for HashMap<String, V> {
        fn from_json(json: &Json) -> Self {
            match json {
                Json::Object(pairs) => pairs.iter().map(|(k, v)| (k.clone(), V::from_json(v))).collect(),
                _ => fail("expected an object"),
            }
        }
    }
    macro_rules! tuples {
        ($(($($name:ident $index:tt),+)),*) => {$(
            impl<$($name: FromJson),+> FromJson for ($($name,)+) {
                fn from_json(json: &Json) -> Self {
                    let items = items(json);
                    if items.len() != [$($index),+].len() { fail("a list of the wrong length for a tuple"); }
                    ($($name::from_json(&items[$index]),)+)
                }
            }
            impl<$($name: ToJson),+> ToJson for ($($name,)+) {
                fn to_json(&self, out: &mut String) {
                    out.push('[');
                    $( if $index > 0 { out.push(','); } self.$index.to_json(out); )+
                    out.push(']');
                }
            }
        )*};
    }
    tuples!((A 0), (A 0, B 1), (A 0, B 1, C 2), (A 0, B 1, C 2, D 3));

    pub fn arguments(count: usize) -> Vec<Json> {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .unwrap_or_else(|_| fail("reading the arguments"));
        match parse(&text) {
            Json::List(items) if items.len() == count => items,
            _ => fail(&format!("expected a JSON list of {} arguments", count)),
        }
    }

    pub fn send<T: ToJson + ?Sized>(value: &T) {
        use std::io::Write;
        use std::os::unix::io::FromRawFd;
        let mut out = String::new();
        value.to_json(&mut out);
        let mut channel = unsafe { std::fs::File::from_raw_fd(3) };
        let _ = channel.write_all(out.as_bytes());
    }
}
