"""Assert-mode harness, run *inside* the sandbox next to ``runner.py`` (stdlib only).

Two processes per submission, so that the candidate can neither see nor bend the tests:

- the **candidate server** loads the program as module ``solution`` (never ``__main__``: demo
  blocks do not run) in a process forked *before* the tests ever enter the sandbox's memory, then
  answers calls ``(name, args, kwargs)`` with the returned value made plain (numbers, str, bytes,
  None, bool and lists/tuples/dicts/sets of them; subclasses travel as their plain value);
- the **judge** runs the dataset's test program in a process that never loads candidate code. A
  name the tests use and the candidate defines becomes a proxy that calls across; what comes back
  is unmarshalled and checked to be plain, so ``==`` in the judge is Python's own on real ints,
  strs and lists, and nothing the candidate patches (builtins, ``operator``, tracing, its frames,
  exiting) exists in the judge's process. ``assert left == right`` statements are rewritten to
  keep both sides for the explanation.
"""

import builtins
import marshal
import os
import sys

import runner

MAX_DEPTH = 100
MAX_NODES = 1_000_000
MEMORY_EXIT = 101
_PLAIN_ATOMS = (int, float, complex, str, bytes, bool, type(None))
_CONTAINERS = (list, tuple, set, frozenset, dict)
_NEVER_IMPORTED = {"__main__", "site", "antigravity", "this", "__hello__", "__phello__"}
CLIP = 300


class NotPlain(TypeError):
    """A value that is not a plain value (it cannot cross between the two processes)."""


class CandidateExit(BaseException):
    """The candidate's process ended (or exited) during a call: the tests cannot pass."""


# ---------------------------------------------------------------- framing over pipes


def send(fd, obj):
    data = marshal.dumps(obj)
    data = len(data).to_bytes(8, "big") + data
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def receive(fd, limit):
    try:
        size = int.from_bytes(runner.read_exact(fd, 8), "big")
        if size > limit:
            raise NotPlain(f"a value of {size} bytes is over the output limit")
        data = runner.read_exact(fd, size)
    except EOFError:
        raise CandidateExit("the candidate's process ended") from None
    return marshal.loads(data)


# ---------------------------------------------------------------- plain values


def to_plain(value, depth=0):
    """Candidate side: the plain value of ``value`` (candidate-controlled either way: the judge
    re-checks what arrives). Subclasses become their base value; numpy scalars their item."""
    if depth > MAX_DEPTH:
        raise NotPlain("nested too deeply")
    kind = type(value)
    if kind in _PLAIN_ATOMS:
        return value
    if kind in _CONTAINERS:
        return _plain_container(kind, value, depth)
    if kind.__module__ == "numpy" and getattr(value, "shape", None) == ():
        return to_plain(value.item(), depth + 1)  # numpy scalars (shape ()), not arrays
    for base in (int, float, str):
        if isinstance(value, base):
            return {int: int.__int__, float: float.__float__, str: str.__str__}[base](value)
    for base in _CONTAINERS:
        if isinstance(value, base):
            return _plain_container(base, value, depth)
    raise NotPlain(f"returned a {kind.__module__}.{kind.__qualname__}, not a plain value")


def _plain_container(base, value, depth):
    if base is dict:
        return {to_plain(k, depth + 1): to_plain(v, depth + 1) for k, v in dict.items(value)}
    items = [to_plain(item, depth + 1) for item in value]
    return items if base is list else base(items)


def check_plain(value):
    """Judge side: ``value`` (fresh from ``marshal.loads``) is made of plain types only."""
    stack, nodes = [(value, 0)], 0
    while stack:
        item, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES or depth > MAX_DEPTH:
            raise NotPlain("value too large or nested too deeply")
        kind = type(item)
        if kind in _PLAIN_ATOMS:
            continue
        if kind is dict:
            stack.extend((part, depth + 1) for pair in item.items() for part in pair)
        elif kind in _CONTAINERS:
            stack.extend((part, depth + 1) for part in item)
        else:
            raise NotPlain(f"{kind.__name__} is not a plain value")
    return value


# A builtin type or function the tests pass as an argument (``remove_datatype(t, int)``)
# travels as its name and is the candidate's own builtin of that name on arrival.
_BUILTIN_TAG = "\x00verireward-builtin"


def _by_name(value):
    name = getattr(value, "__name__", None)
    if isinstance(name, str) and getattr(builtins, name, None) is value and callable(value):
        return (_BUILTIN_TAG, name)
    return value


def _from_name(value):
    if type(value) is tuple and len(value) == 2 and value[0] == _BUILTIN_TAG:
        return getattr(builtins, str(value[1]))
    return value


