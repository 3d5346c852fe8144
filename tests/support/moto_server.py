#!/usr/bin/env python3
"""moto's AWS emulator, for the tests, with two answers fixed for the Rust AWS SDK.

Why this exists: moto 5.2.5 (`moto_server`) answers GetBucketVersioning and
GetBucketNotificationConfiguration with a wrong XML root element
(`<GetBucketVersioningResponse>`, `<GetBucketNotificationResponse>`) where S3 answers
`<VersioningConfiguration>` / `<NotificationConfiguration>`. boto3 does not look at the root's
name, but the Rust SDK's deserializer rejects it, so every S3 collector test would fail on those
two calls. This script runs moto's server the way `moto_server` does (moto.server.main: the
DomainDispatcherApplication over create_backend_app, werkzeug's threaded server, moto's request
handler) with a small WSGI middleware in front that renames those two roots (namespace and
children kept, Content-Length fixed). Every other answer passes through byte for byte.

Usage: python3 tests/support/moto_server.py --port N [--exit-on-stdin-eof] [--verbose]
(N = 0 lets the system pick a free port.) Prints `ready <port>` on stdout, once, when the socket
is listening; exits with status 0 on SIGTERM or SIGINT, and with --exit-on-stdin-eof also when
its stdin closes, so a test process that dies without cleaning up (killed by a timeout) does not
leave the server behind. Requires `pip install 'moto[server]==5.2.5'`.

It also sets, unless already set, MOTO_IAM_LOAD_MANAGED_POLICIES=true (AWS managed policies such
as AdministratorAccess exist) and MOTO_EC2_LOAD_DEFAULT_AMIS=false (no ~1,300 pre-made AMIs and
snapshots per region, which would drown a test account's inventory and slow every call).
"""

import argparse
import os
import re
import signal
import sys
from urllib.parse import parse_qs

# moto reads these at import time.
os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")

# S3 bucket sub-resource (query key) -> the root element S3 answers with.
FIXED_ROOTS = {
    "versioning": b"VersioningConfiguration",
    "notification": b"NotificationConfiguration",
}

# The XML prolog (declaration, comments, processing instructions, whitespace), then the root's
# start tag name.
_ROOT_START = re.compile(
    rb"\A((?:\s|<\?.*?\?>|<!--.*?-->)*)<([A-Za-z_][\w.\-]*)(?=[\s/>])", re.DOTALL
)


def rename_root(body: bytes, new_root: bytes) -> bytes:
    """Renames the document's root element, keeping its attributes (namespace) and children.

    Leaves the body unchanged when it is not a single-rooted XML document, or when the root is
    already right or is an `<Error>`.
    """
    m = _ROOT_START.match(body)
    if m is None:
        return body
    old = m.group(2)
    if old == new_root or old == b"Error":
        return body
    head = m.group(1) + b"<" + new_root
    rest = body[m.end():]
    stripped = rest.rstrip()
    trailing = rest[len(stripped):]
    end_re = re.compile(b"</" + re.escape(old) + rb"\s*>\Z")
    em = end_re.search(stripped)
    if em is not None:
        return head + stripped[: em.start()] + b"</" + new_root + b">" + trailing
    if stripped.endswith(b"/>") and b"<" not in stripped:
        # `<Root xmlns="..."/>`: the root is the only element.
        return head + rest
    return body


def s3_bucket_subresource(environ) -> bytes | None:
    """The root to fix for this request, if it is GET ?versioning / ?notification on a bucket."""
    if environ.get("REQUEST_METHOD", "").upper() != "GET":
        return None
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    wanted = [FIXED_ROOTS[k] for k in FIXED_ROOTS if k in query]
    if len(wanted) != 1:
        return None
    # A bucket, not an object: path style `/bucket` or `/bucket/`, virtual-host style `/`.
    path = environ.get("PATH_INFO", "")
    if "/" in path.strip("/"):
        return None
    return wanted[0]


class FixRootsMiddleware:
    """Buffers the two S3 answers and renames their roots; streams everything else."""

    def __init__(self, dispatcher):
        self.dispatcher = dispatcher

    def __call__(self, environ, start_response):
        new_root = s3_bucket_subresource(environ)
        if new_root is not None:
            # Ask moto's own dispatcher which backend serves the request: only S3 is fixed.
            app = self.dispatcher.get_application(environ)
            if getattr(app, "service", None) != "s3":
                new_root = None
        if new_root is None:
            return self.dispatcher(environ, start_response)

        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"] = status
            captured["headers"] = headers
            captured["exc_info"] = exc_info
            return lambda data: captured.setdefault("written", []).append(data)

        result = self.dispatcher(environ, capture)
        try:
            body = b"".join(captured.get("written", [])) + b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        status = captured["status"]
        headers = captured["headers"]
        if status.startswith("200"):
            body = rename_root(body, new_root)
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(body))))
        start_response(status, headers, captured.get("exc_info"))
        return [body]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, required=True, help="port to bind; 0 picks a free one")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    parser.add_argument("--exit-on-stdin-eof", action="store_true",
                        help="exit when stdin closes (the parent process is gone)")
    args = parser.parse_args(argv)

    import logging

    from werkzeug.serving import make_server

    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )

    if not args.verbose:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)

    def stop(signum, frame):
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    if args.exit_on_stdin_eof:
        import threading

        def watch_stdin():
            try:
                while sys.stdin.buffer.read(4096):
                    pass
            finally:
                # Wakes the main thread through the SIGTERM handler above.
                os.kill(os.getpid(), signal.SIGTERM)

        threading.Thread(target=watch_stdin, name="stdin-watch", daemon=True).start()

    dispatcher = DomainDispatcherApplication(create_backend_app)
    dispatcher.debug = True
    app = FixRootsMiddleware(dispatcher)

    # What werkzeug's run_simple (moto_server's runner) does without its reloader and banner:
    # make_server binds, so "ready" is printed only once connections are accepted.
    server = make_server(
        args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler
    )
    port = server.socket.getsockname()[1]
    # moto builds some URLs (SQS queue URLs…) from MOTO_PORT.
    os.environ["MOTO_PORT"] = str(port)
    sys.stdout.write(f"ready {port}\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except SystemExit:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
