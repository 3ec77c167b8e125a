#!/usr/bin/env python3
"""Drive a running headless Chromium over the DevTools protocol.

    cdp.py PORTFILE STEP...

PORTFILE is the DevToolsActivePort file Chromium writes into its
--user-data-dir when started with --remote-debugging-port=0 (its first
line is the port).  The steps act on the browser's first page, in order,
as a user would: a click is a real mouse click at the element's centre,
typed text goes to the focused element.  No test hook in the page.

    goto URL          navigate and wait for the load event
    wait JS           poll the expression until it is truthy (15 s)
    eval NAME JS      print NAME, a tab and the value: a string as it
                      is (backslash, newline and tab escaped as \\, \\n
                      and \\t), anything else as JSON
    click SELECTOR    scroll the element into view and click its centre
    type TEXT         insert TEXT into the focused element
    key NAME          press and release Tab, Shift+Tab or Enter, as on
                      a keyboard (to the focused element)
    fill SELECTOR VALUE
                      pick VALUE in a <select> or an <input type=date>
                      as a user's choice in its popup does: focus, set
                      the value, fire input and change (headless
                      Chromium draws no popup to click); fails if the
                      control does not take the value (no such option,
                      a date out of its min and max is still taken,
                      as a typed one is)
    shot FILE         save a PNG of the whole page
    viewport W H      lay the page out W by H CSS pixels (a phone's
                      width), for the rest of this run
    scripts on|off    let the page run JavaScript or not (a browser
                      with JavaScript off: <noscript> is rendered), for
                      the rest of this run

Besides the eval lines it prints "dialog\\tMESSAGE" for every alert,
confirm or prompt the page opened (and dismisses it), and
"exception\\tTEXT" for every uncaught exception.  Exits 1 with an
"error\\t..." line when a step fails.

The WebSocket client (RFC 6455) is the minimum the protocol needs, so
that the test needs nothing beyond Python's standard library.
"""

import base64
import http.client
import json
import os
import socket
import struct
import sys
import time

TIMEOUT = 15.0