# ---------------------------------------------------------------- the candidate server


def serve(program, requests, replies, limit):
    """In the candidate's process: load the program as module ``solution``, then answer calls
    until the judge closes its end."""
    module = type(sys)("solution")
    module.__dict__["__builtins__"] = builtins
    sys.modules["solution"] = module
    namespace = module.__dict__
    try:
        exec(program, namespace)
    except MemoryError:
        os._exit(MEMORY_EXIT)
    except BaseException as exc:
        send(replies, ("load_error", _traceback_text(exc)))
        os._exit(1)
    send(replies, ("ready", _names(namespace)))
    while True:
        try:
            request = receive(requests, limit)
        except CandidateExit:
            os._exit(0)
        send(replies, _answer(namespace, request))


def _names(namespace):
    names = {}
    for name, value in list(namespace.items()):
        if name.startswith("__"):
            continue
        if isinstance(value, type(sys)):
            names[name] = "module:" + str(getattr(value, "__name__", ""))
        else:
            names[name] = "call" if callable(value) else "value"
    return names


def _answer(namespace, request):
    verb, name, args, kwargs = request
    args = tuple(_from_name(a) for a in args)
    kwargs = {k: _from_name(v) for k, v in kwargs.items()}
    try:
        target = namespace[name]
        value = target(*args, **kwargs) if verb == "call" else target
        return ("ok", to_plain(value))
    except NotPlain as exc:
        return ("not_plain", str(exc))
    except MemoryError:
        return ("raised", "MemoryError", "", "MemoryError")
    except BaseException as exc:
        sys.stdout.flush()
        return ("raised", type(exc).__name__, str(exc)[:CLIP], _traceback_text(exc))


def _traceback_text(exc):
    """The traceback without the harness's own frame (the first one)."""
    import traceback

    tb = exc.__traceback__.tb_next if exc.__traceback__ is not None else None
    return "".join(traceback.format_exception(type(exc), exc, tb))[-4000:]


# ---------------------------------------------------------------- the judge


class Unjudgeable(BaseException):
    """A call whose result cannot be judged (not plain, or the candidate ended): the tests fail
    whatever they catch (a BaseException, so ``except Exception`` in a test does not hide it)."""


class _Failure(AssertionError):
    """A rewritten assert that failed: where, and for ``a == b`` both sides."""

    def __init__(self, line, text, sides=None):
        super().__init__(text or "assertion failed")
        self.line, self.text, self.sides = line, text, sides


def _assert_eq(actual, expected, line, text):
    if not (actual == expected):
        raise _Failure(line, text, (actual, expected))


def _assert(condition, line, text):
    if not condition:
        raise _Failure(line, text)


class _Calls:
    """The judge's end of the channel; remembers the last call for the explanation."""

    def __init__(self, requests, replies, limit):
        self.requests, self.replies, self.limit = requests, replies, limit
        self.last = None

    def request(self, verb, name, args=(), kwargs=None):
        text = _call_text(name, args, kwargs or {})
        try:
            # plain values only: marshal would send a numpy value (any buffer) as its bytes
            arguments = tuple(to_plain(_by_name(a)) for a in args)
            named = {k: to_plain(_by_name(v)) for k, v in (kwargs or {}).items()}
            send(self.requests, (verb, name, arguments, named))
        except (ValueError, TypeError) as exc:
            raise TypeError(f"the tests passed a value that is not plain to {text}") from exc
        except OSError as exc:
            raise Unjudgeable(f"the program ended before {text}") from exc
        try:
            reply = receive(self.replies, self.limit)
        except CandidateExit as exc:
            raise Unjudgeable(f"the program ended during {text}") from exc
        except (ValueError, EOFError, TypeError, NotPlain) as exc:
            raise Unjudgeable(f"{text} sent back something unreadable: {exc}") from exc
        if reply[0] == "ok":
            try:
                value = check_plain(reply[1])
            except NotPlain as exc:
                raise Unjudgeable(f"{text}: {exc}") from exc
            self.last = (text, value)
            return value
        if reply[0] == "not_plain":
            raise Unjudgeable(f"{text} {reply[1]}")
        raise _raised(reply, text)


def _raised(reply, text):
    _, type_name, message, trace = reply
    kind = getattr(builtins, str(type_name), None)
    if isinstance(kind, type) and issubclass(kind, Exception):
        exc = kind(message)
    else:
        exc = Unjudgeable(f"{text} raised {type_name}")
    exc.candidate_trace = trace
    return exc


