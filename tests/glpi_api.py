#!/usr/bin/python3
"""glpi_api.py - a stand-in for GLPI's REST API (apirest.php) for the tests.

Serves the calls npsd makes to find a ticket's requester address, with the
response shapes of GLPI 10/11's legacy REST API (src/Glpi/Api/API.php and
src/Glpi/Api/APIRest.php in glpi-project/glpi; see
tests/fixtures/glpi/README.md for the line-by-line sources):

  GET /apirest.php/initSession            Authorization: user_token T [, App-Token]
      200 {"session_token": "..."}
  GET /apirest.php/killSession            Session-Token [, App-Token]   200 true
  GET /apirest.php/Ticket/ID/Ticket_User  Session-Token [, App-Token]
      200 (or 206 with a range smaller than the total) [{"id", "tickets_id",
      "users_id", "type", "use_notification", "alternative_email", "links"}]
  GET /apirest.php/User/ID/UserEmail      200 [{"id", "users_id", "is_default",
      "is_dynamic", "email", "links"}]
  GET /apirest.php/User/ID                200 {"id", "name", "realname",
      "firstname", "language", ..., "links"}

Errors are GLPI's: a JSON array [STATUS, message] with the HTTP code GLPI
uses (400 ERROR_SESSION_TOKEN_MISSING, 401 ERROR_SESSION_TOKEN_INVALID,
401 ERROR_GLPI_LOGIN_USER_TOKEN, 400 ERROR_APP_TOKEN_PARAMETERS_MISSING,
400 ERROR_WRONG_APP_TOKEN_PARAMETER, 400 ERROR_NOT_ALLOWED_IP,
403 ERROR_RIGHT_MISSING, 404 ERROR_ITEM_NOT_FOUND, 400
ERROR_JSON_PAYLOAD_FORBIDDEN for a GET with a body). A forced 500 is what a
PHP fatal error behind Apache gives: an HTML page.

Data: built in (the tickets of tests/fixtures/glpi), or --data FILE with
{"tickets": {"ID": [{"users_id": N, "type": 1, "alternative_email": ""}]},
 "users": {"ID": {"name": ..., "realname": ..., "firstname": ...,
                  "language": ..., "emails": [{"email": ..., "is_default": 1}]}}}
merged over the built-in data.

Switches: --user-token / --app-token (what is accepted; no --app-token = the
API client has none, so none is needed), --fail STATUS (401, 403, 404, 500)
for --fail-on CALL (initSession, Ticket_User, UserEmail, User or all;
default all but initSession for 401, all otherwise) on the first
--fail-count requests of that call (default: every one), --delay SECONDS
before answering (for the first --delay-count requests, default all),
--no-address (requesters have no UserEmail and no alternative_email),
--session-uses N (a session token dies after N uses: the next use is 401
ERROR_SESSION_TOKEN_INVALID), --not-allowed-ip. Every request is appended to
--log FILE as one JSON line. Listens on 127.0.0.1 only; writes its port to
--port-file; stops on SIGTERM or after --lifetime seconds (default 600).
Standard library only.
"""
import argparse
import json
import os
import secrets
import signal
import socket
import sys
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

REQUESTER, ASSIGN, OBSERVER = 1, 2, 3   # CommonITILActor::REQUESTER/ASSIGN/OBSERVER