class WebSocket:
    """A client WebSocket: text frames out (masked), messages in."""

    def __init__(self, host, port, path):
        self.sock = socket.create_connection((host, port), timeout=TIMEOUT)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((
            "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n" % (path, host, port, key)
        ).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise OSError("connection closed during the handshake")
            head += chunk
        if not head.startswith(b"HTTP/1.1 101"):
            raise OSError("handshake refused: %r" % head.split(b"\r\n")[0])

    def _read(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise OSError("connection closed")
            buf += chunk
        return buf

    def _frame(self, opcode, payload):
        head = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(head + mask + body)

    def send(self, text):
        self._frame(0x1, text.encode())

    def recv(self):
        """The next text message (fragments joined; pings answered)."""
        message = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            data = self._read(n)
            if mask:
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
            opcode = b0 & 0x0F
            if opcode == 0x8:
                raise OSError("the browser closed the connection")
            if opcode == 0x9:
                self._frame(0xA, data)
                continue
            if opcode in (0x0, 0x1, 0x2):
                message += data
                if b0 & 0x80:
                    return message.decode()


class Page:
    """One page target: commands, and the events that come between."""

    def __init__(self, port):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        conn.request("GET", "/json/list")
        targets = json.loads(conn.getresponse().read())
        conn.close()
        url = next(t["webSocketDebuggerUrl"] for t in targets
                   if t["type"] == "page")
        self.ws = WebSocket("127.0.0.1", port, url.split(str(port), 1)[1])
        self.next_id = 0
        self.events = []

    def _event(self, msg):
        method = msg.get("method")
        params = msg.get("params", {})
        if method == "Page.javascriptDialogOpening":
            print("dialog\t%s" % params.get("message", ""), flush=True)
            self.next_id += 1
            self.ws.send(json.dumps({
                "id": self.next_id, "method": "Page.handleJavaScriptDialog",
                "params": {"accept": False}}))
        elif method == "Runtime.exceptionThrown":
            d = params.get("exceptionDetails", {})
            text = d.get("exception", {}).get("description") or d.get("text")
            print("exception\t%s" % " ".join(str(text).split()), flush=True)
        self.events.append(method)

    def call(self, method, **params):
        self.next_id += 1
        want = self.next_id
        self.ws.send(json.dumps({"id": want, "method": method,
                                 "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if "method" in msg:
                self._event(msg)
            elif msg.get("id") == want:
                if "error" in msg:
                    raise RuntimeError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})

    def until_event(self, method):
        deadline = time.time() + TIMEOUT
        while method not in self.events:
            if time.time() > deadline:
                raise RuntimeError("no %s within %g s" % (method, TIMEOUT))
            msg = json.loads(self.ws.recv())
            if "method" in msg:
                self._event(msg)

    def evaluate(self, expr):
        r = self.call("Runtime.evaluate", expression=expr,
                      returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            raise RuntimeError("%s: %s" % (expr, d.get("exception", {})
                                           .get("description", d["text"])))
        return r["result"].get("value")


def run(page, steps):
    i = 0
    while i < len(steps):
        op = steps[i]
        if op == "goto":
            page.events = []
            page.call("Page.navigate", url=steps[i + 1])
            page.until_event("Page.loadEventFired")
            i += 2
        elif op == "wait":
            deadline = time.time() + TIMEOUT
            while not page.evaluate(steps[i + 1]):
                if time.time() > deadline:
                    raise RuntimeError("timed out waiting for %s"
                                       % steps[i + 1])
                time.sleep(0.05)
            i += 2
        elif op == "eval":
            value = page.evaluate(steps[i + 2])
            if isinstance(value, str):
                value = (value.replace("\\", "\\\\")
                         .replace("\n", "\\n").replace("\t", "\\t"))
            else:
                value = json.dumps(value)
            print("%s\t%s" % (steps[i + 1], value), flush=True)
            i += 3
        elif op == "click":
            sel = json.dumps(steps[i + 1])
            xy = page.evaluate(
                "(function () { var e = document.querySelector(%s);"
                " e.scrollIntoView({block: 'center'});"
                " var r = e.getBoundingClientRect();"
                " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
                % sel)
            for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
                page.call("Input.dispatchMouseEvent", type=kind, x=xy[0],
                          y=xy[1], button="left", clickCount=1)
            i += 2
        elif op == "type":
            page.call("Input.insertText", text=steps[i + 1])
            i += 2
        elif op == "key":
            keys = {"Tab": (9, 0, ""), "Shift+Tab": (9, 8, ""),
                    "Enter": (13, 0, "\r")}
            if steps[i + 1] not in keys:
                raise RuntimeError("no key %r" % steps[i + 1])
            code, modifiers, text = keys[steps[i + 1]]
            name = steps[i + 1].split("+")[-1]
            page.call("Input.dispatchKeyEvent", type="keyDown", key=name,
                      code=name, windowsVirtualKeyCode=code,
                      modifiers=modifiers, text=text)
            page.call("Input.dispatchKeyEvent", type="keyUp", key=name,
                      code=name, windowsVirtualKeyCode=code,
                      modifiers=modifiers)
            i += 2
        elif op == "fill":
            sel, value = json.dumps(steps[i + 1]), json.dumps(steps[i + 2])
            got = page.evaluate(
                "(function () { var e = document.querySelector(%s);"
                " e.focus(); e.value = %s;"
                " e.dispatchEvent(new Event('input', {bubbles: true}));"
                " e.dispatchEvent(new Event('change', {bubbles: true}));"
                " return e.value; })()" % (sel, value))
            if got != steps[i + 2]:
                raise RuntimeError("%s took %r, not %r"
                                   % (steps[i + 1], got, steps[i + 2]))
            i += 3
        elif op == "shot":
            size = page.call("Page.getLayoutMetrics")["cssContentSize"]
            shot = page.call("Page.captureScreenshot", format="png",
                             captureBeyondViewport=True,
                             clip={"x": 0, "y": 0, "width": size["width"],
                                   "height": size["height"], "scale": 1})
            with open(steps[i + 1], "wb") as f:
                f.write(base64.b64decode(shot["data"]))
            i += 2
        elif op == "viewport":
            page.call("Emulation.setDeviceMetricsOverride",
                      width=int(steps[i + 1]), height=int(steps[i + 2]),
                      deviceScaleFactor=1, mobile=False)
            i += 3
        elif op == "scripts":
            if steps[i + 1] not in ("on", "off"):
                raise RuntimeError("scripts on or off, not %r"
                                   % steps[i + 1])
            page.call("Emulation.setScriptExecutionDisabled",
                      value=steps[i + 1] == "off")
            i += 2
        else:
            raise RuntimeError("unknown step %r" % op)


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: cdp.py PORTFILE STEP...")
    with open(sys.argv[1]) as f:
        port = int(f.readline())
    try:
        page = Page(port)
        page.call("Page.enable")
        page.call("Runtime.enable")
        run(page, sys.argv[2:])
    except (OSError, RuntimeError, ValueError, KeyError, StopIteration) as e:
        print("error\t%s" % " ".join(str(e).split()), flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