class _Proxy:
    def __init__(self, calls, name):
        self._calls, self._name = calls, name

    def __call__(self, *args, **kwargs):
        return self._calls.request("call", self._name, args, kwargs)

    def __repr__(self):
        return f"<candidate function {self._name}>"


def judge(source, texts, requests, replies, limit, marker):
    """In the judge's process: run the tests against proxies of the candidate's names; write
    the marker (passed) or a marshalled explanation on fd 3."""
    calls = _Calls(requests, replies, limit)
    try:
        hello = receive(replies, limit)
    except (CandidateExit, ValueError, EOFError, TypeError, NotPlain):
        _report({"verdict": "runtime_error", "error": "the program ended while loading"})
    if hello[0] != "ready":
        _report(
            {
                "verdict": "runtime_error",
                "error": "loading the program failed",
                "stderr": str(hello[1]),
            }
        )
    try:  # asserts arrive rewritten by the host (assert_rewrite)
        code = compile(source, "<tests>", "exec")
    except (SyntaxError, ValueError) as exc:
        _report({"verdict": "runtime_error", "error": _clip(f"the tests do not compile: {exc}")})
    namespace = {
        "__name__": "__main__",
        "__builtins__": builtins,
        "_verireward_assert_eq": _assert_eq,
        "_verireward_assert": _assert,
    }
    _bind(namespace, hello[1], _referenced(code), calls)
    try:
        exec(code, namespace)
    except MemoryError as exc:
        if hasattr(exc, "candidate_trace"):
            _report({"verdict": "memory_limit"})
        os._exit(MEMORY_EXIT)
    except BaseException as exc:
        _report(_explain(exc, source, texts, calls))
    os.write(3, marker.encode())
    os._exit(0)


def _bind(namespace, names, referenced, calls):
    """Proxies for the candidate's functions the tests use; its modules imported afresh here."""
    for name, kind in dict(names).items():
        if name not in referenced or hasattr(builtins, name):
            continue
        if kind == "call":
            namespace[name] = _Proxy(calls, name)
        elif str(kind).startswith("module:"):
            module = str(kind)[len("module:") :]
            if module.partition(".")[0] not in _NEVER_IMPORTED and module.isascii():
                try:  # noqa: SIM105 (contextlib costs ms per sandbox start)
                    namespace[name] = __import__(module, fromlist=["_"])
                except Exception:
                    pass
        else:
            try:  # noqa: SIM105 (contextlib costs ms per sandbox start)
                namespace[name] = calls.request("get", name)
            except BaseException:  # a value it cannot send stays unbound
                pass


def _referenced(code):
    names, stack = set(), [code]
    while stack:
        current = stack.pop()
        names.update(current.co_names)
        stack.extend(c for c in current.co_consts if isinstance(c, type(code)))
    return names


def _explain(exc, source, texts, calls):
    if isinstance(exc, _Failure):
        detail = {"verdict": "wrong_answer", "line": exc.line, "assertion": _clip(exc.text)}
        if exc.sides is not None:
            detail.update(expected=_clip(repr(exc.sides[1])), actual=_clip(repr(exc.sides[0])))
        elif calls.last is not None:
            detail.update(call=_clip(calls.last[0]), actual=_clip(repr(calls.last[1])))
        return detail
    line = _test_line(exc)
    lines = source.splitlines()
    text = texts.get(line) or (lines[line - 1].strip() if 0 < line <= len(lines) else "")
    where = {"line": line, "code": _clip(text)} if text else {}
    if isinstance(exc, AssertionError) and not hasattr(exc, "candidate_trace"):
        detail = {"verdict": "wrong_answer", **where}
        if calls.last is not None:
            detail.update(call=_clip(calls.last[0]), actual=_clip(repr(calls.last[1])))
        return detail
    if isinstance(exc, Unjudgeable):
        verdict = "runtime_error" if "ended" in str(exc) or "raised" in str(exc) else "wrong_answer"
        return {"verdict": verdict, **where, "error": _clip(str(exc))}
    trace = getattr(exc, "candidate_trace", None) or _traceback_text(exc)
    return {
        "verdict": "runtime_error",
        **where,
        "error": _clip(f"{type(exc).__name__}: {exc}"),
        "stderr": trace,
    }


def _test_line(exc):
    tb, line = exc.__traceback__, 0
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<tests>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _call_text(name, args, kwargs):
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return _clip(f"{name}({', '.join(parts)})")


def _clip(text, limit=CLIP):
    if len(text) <= limit:
        return text
    return text[:limit] + f"… [cut, {len(text)} chars]"


def _report(detail):
    os.write(3, marshal.dumps(detail))
    os._exit(0)
