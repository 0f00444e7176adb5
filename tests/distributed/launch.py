"""Starting a distributed test's processes, bounded in time."""

import os
import signal
import socket
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_bounded(command, env=None, timeout=240):
    """Runs `command` in its own process group from the repository root.

    Kills the whole group and fails with its output if it outlives
    `timeout` seconds or exits non-zero.
    """
    env = dict(os.environ, **(env or {}))
    env["PYTHONPATH"] = os.pathsep.join([ROOT, env.get("PYTHONPATH", "")])
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        raise AssertionError(
            f"{command} did not finish within {timeout} s; killed.\n{output[-4000:]}"
        ) from None
    if process.returncode != 0:
        raise AssertionError(
            f"{command} exited with {process.returncode}.\n{output[-4000:]}"
        )
    return output


def run_together(commands, envs, timeout=240):
    """Runs `commands[0]` as `run_bounded` does, the others beside it.

    `envs[i]` adds to the environment of `commands[i]`. Fails if any
    fails; kills those still running when the first ends or fails.
    """
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    env["PYTHONPATH"] = os.pathsep.join([ROOT, env.get("PYTHONPATH", "")])
    others = [
        subprocess.Popen(
            command,
            cwd=ROOT,
            env=dict(env, **extra),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for command, extra in zip(commands[1:], envs[1:], strict=True)
    ]
    try:
        run_bounded(commands[0], env=envs[0], timeout=timeout)
        for process in others:
            assert process.wait(timeout=60) == 0, f"{process.args} failed"
    finally:
        for process in others:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def free_ports(count):
    """`count` distinct free TCP ports on 127.0.0.1."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def python():
    return sys.executable
