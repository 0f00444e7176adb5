"""Keeps the frameworks' C++ log lines off the `ganzoo` command's console.

TensorFlow prints a few lines when it is imported (under the TensorFlow
backend by `import keras`, under JAX and PyTorch by Keras when it saves a
model) and one when Grappler cannot fuse a training step:

```text
WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
I0000 00:00:... port.cc:153] oneDNN custom operations are on. You may see ...
I0000 00:00:... cpu_feature_guard.cc:227] This TensorFlow binary is optimized ...
To enable the following instructions: AVX2 AVX512F ..., rebuild TensorFlow ...
E0000 00:00:... meta_optimizer.cc:967] remapper failed: INVALID_ARGUMENT: ...
```

`TF_CPP_MIN_LOG_LEVEL=2` (set for the command unless the user set it)
removes TensorFlow's own INFO and WARNING lines, such as the CPU-feature
notice, and keeps its errors. The oneDNN notice and absl's line before it
go through absl's logging, which reads no environment variable (only
`TF_ENABLE_ONEDNN_OPTS=0` removes them, by turning oneDNN off, which
changes the numbers), and `remapper failed` is an error line that only
says an optional graph rewrite was skipped. So the command also passes its
stderr through a small filter process that drops exactly these lines and
forwards everything else as it comes; a crash's last words still arrive,
because the filter keeps reading until the command's end of the pipe
closes. `TF_CPP_MIN_LOG_LEVEL=0` shows everything, filter off.

None of this happens in a program that imports ganzoo: it runs only when
this process is the `ganzoo` command (its console script or
`python -m ganzoo.cli`). It must run before Keras is imported, which
`ganzoo/__init__.py` does, so that file imports this module first, and
this module imports only the standard library.
"""

import atexit
import os
import re
import signal
import sys
import time

#: Environment variables the command sets when the user has not set them.
ENVIRONMENT = {"TF_CPP_MIN_LOG_LEVEL": "2"}

#: The lines the filter drops (matched from the start of a line).
NOISE = re.compile(
    rb"WARNING: All log messages before absl::InitializeLog\(\) is called"
    rb"|(?:[IWEF]\d{4} |\d{4}-\d\d-\d\d ).*?\] (?:oneDNN custom operations are on"
    rb"|This TensorFlow binary is optimized to use|remapper failed: )"
    rb"|To enable the following instructions: .*rebuild TensorFlow"
)
# A partial line is held back until its end arrives only if it may start a
# log line; anything else (a progress line) is forwarded at once.
_MAY_BE_NOISE = re.compile(rb"[IWEFT0-9]")
_DRAIN_SECONDS = 2.0
_INTERPRETER_OPTIONS_WITH_VALUE = ("-W", "-X", "--check-hash-based-pycs")
# `python -m` modules that run the command (ganzoo.demo: until it goes).
_COMMAND_MODULES = ("ganzoo.cli", "ganzoo.demo")


def is_command(argv0=None, orig_argv=None):
    """True when this process runs the `ganzoo` command.

    Args:
        argv0: The program (default `sys.argv[0]`): the console script
            `ganzoo` (`ganzoo.exe`, `ganzoo-script.py` on Windows).
        orig_argv: The interpreter's arguments (default `sys.orig_argv`),
            for `python -m ganzoo.cli` (and the deprecated
            `python -m ganzoo.demo`).

    Example:
        >>> is_command("/usr/bin/ganzoo", [])
        True
        >>> is_command("-m", ["python", "-W", "error", "-m", "ganzoo.cli"])
        True
        >>> is_command("my_script.py", ["python", "my_script.py"])
        False
    """
    argv0 = (sys.argv[0] if sys.argv else "") if argv0 is None else argv0
    program = re.split(r"[\\/]", argv0)[-1]  # either separator, on any system
    program = re.sub(r"(-script\.pyw?|\.exe)$", "", program)
    if program == "ganzoo":
        return True
    orig_argv = getattr(sys, "orig_argv", []) if orig_argv is None else orig_argv
    arguments = iter(orig_argv[1:])
    for argument in arguments:
        if argument == "-m":
            return next(arguments, None) in _COMMAND_MODULES
        if argument.startswith("-m"):
            return argument[2:] in _COMMAND_MODULES
        if argument in _INTERPRETER_OPTIONS_WITH_VALUE:
            next(arguments, None)
        elif not argument.startswith("-") or argument == "-c":
            return False
    return False


def quiet_frameworks():
    """Sets `ENVIRONMENT` where unset and filters `NOISE` out of stderr.

    The filter is a forked process (none where `os.fork` does not exist)
    that reads the command's stderr through a pipe; at exit, the command
    gives its stderr back and waits up to 2 s for the filter to finish.
    """
    for name, value in ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    if os.environ["TF_CPP_MIN_LOG_LEVEL"] == "0" or not hasattr(os, "fork"):
        return
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    stderr = os.dup(2)
    pid = os.fork()
    if pid == 0:  # the filter
        try:
            os.close(write_end)
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1):  # holds no pipe of the command's caller open
                os.dup2(devnull, fd)
            # Ctrl-C stops the command, which prints why: keep forwarding.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            forward(read_end, stderr)
        finally:
            os._exit(0)
    os.close(read_end)
    os.dup2(write_end, 2)
    os.close(write_end)
    atexit.register(_give_back, stderr, pid)


def forward(read_end, write_end):
    """Copies `read_end` to `write_end` until EOF, without the `NOISE` lines.

    Complete lines are checked; a partial line is forwarded at once (a
    progress line) unless it may start a log line, then it waits for its
    end.
    """
    pending = b""
    mid_line = False  # a partial line was forwarded: its rest goes too
    while chunk := os.read(read_end, 65536):
        *lines, tail = (pending + chunk).split(b"\n")
        pending = b""
        kept = []
        for line in lines:
            if mid_line or not NOISE.match(line):
                kept.append(line + b"\n")
            mid_line = False
        if tail and (mid_line or not _MAY_BE_NOISE.match(tail)):
            kept.append(tail)
            mid_line = True
        elif tail:
            pending = tail
        if not _write(write_end, b"".join(kept)):
            return
    _write(write_end, pending)


def _write(fd, data):
    """Writes all of `data`; False once the reader has gone."""
    try:
        while data:
            data = data[os.write(fd, data) :]
    except OSError:
        return False
    return True


def _give_back(stderr, pid):
    """Restores fd 2 (the filter reads EOF) and lets the filter finish."""
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os.dup2(stderr, 2)
    os.close(stderr)
    deadline = time.monotonic() + _DRAIN_SECONDS
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0]:
                return
        except ChildProcessError:  # already reaped
            return
        time.sleep(0.005)


if is_command():
    quiet_frameworks()
