"""Small fake LLM servers on 127.0.0.1 for tests: OpenAI-compatible chat completions and Ollama's /api/chat."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeLLMServer:
    """Serves scripted replies (split into streamed pieces) and records every request body."""

    def __init__(self, reply: str = "Hello [1].", pieces: list[str] | None = None, status: int = 200,
                 replies: list[str] | None = None):  # fmt: skip
        self.reply = reply
        self.replies = list(replies or [])  # one per request, in order, before `reply`
        self.pieces = pieces
        self.status = status
        self.requests: list[dict] = []
        self.paths: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def openai_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def ollama_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def split(self) -> list[str]:
        """The reply in streamed pieces (given, or about 7 characters each)."""
        return self.pieces or [self.reply[i : i + 7] for i in range(0, len(self.reply), 7)]

    def __enter__(self) -> FakeLLMServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _json(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                fake.paths.append(self.path)
                self._json(200, {"object": "list", "data": [{"id": "fake", "object": "model"}], "models": []})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.paths.append(self.path)
                fake.requests.append(body)
                if fake.replies:
                    fake.reply, fake.pieces = fake.replies.pop(0), None
                if fake.status != 200:
                    self._json(
                        fake.status, {"error": {"message": "scripted failure", "type": "server_error"}}
                    )
                elif self.path.endswith("/chat/completions"):
                    self._openai(body)
                elif self.path == "/api/chat":
                    self._ollama(body)
                else:
                    self._json(404, {"error": f"no route {self.path}"})

            def _openai(self, body: dict) -> None:
                created, model = int(time.time()), body.get("model", "fake")
                if not body.get("stream"):
                    message = {"role": "assistant", "content": fake.reply}
                    self._json(200, {"id": "c1", "object": "chat.completion", "created": created, "model": model,
                                     "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                                     "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})  # fmt: skip
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for i, piece in enumerate([*fake.split(), None]):
                    delta = {"content": piece} if piece is not None else {}
                    if i == 0:
                        delta["role"] = "assistant"
                    chunk = {"id": "c1", "object": "chat.completion.chunk", "created": created, "model": model,
                             "choices": [{"index": 0, "delta": delta, "finish_reason": None if piece is not None else "stop"}]}  # fmt: skip
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

            def _ollama(self, body: dict) -> None:
                model = body.get("model", "fake")
                self.send_response(200)
                self.send_header("Content-Type", "application/x-ndjson")
                self.end_headers()
                for piece in fake.split():
                    line = {"model": model, "created_at": "2024-01-01T00:00:00Z",
                            "message": {"role": "assistant", "content": piece}, "done": False}  # fmt: skip
                    self.wfile.write((json.dumps(line) + "\n").encode())
                done = {"model": model, "created_at": "2024-01-01T00:00:00Z", "message": {"role": "assistant", "content": ""},
                        "done": True, "done_reason": "stop", "total_duration": 1, "prompt_eval_count": 1, "eval_count": 1}  # fmt: skip
                self.wfile.write((json.dumps(done) + "\n").encode())
                self.wfile.flush()

        return Handler
