// Function-call harness for C++, appended to the candidate's source by the sandbox: a small JSON
// reader and writer and a `main` that reads the call's arguments as a JSON array on stdin,
// converts each to the parameter's type (deduced from the function's own signature), calls
// the function (or the member of a `Solution`, LeetCode's form) and writes the JSON of the
// result on fd 3, the runner's value channel (the candidate's prints go to stdout and are
// ignored). Exit 3: arguments that do not fit. VERIREWARD_TARGET: set by the sandbox.
#undef int  // competitive programs' `#define int long long` would rename ours too
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <type_traits>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace verireward_call {

struct Json {
    enum Kind { Null, Bool, Number, String, List, Object } kind = Null;
    std::string text;  // a number's digits, a string's value, "true"/"false"
    std::vector<Json> items;
    std::vector<std::pair<std::string, Json>> fields;
};

[[noreturn]] inline void fail(const std::string& message) {
    std::fprintf(stderr, "verireward call harness: %s\n", message.c_str());
    std::exit(3);
}

struct Reader {
    const std::string& s;
    size_t at = 0;
    void skip() { while (at < s.size() && std::isspace(static_cast<unsigned char>(s[at]))) ++at; }
    void expect(const char* word) {
        for (; *word; ++word, ++at)
            if (at >= s.size() || s[at] != *word) fail("malformed JSON");
    }
    std::string string() {
        std::string out;
        ++at;
        while (at < s.size() && s[at] != '"') {
            char c = s[at++];
            if (c != '\\') { out += c; continue; }
            if (at >= s.size()) fail("malformed JSON string");
            char e = s[at++];
            if (e == 'n') out += '\n';
            else if (e == 't') out += '\t';
            else if (e == 'r') out += '\r';
            else if (e == 'b') out += '\b';
            else if (e == 'f') out += '\f';
            else if (e == 'u') {
                if (at + 4 > s.size()) fail("malformed JSON string");
                unsigned code = std::stoul(s.substr(at, 4), nullptr, 16);
                at += 4;
                if (code >= 0xd800 && code < 0xdc00 && at + 6 <= s.size() && s[at] == '\\') {
                    unsigned low = std::stoul(s.substr(at + 2, 4), nullptr, 16);
                    code = 0x10000 + ((code - 0xd800) << 10) + ((low - 0xdc00) & 0x3ff);
                    at += 6;
                }
                if (code < 0x80) out += static_cast<char>(code);
                else if (code < 0x800) { out += static_cast<char>(0xc0 | (code >> 6)); out += static_cast<char>(0x80 | (code & 0x3f)); }
                else if (code < 0x10000) { out += static_cast<char>(0xe0 | (code >> 12)); out += static_cast<char>(0x80 | ((code >> 6) & 0x3f)); out += static_cast<char>(0x80 | (code & 0x3f)); }
                else { out += static_cast<char>(0xf0 | (code >> 18)); out += static_cast<char>(0x80 | ((code >> 12) & 0x3f)); out += static_cast<char>(0x80 | ((code >> 6) & 0x3f)); out += static_cast<char>(0x80 | (code & 0x3f)); }
            } else out += e;
        }
        expect("\"");
        return out;
    }
    Json value() {
        skip();
        if (at >= s.size()) fail("malformed JSON");
        Json j;
        char c = s[at];
        if (c == 'n') { expect("null"); }
        else if (c == 't') { expect("true"); j.kind = Json::Bool; j.text = "true"; }
        else if (c == 'f') { expect("false"); j.kind = Json::Bool; j.text = "false"; }
        else if (c == '"') { j.kind = Json::String; j.text = string(); }
        else if (c == '[') {
            j.kind = Json::List; ++at; skip();
            if (at < s.size() && s[at] == ']') { ++at; return j; }
            for (;;) {
                j.items.push_back(value()); skip();
                if (at < s.size() && s[at] == ',') { ++at; continue; }
                expect("]"); return j;
            }
        } else if (c == '{') {
            j.kind = Json::Object; ++at; skip();
            if (at < s.size() && s[at] == '}') { ++at; return j; }
            for (;;) {
                skip();
                if (at >= s.size() || s[at] != '"') fail("malformed JSON object");
                std::string key = string(); skip(); expect(":");
                j.fields.emplace_back(key, value()); skip();
                if (at < s.size() && s[at] == ',') { ++at; continue; }
                expect("}"); return j;
            }
        } else {
            size_t start = at;
            while (at < s.size() && std::string("+-0123456789.eE").find(s[at]) != std::string::npos) ++at;
            if (start == at) fail("malformed JSON");
            j.kind = Json::Number; j.text = s.substr(start, at - start);
        }
        return j;
    }
};

// ---- JSON -> C++ values
template <class T> struct is_vector : std::false_type {};
template <class T, class A> struct is_vector<std::vector<T, A>> : std::true_type {};

template <class T> void from(const Json& j, T& out);

template <class T> void from_number(const Json& j, T& out) {
    if (j.kind != Json::Number) fail("expected a number");
    std::istringstream in(j.text);
    if constexpr (std::is_integral_v<T>) {
        long double wide = 0;
        long long whole = 0;
        if (j.text.find_first_of(".eE") == std::string::npos) { in >> whole; out = static_cast<T>(whole); }
        else { in >> wide; out = static_cast<T>(wide); if (static_cast<long double>(out) != wide) fail("expected an integer"); }
    } else {
        in >> out;
    }
    if (in.fail()) fail("not a number: " + j.text);
}
inline void from(const Json& j, bool& out) {
    if (j.kind != Json::Bool) fail("expected a bool");
    out = j.text == "true";
}
inline void from(const Json& j, std::string& out) {
    if (j.kind != Json::String) fail("expected a string");
    out = j.text;
}
inline void from(const Json& j, char& out) {
    if (j.kind != Json::String || j.text.size() != 1) fail("expected a one-character string");
    out = j.text[0];
}
template <class A, class B> void from(const Json& j, std::pair<A, B>& out) {
    if (j.kind != Json::List || j.items.size() != 2) fail("expected a list of two");
    from(j.items[0], out.first);
    from(j.items[1], out.second);
}
template <class T, class A> void from(const Json& j, std::vector<T, A>& out) {
    if (j.kind != Json::List) fail("expected a list");
    out.resize(j.items.size());
    for (size_t i = 0; i < j.items.size(); ++i) {
        T item{};
        from(j.items[i], item);
        out[i] = item;
    }
}
template <class V> void from(const Json& j, std::map<std::string, V>& out) {
    if (j.kind != Json::Object) fail("expected an object");
    for (auto& [k, v] : j.fields) from(v, out[k]);
}
template <class V> void from(const Json& j, std::unordered_map<std::string, V>& out) {
    if (j.kind != Json::Object) fail("expected an object");
    for (auto& [k, v] : j.fields) from(v, out[k]);
}
template <class T> void from(const Json& j, T& out) {
    if constexpr (std::is_arithmetic_v<T>) from_number(j, out);
    else static_assert(std::is_arithmetic_v<T>, "verireward: no JSON conversion for this parameter type");
}

// ---- C++ values -> JSON (every overload declared first: a call inside a template finds only
// what is declared before it, std types bring no argument-dependent lookup into this namespace)
inline void to(std::string& out, const std::string& s);
inline void to(std::string& out, const char* s);
inline void to(std::string& out, bool b);
inline void to(std::string& out, char c);
template <class T> std::enable_if_t<std::is_arithmetic_v<T>> to(std::string& out, T v);
template <class A, class B> void to(std::string& out, const std::pair<A, B>& p);
template <class K, class V> void to(std::string& out, const std::map<K, V>& m);
template <class K, class V> void to(std::string& out, const std::unordered_map<K, V>& m);
template <class T> auto to(std::string& out, const T& items) -> decltype(std::begin(items), void());

inline void to(std::string& out, const std::string& s) {
    out += '"';
    for (unsigned char c : s) {
        if (c == '"') out += "\\\"";
        else if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else if (c == '\t') out += "\\t";
        else if (c < 0x20) { char buf[8]; std::snprintf(buf, sizeof buf, "\\u%04x", c); out += buf; }
        else out += static_cast<char>(c);
    }
    out += '"';
}
inline void to(std::string& out, const char* s) { to(out, std::string(s)); }
inline void to(std::string& out, bool b) { out += b ? "true" : "false"; }
inline void to(std::string& out, char c) { to(out, std::string(1, c)); }
template <class T> std::enable_if_t<std::is_arithmetic_v<T>> to(std::string& out, T v) {
    if constexpr (std::is_floating_point_v<T>) {
        if (!(v == v) || v - v != 0) { std::fprintf(stderr, "the result is not a finite number\n"); std::exit(1); }
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", static_cast<double>(v));
        out += buf;
    } else {
        out += std::to_string(v);
    }
}
template <class A, class B> void to(std::string& out, const std::pair<A, B>& p) {
    out += '['; to(out, p.first); out += ','; to(out, p.second); out += ']';
}
template <class K, class V> void to_object(std::string& out, const std::map<K, V>& m) {
    out += '{';
    bool first = true;
    for (auto& [k, v] : m) {
        if (!first) out += ',';
        first = false;
        std::ostringstream key;
        key << k;
        to(out, key.str());
        out += ':';
        to(out, v);
    }
    out += '}';
}
template <class K, class V> void to(std::string& out, const std::map<K, V>& m) { to_object(out, m); }
template <class K, class V> void to(std::string& out, const std::unordered_map<K, V>& m) {
    to_object(out, std::map<K, V>(m.begin(), m.end()));
}
template <class T> auto to(std::string& out, const T& items) -> decltype(std::begin(items), void()) {
    out += '[';
    bool first = true;
    for (const auto& item : items) {
        if (!first) out += ',';
        first = false;
        to(out, item);
    }
    out += ']';
}

// ---- the call
template <class F> struct signature;
template <class R, class... A> struct signature<R (*)(A...)> {
    using result = R;
    using args = std::tuple<std::decay_t<A>...>;
};
template <class C, class R, class... A> struct signature<R (C::*)(A...)> {
    using result = R;
    using args = std::tuple<std::decay_t<A>...>;
    using owner = C;
};
template <class C, class R, class... A> struct signature<R (C::*)(A...) const> {
    using result = R;
    using args = std::tuple<std::decay_t<A>...>;
    using owner = C;
};

template <class Invoke, class Args, size_t... I>
std::string call(Invoke invoke, const std::vector<Json>& given, std::index_sequence<I...>) {
    if (given.size() != sizeof...(I)) fail("wrong number of arguments");
    Args values;
    (from(given[I], std::get<I>(values)), ...);
    std::string out;
    if constexpr (std::is_void_v<decltype(invoke(std::get<I>(values)...))>) {
        invoke(std::get<I>(values)...);
        out = "null";
    } else {
        to(out, invoke(std::get<I>(values)...));
    }
    return out;
}

template <class F> std::string run(F target, const std::vector<Json>& given) {
    using Sig = signature<F>;
    using Args = typename Sig::args;
    auto indices = std::make_index_sequence<std::tuple_size_v<Args>>{};
    if constexpr (std::is_member_function_pointer_v<F>) {
        auto invoke = [target](auto&... a) {
            typename Sig::owner object;
            return (object.*target)(a...);
        };
        return call<decltype(invoke), Args>(invoke, given, indices);
    } else {
        auto invoke = [target](auto&... a) { return target(a...); };
        return call<decltype(invoke), Args>(invoke, given, indices);
    }
}

}  // namespace verireward_call

int main() {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    verireward_call::Reader reader{text};
    verireward_call::Json arguments = reader.value();
    if (arguments.kind != verireward_call::Json::List) verireward_call::fail("the arguments are not a JSON list");
    std::string out = verireward_call::run(VERIREWARD_TARGET, arguments.items);
    std::cout.flush();
    for (size_t done = 0; done < out.size();) {
        ssize_t n = write(3, out.data() + done, out.size() - done);
        if (n <= 0) return 1;
        done += static_cast<size_t>(n);
    }
    return 0;
}
