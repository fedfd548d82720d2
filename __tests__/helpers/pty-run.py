#!/usr/bin/env python3
"""
Runs a command on a new pseudo-terminal, as a person at a terminal would: the terminal is the
command's controlling terminal and its stdin, stdout and stderr. When PROMPT appears in what the
command wrote, waits a moment (as a person reads the question; an answer typed at once can be in
the terminal before the command reads, which hides a reader that cannot wait), then types ANSWER
and Enter. Prints everything the command wrote to the terminal and exits with the command's exit
code (124 when it did not end within 60 seconds).

usage: pty-run.py PROMPT ANSWER COMMAND [ARG...]
"""
import os
import pty
import select
import signal
import sys
import time


def main() -> None:
    prompt, answer, argv = sys.argv[1].encode(), sys.argv[2].encode(), sys.argv[3:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    output = b""
    answered = False
    deadline = time.monotonic() + 60
    while True:
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            sys.stdout.buffer.write(output)
            sys.exit(124)
        ready, _, _ = select.select([fd], [], [], 0.1)
        if not ready:
            continue
        try:
            data = os.read(fd, 4096)
        except OSError:  # EIO: the command and its children have closed the terminal
            data = b""
        if not data:
            break
        output += data
        if not answered and prompt in output:
            time.sleep(0.5)
            os.write(fd, answer + b"\r")  # Enter sends CR; the terminal turns it into LF
            answered = True
    _, status = os.waitpid(pid, 0)
    sys.stdout.buffer.write(output)
    sys.exit(os.waitstatus_to_exitcode(status))


main()