# The tickets of tests/fixtures/glpi: 2147 (requester user 48, two
# addresses, the default one second), 2151 (a requester known only by
# address: users_id 0 + alternative_email, as the mail collector makes it),
# 2152 (requester user 49 without any address).
BUILTIN = {
    "tickets": {
        "2147": [
            {"users_id": 48, "type": REQUESTER, "use_notification": 1, "alternative_email": ""},
            {"users_id": 7, "type": ASSIGN, "use_notification": 1, "alternative_email": ""},
        ],
        "2148": [
            {"users_id": 48, "type": REQUESTER, "use_notification": 1, "alternative_email": ""},
        ],
        "2149": [
            {"users_id": 49, "type": REQUESTER, "use_notification": 1, "alternative_email": ""},
            {"users_id": 7, "type": ASSIGN, "use_notification": 1, "alternative_email": ""},
        ],
        "2151": [
            {"users_id": 0, "type": REQUESTER, "use_notification": 1,
             "alternative_email": "jan.devries@example.net"},
            {"users_id": 7, "type": ASSIGN, "use_notification": 1, "alternative_email": ""},
        ],
        "2152": [
            {"users_id": 49, "type": REQUESTER, "use_notification": 1, "alternative_email": ""},
        ],
    },
    "users": {
        "7": {"name": "ilse", "realname": "de Wit", "firstname": "Ilse", "language": "nl_NL",
              "emails": [{"email": "ilse@helpdesk.example.org", "is_default": 1}]},
        "48": {"name": "daan.muller", "realname": "M\u00fcller", "firstname": "Daan",
               "language": "nl_NL",
               "emails": [{"email": "d.muller@old.example.net", "is_default": 0},
                          {"email": "daan.mulder@example.net", "is_default": 1}]},
        "49": {"name": "kiosk", "realname": "Kiosk", "firstname": "", "language": None,
               "emails": []},
    },
}


def user_row(api_url, uid, u):
    """GET /User/ID: the glpi_users columns (the undisclosed ones removed by
    User::$undisclosedFields are absent), then HATEOAS links."""
    row = {
        "id": uid, "name": u.get("name"), "phone": None, "phone2": None, "mobile": None,
        "realname": u.get("realname"), "firstname": u.get("firstname"),
        "locations_id": 0, "language": u.get("language"), "use_mode": 0,
        "list_limit": None, "is_active": 1, "comment": None, "auths_id": 0,
        "authtype": 1, "last_login": "2026-11-20 08:02:11", "date_mod": "2026-10-01 09:00:00",
        "date_sync": None, "is_deleted": 0, "profiles_id": 1, "entities_id": 0,
        "usertitles_id": 0, "usercategories_id": 0, "csv_delimiter": None,
        "is_deleted_ldap": 0, "groups_id": 0, "users_id_supervisor": 0,
        "timezone": None, "default_dashboard_central": None, "date_creation": "2026-01-12 10:15:00",
        "links": [
            {"rel": "Entity", "href": "%s/Entity/0" % api_url},
            {"rel": "Profile", "href": "%s/Profile/1" % api_url},
        ],
    }
    return row


