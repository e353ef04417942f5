"""The servers the command line starts: the Streamlit app and a local Chroma server."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from newsdesk.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


def port_free(host: str, port: int) -> bool:
    """Whether a server could listen on host:port now (bound as Streamlit's server binds)."""
    import socket

    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
    except OSError:
        return False
    return True


def check_port(host: str, port: int) -> None:
    """A ConfigError naming a free port to use when host:port is taken, before anything starts."""
    if port_free(host, port):
        return
    spare = next((p for p in range(port + 1, min(port + 50, 65536)) if port_free(host, p)), None)
    hint = f" {spare}" if spare else " N"
    raise ConfigError(
        f"Port {port} on {host} is not available: another program (perhaps another newsdesk app) listens there.",
        f"choose another port: `newsdesk ui --port{hint}` (or `make run PORT={spare or 'N'}`).",
    )


def exec_app(settings, host: str, port: int, say) -> None:
    """Replace this process with the Streamlit app on host:port (headless), once the port is free."""
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "ui" / "app.py"),
        "--server.address", host, "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal",
        "--server.maxUploadSize", str(settings.max_upload_mb),
    ]  # fmt: skip
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, "PYTHONPATH": path}
    check_port(host, port)
    say(f"newsdesk app: http://{host}:{port}  (Ctrl-C stops it)")
    os.execve(sys.executable, command, env)  # streamlit takes over this process, and its signals


def run_chroma(settings, host: str, port: int, path: Path | None, say) -> int:
    """Run a local Chroma server in the foreground; its exit status."""
    import shutil
    import subprocess

    folder = path or settings.data_dir / "chroma-server"
    folder.mkdir(parents=True, exist_ok=True)
    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    say(
        f"Chroma server on http://{host}:{port}, data in {folder}; use NEWSDESK_CHROMA_HOST={host} NEWSDESK_CHROMA_PORT={port}"
    )
    return subprocess.call([chroma, "run", "--path", str(folder), "--host", host, "--port", str(port)])
