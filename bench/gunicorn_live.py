"""A real gunicorn server of the panel, and a browser-like HTTP client.

Used by ``bench/load.py`` and by the production and crash-safety tests: the
server is started exactly as docs/operations.md's "Production" says (``gunicorn -c
gunicorn.conf.py wsgi:app`` with settings from the environment), as its own
process group, and stopped by its id.
"""
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from http.cookies import SimpleCookie
from urllib.parse import urlencode

PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_env(database_url, upload_folder, **extra):
    """The environment of a production process of the panel."""
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url,
        "UPLOAD_FOLDER": str(upload_folder),
        "SECRET_KEY": env.get("LOAD_SECRET_KEY", "live-" + uuid.uuid4().hex),
        "PYTHONPATH": PROJECT_DIR,
    })
    env.update({key: str(value) for key, value in extra.items()})
    return env


def flask(env, *args, check=True):
    """``flask --app app ARGS`` in a subprocess with ``env``."""
    return subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args],
                          cwd=PROJECT_DIR, env=env, check=check, capture_output=True,
                          text=True)


class Server:
    """``gunicorn -c gunicorn.conf.py wsgi:app`` on a free loopback port."""

    def __init__(self, env, workers=2, threads=4, log_path=None):
        self.port = free_port()
        self.env = dict(env, GUNICORN_BIND=f"127.0.0.1:{self.port}",
                        WEB_CONCURRENCY=str(workers), GUNICORN_THREADS=str(threads),
                        GUNICORN_ACCESSLOG=env.get("GUNICORN_ACCESSLOG", ""))
        self.log_path = log_path or os.devnull
        self.process = None

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=90):
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=PROJECT_DIR, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}); "
                                   f"see {self.log_path}")
            try:
                if Browser(self.port).get("/login/").status == 200:
                    if len(self.worker_pids()) >= int(self.env["WEB_CONCURRENCY"]):
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start in time")

    def worker_pids(self):
        """The live worker processes (children of the gunicorn master)."""
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid and fields[0] != "Z":
                pids.append(int(entry))
        return sorted(pids)

    def wait_for_workers(self, count, excluding=(), timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = [p for p in self.worker_pids() if p not in excluding]
            if len(pids) >= count:
                return pids
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not replace its worker")

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # quick shutdown
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # our own process group
                self.process.wait()
        self._log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    @property
    def location(self):
        return self.headers.get("location", "")


class Browser:
    """One person's browser: a cookie jar and CSRF tokens; a new connection per
    request (so requests spread over the workers), redirects not followed."""

    def __init__(self, port, timeout=60):
        self.port = port
        self.timeout = timeout
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            headers = dict(headers or {})
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            connection.request(method, path, body=body, headers=headers)
            reply = connection.getresponse()
            data = reply.read()
            for value in reply.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(value)
                for name, morsel in cookie.items():
                    self.cookies[name] = morsel.value
            return Response(reply.status, {k.lower(): v for k, v in reply.getheaders()},
                            data)
        finally:
            connection.close()

    def get(self, path):
        return self.request("GET", path)

    def csrf(self, path):
        page = self.get(path)
        found = CSRF.search(page.text)
        return page, (found.group(1) if found else None)

    def post(self, path, fields):
        return self.request("POST", path, body=urlencode(fields, doseq=True),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})

    def post_multipart(self, path, fields, files):
        body, content_type = multipart(fields, files)
        return self.request("POST", path, body=body, headers={"Content-Type": content_type})

    def login(self, username, password):
        _, token = self.csrf("/login/")
        fields = {"username": username, "password": password}
        if token:
            fields["csrf_token"] = token
        return self.post("/login/", fields)


def multipart(fields, files):
    """``fields`` {name: str or [str]}, ``files`` {name: (filename, bytes)}."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, values in fields.items():
        for value in values if isinstance(values, (list, tuple)) else [values]:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                         f"\r\n\r\n{value}\r\n".encode())
    for name, (filename, data) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
                     .encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