class Api:
    def __init__(self, args, data):
        self.args = args
        self.data = data
        self.lock = threading.Lock()
        self.sessions = {}          # token -> uses left (None = unlimited)
        self.fail_left = {}         # call -> failures left
        self.delay_left = args.delay_count
        self.email_ids = {}

    def fail_now(self, call):
        a = self.args
        if not a.fail:
            return False
        on = a.fail_on
        if on is None:
            on = "data" if a.fail == 401 else "all"
        if on == "data":
            hit = call != "initSession"
        else:
            hit = on == "all" or on == call
        if not hit:
            return False
        with self.lock:
            left = self.fail_left.get(call, a.fail_count)
            if left == 0:
                return False
            if left > 0:
                self.fail_left[call] = left - 1
        return True

    def delay_now(self):
        if self.args.delay <= 0:
            return 0
        with self.lock:
            if self.delay_left == 0:
                return 0
            if self.delay_left > 0:
                self.delay_left -= 1
        return self.args.delay


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Apache"
    sys_version = ""

    def version_string(self):
        return "Apache"

    def log_message(self, fmt, *args):   # quiet: the --log file is the record
        pass

    # --- responses -------------------------------------------------------
    def send_json(self, code, value, extra=None):
        # APIRest::returnResponse: JSON_UNESCAPED_UNICODE|JSON_UNESCAPED_SLASHES
        body = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        # Html::header_nocache()
        self.send_header("Cache-Control", "no-store, no-cache, must-revalidate")
        self.send_header("Pragma", "no-cache")
        self.send_header("Expires", "Mon, 26 Jul 1997 05:00:00 GMT")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def error(self, code, status, message, doc=False):
        # API::returnError(): [statuscode, message], with a documentation
        # link appended when $docmessage is true
        if doc:
            message += "; view documentation in your browser at %s/#%s" % (self.api_url(), status)
        self.send_json(code, [status, message])

    def html_500(self):
        body = (b"<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n"
                b"<title>500 Internal Server Error</title>\n</head><body>\n"
                b"<h1>Internal Server Error</h1>\n<p>The server encountered an internal error or\n"
                b"misconfiguration and was unable to complete your request.</p>\n</body></html>\n")
        self.send_response(500)
        self.send_header("Content-Type", "text/html; charset=iso-8859-1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def api_url(self):
        host = self.headers.get("Host") or "127.0.0.1:%d" % self.server.server_address[1]
        return "http://%s/apirest.php" % host

    def forced(self, api, call):
        code = api.args.fail
        if code == 500:
            self.html_500()
        elif code == 401 and call == "initSession":
            self.error(401, "ERROR_GLPI_LOGIN_USER_TOKEN", "parameter user_token seems invalid")
        elif code == 401:
            with api.lock:
                api.sessions.pop(self.headers.get("Session-Token", ""), None)
            self.error(401, "ERROR_SESSION_TOKEN_INVALID", "session_token seems invalid")
        elif code == 403:
            self.error(403, "ERROR_RIGHT_MISSING", "You don't have permission to perform this action.")
        else:
            self.error(404, "ERROR_ITEM_NOT_FOUND", "Item not found")

    # --- request handling -----------------------------------------------
    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def do_PUT(self):
        self.handle_any("PUT")

    def handle_any(self, method):
        api = self.server.api
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        parts = [p for p in url.path.split("/") if p]
        if parts[:1] != ["apirest.php"]:
            self.send_response(404)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        parts = parts[1:]
        if parts[:1] == ["v1"]:
            parts = parts[1:]
        call = self.call_name(parts)
        self.log(api, method, url, call)
        delay = api.delay_now()
        if delay > 0:
            time.sleep(delay)

        if api.args.not_allowed_ip:
            return self.error(400, "ERROR_NOT_ALLOWED_IP",
                              "There isn't an active API client matching your IP address in the "
                              "configuration (%s)" % self.client_address[0])
        if method == "GET" and body.strip():
            return self.error(400, "ERROR_JSON_PAYLOAD_FORBIDDEN",
                              "GET Request should not have json payload (http body)", doc=True)
        # API::checkAppToken(), first thing of initSession and every endpoint
        app = self.headers.get("App-Token") or parse_qs(url.query).get("app_token", [""])[0]
        if api.args.app_token:
            if app == "":
                return self.error(400, "ERROR_APP_TOKEN_PARAMETERS_MISSING",
                                  "missing parameter app_token", doc=True)
            if app != api.args.app_token:
                return self.error(400, "ERROR_WRONG_APP_TOKEN_PARAMETER",
                                  "parameter app_token seems wrong", doc=True)
        elif app != "":
            return self.error(400, "ERROR_WRONG_APP_TOKEN_PARAMETER",
                              "parameter app_token seems wrong", doc=True)

        if call == "initSession":
            return self.init_session(api)
        # API::checkSessionToken()
        token = self.headers.get("Session-Token") or parse_qs(url.query).get("session_token", [""])[0]
        if token == "":
            return self.error(400, "ERROR_SESSION_TOKEN_MISSING",
                              "parameter session_token is missing or empty", doc=True)
        with api.lock:
            valid = token in api.sessions
            if valid and api.sessions[token] is not None:
                if api.sessions[token] <= 0:
                    del api.sessions[token]
                    valid = False
                else:
                    api.sessions[token] -= 1
        if not valid:
            return self.error(401, "ERROR_SESSION_TOKEN_INVALID", "session_token seems invalid")
        if call == "killSession":
            with api.lock:
                api.sessions.pop(token, None)
            return self.send_json(200, True)
        if method != "GET":
            return self.error(405, "ERROR_METHOD_NOT_ALLOWED", "Method Not Allowed", doc=True)
        if call is None:
            return self.error(400, "ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM",
                              "resource not found or not an instance of CommonDBTM", doc=True)
        if api.fail_now(call):
            return self.forced(api, call)
        if call == "Ticket_User":
            return self.ticket_users(api, parts[1], url)
        if call == "UserEmail":
            return self.user_emails(api, parts[1], url)
        return self.user(api, parts[1])

    def call_name(self, parts):
        if parts == ["initSession"] or parts == ["killSession"]:
            return parts[0]
        if len(parts) == 3 and parts[0] == "Ticket" and parts[1].isdigit() and parts[2] == "Ticket_User":
            return "Ticket_User"
        if len(parts) == 3 and parts[0] == "User" and parts[1].isdigit() and parts[2] == "UserEmail":
            return "UserEmail"
        if len(parts) == 2 and parts[0] == "User" and parts[1].isdigit():
            return "User"
        return None

    def log(self, api, method, url, call):
        if not api.args.log:
            return
        rec = {"time": round(time.time(), 3), "method": method, "path": url.path,
               "query": url.query, "call": call,
               "authorization": self.headers.get("Authorization"),
               "app_token": self.headers.get("App-Token"),
               "session_token": self.headers.get("Session-Token"),
               "content_type": self.headers.get("Content-Type")}
        with api.lock:
            with open(api.args.log, "a") as f:
                f.write(json.dumps(rec) + "\n")

    def init_session(self, api):
        # APIRest::parseIncomingParams: 'Authorization' containing "user_token",
        # the token is the second space-separated word; API::initSession()
        if api.fail_now("initSession"):
            return self.forced(api, "initSession")
        auth = self.headers.get("Authorization") or ""
        user_token = ""
        if "user_token" in auth:
            words = auth.split(" ")
            if len(words) > 1:
                user_token = words[1]
        if user_token == "":
            return self.error(400, "ERROR_LOGIN_PARAMETERS_MISSING",
                              "parameter(s) login, password or user_token are missing", doc=True)
        if user_token != api.args.user_token:
            return self.error(401, "ERROR_GLPI_LOGIN_USER_TOKEN", "parameter user_token seems invalid")
        token = secrets.token_hex(20)   # like apirest.md's example session_token
        with api.lock:
            api.sessions[token] = api.args.session_uses if api.args.session_uses > 0 else None
        self.send_json(200, {"session_token": token})

    def list_response(self, rows, url, itemtype):
        # APIRest::call(): range (default 0-(list_limit-1)), 200 or 206,
        # Accept-Range and, when anything matched, Content-Range;
        # get_hateoas=false drops the links (API::getItems())
        q = parse_qs(url.query)
        if q.get("get_hateoas", [""])[0] in ("false", "0"):
            rows = [{k: v for k, v in r.items() if k != "links"} for r in rows]
        start, end = 0, 19      # $_SESSION['glpilist_limit'] = 20 (GLPI's default)
        if "range" in q:
            try:
                start, end = (int(x) for x in q["range"][0].split("-"))
            except ValueError:
                return self.error(400, "ERROR", "range must be in format : [start-end] with integers",
                                  doc=True)
        total = len(rows)
        if start > total:
            return self.error(400, "ERROR_RANGE_EXCEED_TOTAL",
                              "Provided range exceed total count of data: %d" % total, doc=True)
        page = rows[start:end + 1]
        shown_end = min(end, total - 1)
        code = 206 if shown_end - start + 1 < total else 200
        headers = {"Accept-Range": "%s 1000" % itemtype}
        if total > 0:
            headers["Content-Range"] = "%d-%d/%d" % (start, shown_end, total)
        self.send_json(code, page, headers)

    def ticket_users(self, api, tid, url):
        rows = api.data["tickets"].get(tid)
        if rows is None:
            return self.error(404, "ERROR_ITEM_NOT_FOUND", "Item not found")
        out = []
        base = 9000 + int(tid) * 10
        for i, r in enumerate(rows):
            alt = r.get("alternative_email", "")
            if api.args.no_address and r.get("type") == REQUESTER:
                alt = ""
            row = {"id": base + i, "tickets_id": int(tid), "users_id": r.get("users_id", 0),
                   "type": r.get("type", REQUESTER), "use_notification": r.get("use_notification", 1),
                   "alternative_email": alt}
            # API::parseDropdowns(): a link per foreign key > 0
            links = [{"rel": "Ticket", "href": "%s/Ticket/%s" % (self.api_url(), tid)}]
            if row["users_id"] > 0:
                links.append({"rel": "User", "href": "%s/User/%d" % (self.api_url(), row["users_id"])})
            row["links"] = links
            out.append(row)
        self.list_response(out, url, "Ticket_User")

    def user_emails(self, api, uid, url):
        u = api.data["users"].get(uid)
        if u is None:
            return self.error(404, "ERROR_ITEM_NOT_FOUND", "Item not found")
        emails = [] if api.args.no_address else u.get("emails", [])
        out = []
        for i, e in enumerate(emails):
            out.append({"id": 500 + int(uid) * 10 + i, "users_id": int(uid),
                        "is_default": e.get("is_default", 0), "is_dynamic": e.get("is_dynamic", 0),
                        "email": e.get("email"),
                        "links": [{"rel": "User", "href": "%s/User/%s" % (self.api_url(), uid)}]})
        self.list_response(out, url, "UserEmail")

    def user(self, api, uid):
        u = api.data["users"].get(uid)
        if u is None:
            return self.error(404, "ERROR_ITEM_NOT_FOUND", "Item not found")
        row = user_row(self.api_url(), int(uid), u)
        if parse_qs(urlsplit(self.path).query).get("get_hateoas", [""])[0] in ("false", "0"):
            del row["links"]
        # APIRest::call(): Last-Modified from date_mod
        lm = formatdate(time.mktime(time.strptime(row["date_mod"], "%Y-%m-%d %H:%M:%S")), usegmt=True)
        self.send_json(200, row, {"Last-Modified": lm})


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_data(path):
    data = json.loads(json.dumps(BUILTIN))
    if path:
        with open(path) as f:
            extra = json.load(f)
        for key in ("tickets", "users"):
            data[key].update({str(k): v for k, v in extra.get(key, {}).items()})
    return data


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--user-token", default="npsd-test-user-token-0123456789abcdef0123")
    ap.add_argument("--app-token", default="")
    ap.add_argument("--data")
    ap.add_argument("--fail", type=int, choices=[401, 403, 404, 500])
    ap.add_argument("--fail-on", choices=["all", "initSession", "Ticket_User", "UserEmail", "User"])
    ap.add_argument("--fail-count", type=int, default=-1)
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--delay-count", type=int, default=-1)
    ap.add_argument("--no-address", action="store_true")
    ap.add_argument("--session-uses", type=int, default=0)
    ap.add_argument("--not-allowed-ip", action="store_true")
    ap.add_argument("--log")
    ap.add_argument("--lifetime", type=float, default=600.0)
    args = ap.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", args.port or free_port()), Handler)
    server.daemon_threads = True
    server.api = Api(args, load_data(args.data))
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    t = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    t.start()
    deadline = time.time() + args.lifetime    # never outlive a test run
    while not stop.is_set() and time.time() < deadline:
        stop.wait(0.2)
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
