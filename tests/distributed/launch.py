"""Starting a distributed test's processes, bounded in time."""

import os
import signal
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


def python():
    return sys.executable
