"""PG Lens capture for Python, loaded through PYTHONPATH (this file is a sitecustomize).

Wraps psycopg2 (connect -> connection/cursor subclasses), psycopg 3 (Cursor.execute,
AsyncCursor.execute) and asyncpg (Connection.fetch/fetchrow/fetchval/execute/executemany), which
covers Django and SQLAlchemy, and sends one JSON line per statement to the listener whose path is
in PGLENS_CAPTURE_SOCKET (without it: a bounded .pg-lens/record-<pid>.jsonl in the working folder).
Units of work: Django, Flask and Starlette/FastAPI requests (a plain WSGI app's on wsgiref or werkzeug's server, a
raw ASGI app's on uvicorn),
unittest/pytest tests, else the process. Call site: the first frame
outside site-packages, the standard library and this file.

It never changes what the app does: every hook falls back to the original call, errors are
re-raised unchanged, events are dropped when the listener is gone or slow, memory is bounded.
PGLENS_CAPTURE_OFF=1 turns it off; PGLENS_CAPTURE_VALUES=1 also sends parameter values.
"""
import contextlib
import os
import sys


def _load_next_sitecustomize():
    """Another sitecustomize further down sys.path (the user's own) still runs."""
    try:
        import importlib.util
        here = os.path.dirname(os.path.abspath(__file__))
        for entry in sys.path:
            try:
                if not entry or os.path.abspath(entry) == here:
                    continue
                candidate = os.path.join(entry, 'sitecustomize.py')
                if os.path.isfile(candidate):
                    spec = importlib.util.spec_from_file_location('_pglens_next_sitecustomize', candidate)
                    if spec and spec.loader:
                        spec.loader.exec_module(importlib.util.module_from_spec(spec))
                    return
            except Exception:
                continue
    except Exception:
        pass


def _install():
    import atexit
    import contextvars
    import itertools
    import json
    import socket
    import sysconfig
    import time

    protocol = 1
    max_sql = 20000
    max_pending = 4 * 1024 * 1024
    max_file = 50 * 1024 * 1024
    send_values = os.environ.get('PGLENS_CAPTURE_VALUES') == '1'
    pid = os.getpid()
    seq = itertools.count(1)
    root = {'k': 'root', 'id': 'root-%d' % pid, 'n': 'outside any request or test'}
    unit_var = contextvars.ContextVar('pglens_unit', default=None)
    this_file = os.path.abspath(__file__)

    # A hook's frame in the app's traceback names itself for what it is (person20 LOW 9: "…/dist/python/sitecustomize.py,
    # return orig_connect(*args, **kwargs)" in the app's OperationalError read as if PG Lens caused it). Python keeps the
    # frame of a function an exception passes through (a re-raise adds it again), so the frame stays, in a file named for
    # what it did and with no source line to misread; in_library() skips it as it skips this file.
    passthrough = '<PG Lens capture: passed the call on unchanged>'

    def unblamed(fn):
        try:
            fn.__code__ = fn.__code__.replace(co_filename=passthrough)
        except Exception:
            pass
        return fn
    library_dirs = set()
    # 'scripts': the environment's bin/ (Scripts\\ on Windows), where pip writes console-script launchers
    # (venv/bin/gunicorn): a launcher only starts a library's main, it is never the app's call site (person17).
    for key in ('stdlib', 'platstdlib', 'purelib', 'platlib', 'scripts'):
        try:
            library_dirs.add(os.path.abspath(sysconfig.get_paths()[key]))
        except Exception:
            pass
    # 'said': drops the listener has been told of (each line queued after a drop tells it how many more since).
    state = {'sock': None, 'gone': False, 'pending': b'', 'file': None, 'file_bytes': 0, 'dropped': 0, 'said': 0}
    # One sender at a time: a threaded server (Django's runserver, waitress, gunicorn's gthread) records from many
    # threads, and socket.send releases the GIL — two threads flushing the same pending bytes sent them twice (person17:
    # 11–12 look-ups per request where the page ran 10, a once-per-request line "2× per request").
    import _thread
    send_lock = _thread.allocate_lock()

    # ---- transport -------------------------------------------------------------------------

    sock_path = os.environ.get('PGLENS_CAPTURE_SOCKET')

    def connect():
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(0.5)
            s.connect(sock_path)
            s.setblocking(False)
            state['sock'] = s
        except Exception:
            state['gone'] = True

    def after_fork():
        # A forked worker (gunicorn's and uWSGI's prefork, multiprocessing's fork) is a process of its own: its units
        # carry its pid (the parent's pid in both workers merged their requests' units: person17, 20 per request
        # where the page ran 10), it sends on its own connection (the inherited socket is the parent's stream) and
        # never resends the parent's queued lines.
        nonlocal pid, send_lock
        try:
            # The fork may have happened while another thread held the lock: the child's copy is never released.
            send_lock = _thread.allocate_lock()
            pid = os.getpid()
            root['id'] = 'root-%d' % pid
            state['pending'] = b''
            state['file'] = None
            state['file_bytes'] = 0
            if sock_path and state['sock'] is not None:
                state['sock'] = None
                connect()
        except Exception:
            state['gone'] = True

    def flush():
        s = state['sock']
        while state['pending']:
            try:
                n = s.send(state['pending'])
            except BlockingIOError:
                return
            except Exception:
                state['gone'] = True
                state['pending'] = b''
                return
            state['pending'] = state['pending'][n:]

    if sock_path:
        connect()
    try:
        os.register_at_fork(after_in_child=after_fork)
    except Exception:
        pass

    def send(ev):
        try:
            line = (json.dumps(ev, default=str, separators=(',', ':')) + '\n').encode('utf-8')
        except Exception:
            state['dropped'] += 1
            return
        with send_lock:
            send_line(line)

    def send_line(line):
        try:
            if sock_path:
                if state['gone'] or state['sock'] is None or len(state['pending']) + len(line) > max_pending:
                    state['dropped'] += 1
                    return
                if state['dropped'] > state['said']:
                    # The editor's count and report say what was dropped while the app runs, not only never.
                    line = (json.dumps({'v': protocol, 't': 'dropped', 'n': state['dropped'] - state['said'], 'ts': int(time.time() * 1000), 'pid': pid}) + '\n').encode('utf-8') + line
                    state['said'] = state['dropped']
                state['pending'] += line
                flush()
                return
            if state['file'] is None:
                path = os.environ.get('PGLENS_CAPTURE_FILE') or os.path.join(os.getcwd(), '.pg-lens', 'record-%d.jsonl' % pid)
                folder = os.path.dirname(path)
                os.makedirs(folder, exist_ok=True)
                ignore = os.path.join(folder, '.gitignore')
                if not os.path.exists(ignore):
                    with open(ignore, 'w') as f:
                        f.write('# PG Lens recordings: never committed\n*\n')
                state['file'] = open(path, 'ab')
            if state['file_bytes'] + len(line) > max_file:
                state['dropped'] += 1
                return
            state['file_bytes'] += len(line)
            state['file'].write(line)
        except Exception:
            state['dropped'] += 1

    @atexit.register
    def _close():
        try:
            send_lock.acquire(timeout=0.5)
        except Exception:
            pass
        try:
            if state['sock'] is not None and state['pending'] and not state['gone']:
                state['sock'].setblocking(True)
                state['sock'].settimeout(0.5)
                state['sock'].sendall(state['pending'])
            if state['file'] is not None:
                state['file'].close()
        except Exception:
            pass

    # ---- call sites --------------------------------------------------------------------------

    # Folders already judged: is it a virtual environment's bin/ or Scripts\\ (its parent holds pyvenv.cfg)?
    venv_bins = {}

    def in_venv_bin(f):
        d = os.path.dirname(f)
        known = venv_bins.get(d)
        if known is None:
            known = os.path.basename(d) in ('bin', 'Scripts') and os.path.isfile(os.path.join(os.path.dirname(d), 'pyvenv.cfg'))
            if len(venv_bins) < 1000:
                venv_bins[d] = known
        return known

    def in_library(filename):
        if not filename or filename.startswith('<'):
            return True
        f = os.path.abspath(filename)
        if f == this_file or 'site-packages' in f or 'dist-packages' in f:
            return True
        return any(f.startswith(d + os.sep) for d in library_dirs) or in_venv_bin(f)

    # A library's program entry: the app's frame that calls one only launches (manage.py's execute_from_command_line,
    # a script's uvicorn.run(app)), so a statement with nothing else of the app's on its stack is the library's own
    # (person17: Django's test-database setup at manage.py:18).
    launchers = {('django', 'execute_from_command_line'), ('gunicorn', 'run'), ('uvicorn', 'run'),
                 ('uvicorn', 'main'), ('flask', 'main'), ('flask', 'run'), ('werkzeug', 'run_simple'), ('celery', 'main'),
                 ('pytest', 'main'), ('_pytest', 'main'), ('waitress', 'serve'), ('hypercorn', 'run')}

    def package_of(filename):
        f = filename.replace('\\', '/')
        for marker in ('/site-packages/', '/dist-packages/'):
            i = f.rfind(marker)
            if i >= 0:
                return f[i + len(marker):].split('/')[0].split('.')[0]
        return None

    # A thin wrapper of the app's around the driver that hands on what it was given (`def execute(self, sql,
    # params=None): return self.cur.execute(sql, params)`, `return cur.execute(*args, **kwargs)`): not where the
    # statement is written, so the frame that called it is the site (person21 MEDIUM 1, as the Node capture does).
    # Judged once per line from its text: the call's arguments are only the function's own parameters.
    pass_through_lines = {}

    def is_pass_through(code, lineno):
        key = (code.co_filename, lineno, code.co_firstlineno)
        known = pass_through_lines.get(key)
        if known is not None:
            return known
        known = False
        try:
            import linecache
            import re
            # Without a trailing comment (a `#` inside a string only cuts a line that is no pass-through anyway).
            text = linecache.getline(code.co_filename, lineno).split('#', 1)[0].strip()
            params = list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])
            extra = code.co_argcount + code.co_kwonlyargcount
            if code.co_flags & 0x04:
                params.append(code.co_varnames[extra])
                extra += 1
            if code.co_flags & 0x08:
                params.append(code.co_varnames[extra])
            params = [p for p in params if p not in ('self', 'cls')]
            m = re.search(r'[A-Za-z_][\w.]*\(([^()]*)\)\s*\)*\s*$', text)
            if m and params and len(text) <= 2000:
                args = [a.strip() for a in m.group(1).split(',') if a.strip()]
                names = [re.sub(r'^\*{1,2}', '', a.split('=', 1)[1].strip() if re.match(r'^\w+\s*=', a) else a) for a in args]
                known = bool(names) and all(n in params for n in names) and names[0] in params and not re.match(r'^\w+\s*=', args[0])
        except Exception:
            known = False
        if len(pass_through_lines) < 5000:
            pass_through_lines[key] = known
        return known

    def call_site():
        try:
            frame = sys._getframe(2)
        except Exception:
            return None
        via = None
        orm = None
        depth = 0
        inner = None
        wrapper = None
        while frame is not None and depth < 80:
            code = frame.f_code
            if not in_library(code.co_filename) and not (inner is not None and (package_of(inner.co_filename), inner.co_name) in launchers):
                site = {'file': os.path.abspath(code.co_filename), 'line': frame.f_lineno, 'col': 1, 'fn': code.co_name}
                if via:
                    site['via'] = via
                if wrapper is None and is_pass_through(code, frame.f_lineno):
                    wrapper = site
                    inner = code
                    frame = frame.f_back
                    depth += 1
                    continue
                return site
            pkg = package_of(code.co_filename)
            if pkg and pkg not in ('psycopg2', 'psycopg', 'asyncpg'):
                via = pkg
                if orm is None:
                    orm = pkg
            if pkg == 'django' and code.co_name == 'render_annotated':
                # A statement sent while a Django template renders (a relation read in {% for %} or
                # {{ obj.rel }}): its line is the innermost template tag, not the code that called render().
                site = template_site(frame)
                if site:
                    return site
            inner = code
            frame = frame.f_back
            depth += 1
        return wrapper or handler_site(orm)

    # A statement with no frame of the app's on its stack, sent inside a request whose handler is known (a lazy load
    # while marshmallow, a DRF serializer or a template serialises what the view returned, person20): its site is
    # that handler (the view function's `def` line, a class-based view's `class` line), marked 'serializing'. The
    # handler of a unit, by unit id: asked when such a statement comes (the router has matched by then).
    unit_handlers = {}
    handler_cache = {}

    def def_line(filename, first):
        # A decorated function's code starts at its first decorator: the line of its `def`.
        import linecache
        for n in range(first, first + 60):
            text = linecache.getline(filename, n)
            if not text:
                break
            stripped = text.lstrip()
            if stripped.startswith('def ') or stripped.startswith('async def ') or stripped.startswith('class '):
                return n
        return first

    def site_of_handler(handler):
        import inspect
        f = handler
        cls = getattr(f, 'view_class', None) or getattr(f, 'cls', None)
        if isinstance(cls, type):
            fname = inspect.getsourcefile(cls)
            if not fname or in_library(fname):
                return None
            line = inspect.findsource(cls)[1] + 1
            return {'file': os.path.abspath(fname), 'line': line, 'col': 1, 'fn': cls.__name__}
        f = inspect.unwrap(f)
        code = getattr(f, '__code__', None)
        if code is None or in_library(code.co_filename):
            return None
        return {'file': os.path.abspath(code.co_filename), 'line': def_line(code.co_filename, code.co_firstlineno), 'col': 1,
                'fn': getattr(f, '__qualname__', None) or code.co_name}

    def handler_site(orm):
        unit = unit_var.get()
        handler_of = unit_handlers.get(unit.get('id')) if unit is not None and unit_handlers else None
        if handler_of is None:
            return None
        try:
            handler = handler_of()
            if handler is None:
                return None
            key = id(handler)
            cached = handler_cache.get(key)
            if cached is None or cached[0] is not handler:
                if len(handler_cache) >= 1000:
                    handler_cache.clear()
                cached = (handler, site_of_handler(handler))
                handler_cache[key] = cached
            if cached[1] is None:
                return None
            site = dict(cached[1])
            site['serializing'] = True
            if orm:
                site['via'] = orm
            return site
        except Exception:
            return None

    def template_site(frame):
        try:
            node = frame.f_locals.get('self')
            origin = getattr(node, 'origin', None)
            name = getattr(origin, 'name', None)
            line = getattr(getattr(node, 'token', None), 'lineno', None)
            if isinstance(name, str) and os.path.isabs(name) and isinstance(line, int) and not in_library(name):
                return {'file': name, 'line': line, 'col': 1, 'fn': 'template', 'via': 'django'}
        except Exception:
            pass
        return None

    def param_types(params):
        if params is None:
            return []
        values = list(params.values()) if isinstance(params, dict) else list(params) if isinstance(params, (list, tuple)) else [params]
        out = []
        for v in values[:100]:
            out.append('null' if v is None else type(v).__name__)
        return out, values

    # Per statement text, a hash of each parameter of its last call (the first 31): which of them change between
    # calls (pd). No value is kept (only the hashes: a 10 MB bytes parameter is not held), and the time per value is
    # bounded: a str or bytes longer than HASH_WHOLE is hashed on its length, its first and last HASH_ENDS units and
    # HASH_ENDS units spread between.
    last_params = {}
    HASH_WHOLE = 128
    HASH_ENDS = 32

    def param_hash(v):
        # None for a value with no hash here (a dict, a list of such): it counts as changed.
        t = type(v)
        if t is str or t is bytes or t is bytearray or t is memoryview:
            n = len(v)
            if n > HASH_WHOLE:
                step = (n - 2 * HASH_ENDS) // HASH_ENDS
                v = bytes(v[:HASH_ENDS]) + bytes(v[HASH_ENDS:n - HASH_ENDS:step][:HASH_ENDS]) + bytes(v[-HASH_ENDS:]) if t is not str else v[:HASH_ENDS] + v[HASH_ENDS:n - HASH_ENDS:step][:HASH_ENDS] + v[-HASH_ENDS:]
            elif t is not str and t is not bytes:
                v = bytes(v)
            return hash((t.__name__, n, v))
        if t is list or t is tuple:
            try:
                return hash((t.__name__, len(v), tuple(v[:64])))
            except TypeError:
                return None
        try:
            return hash((t.__name__, v))
        except TypeError:
            return None

    def params_differ(sql, values):
        # Bit i for $i+1 / the i-th %s: that parameter differs from the previous call of the same text (no value is
        # sent or kept). None for a text's first call.
        if not values:
            return None
        n = min(len(values), 31)
        hashes = [param_hash(v) for v in values[:n]]
        prev = last_params.get(sql)
        mask = None
        if prev is not None:
            mask = 0
            for i in range(n):
                h = hashes[i]
                if h is None or i >= len(prev) or prev[i] is None or prev[i] != h:
                    mask |= 1 << i
        elif len(last_params) >= 2000:
            last_params.clear()
        last_params[sql] = hashes
        return mask

    def record(lib, sql, params, begun, rows, error):
        try:
            started, site = begun
            ms = (time.perf_counter() - started) * 1000
            if isinstance(sql, bytes):
                sql = sql.decode('utf-8', 'replace')
            sql = str(sql)[:max_sql]
            pt = param_types(params)
            types, values = pt if pt else ([], [])
            ev = {'v': protocol, 't': 'q', 'lib': lib, 'sql': sql, 'pc': len(values), 'pt': types, 'ms': round(ms, 3),
                  'u': routed_unit(unit_var.get() or root), 'ts': int(time.time() * 1000), 'pid': pid}
            try:
                pd = params_differ(sql, values)
            except Exception:
                pd = None
            if pd is not None:
                ev['pd'] = pd
            if send_values:
                ev['pv'] = [v if isinstance(v, (int, float, bool)) or v is None else str(v)[:200] for v in values[:100]]
            if site:
                ev['site'] = site
            if error is not None:
                ev['err'] = ('%s %s' % (getattr(error, 'pgcode', None) or getattr(error, 'sqlstate', None) or '', error)).strip()[:500]
            elif isinstance(rows, int) and rows >= 0:
                ev['rows'] = rows
            send(ev)
        except Exception:
            pass

    def begin():
        try:
            site = call_site()
        except Exception:
            site = None
        return time.perf_counter(), site

    # ---- units of work ---------------------------------------------------------------------------

    def new_unit(kind, name):
        return {'k': kind, 'id': '%s%d-%d' % (kind[0], pid, next(seq)), 'n': str(name)[:300]}

    import re
    # A path segment naming an instance, not a route (src/core/record/protocol.ts ID_SEGMENT, the same rules).
    id_segment = re.compile(r'^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?=[0-9a-f]*\d)[0-9a-f]{8,}|(?=[\w.~-]*\d)(?=[\w.~-]*[A-Za-z])[\w.~-]{20,})$', re.I | re.A)

    def request_route(method, path):
        # The path with each instance segment (number, UUID, hex id, long token) as :id; one group per route.
        segments = ['' if s == '' else (':id' if id_segment.match(s) else s) for s in str(path).split('?')[0].split('#')[0].split('/')]
        return ('%s %s' % (method, '/'.join(segments)))[:200]

    # A unit's framework route, by unit id: asked at each of its statements until the router has matched (a
    # middleware's statement before that keeps the path's name), then dropped.
    unit_routes = {}

    def routed_unit(unit):
        route_of = unit_routes.get(unit.get('id')) if unit_routes else None
        if route_of is not None:
            try:
                name = route_of()
                if name:
                    unit['n'] = name[:300]
                    unit_routes.pop(unit.get('id'), None)
            except Exception:
                unit_routes.pop(unit.get('id'), None)
        return unit

    @contextlib.contextmanager
    def unit_of_work(kind, name_of, route_of=None, handler_of=None):
        # The app's call runs inside a new unit; naming it never raises into the app, and the unit
        # ends however the call ends (its exceptions pass through unchanged).
        token = None
        unit = None
        try:
            unit = new_unit(kind, name_of())
            token = unit_var.set(unit)
            if route_of is not None:
                unit_routes[unit['id']] = route_of
            if handler_of is not None:
                unit_handlers[unit['id']] = handler_of
        except Exception:
            pass
        try:
            yield
        finally:
            if token is not None:
                unit_var.reset(token)
            if unit is not None:
                unit_routes.pop(unit['id'], None)
                unit_handlers.pop(unit['id'], None)

    def hook_django_handler(mod):
        base = getattr(mod, 'BaseHandler', None)
        if base is None:
            return
        def request_name(request):
            return request_route(request.method, request.path)

        def named(request):
            # Named by its Django route (resolver_match.route) at its first statement, when resolved by then.
            def route_of():
                match = getattr(request, 'resolver_match', None)
                route = getattr(match, 'route', None) if match is not None else None
                return '%s /%s' % (request.method, route.lstrip('^').rstrip('$')) if isinstance(route, str) and route else None
            return route_of

        def handler(request):
            # The view the URL resolved to (a class-based view's as_view() function carries its class).
            def handler_of():
                match = getattr(request, 'resolver_match', None)
                return getattr(match, 'func', None) if match is not None else None
            return handler_of

        orig = base.get_response

        def get_response(self, request):
            with unit_of_work('request', lambda: request_name(request), named(request), handler(request)):
                return orig(self, request)
        base.get_response = unblamed(get_response)

        orig_async = getattr(base, 'get_response_async', None)
        if orig_async is not None:
            async def get_response_async(self, request):
                with unit_of_work('request', lambda: request_name(request), named(request), handler(request)):
                    return await orig_async(self, request)
            base.get_response_async = unblamed(get_response_async)

    def environ_name(environ):
        return request_route(environ.get('REQUEST_METHOD', ''), (environ.get('SCRIPT_NAME') or '') + (environ.get('PATH_INFO') or ''))

    def patch_once(owner, attr, make):
        # Replaces owner.attr with make(original), once: a wrapper already there (the module imported again) stays.
        orig = getattr(owner, attr, None)
        if orig is None or getattr(orig, '_pglens', False):
            return
        wrapper = unblamed(make(orig))
        wrapper._pglens = True
        setattr(owner, attr, wrapper)

    def hook_flask(mod):
        # Flask: each request (wsgi_app) is a unit, named by its URL rule once matched (`GET /users/<int:id>`), else
        # by the path with ids as :id. A unit of the WSGI server around it (wsgiref, werkzeug) gives way to this one.
        def route_of(environ):
            def named():
                from flask import request
                rule = getattr(request, 'url_rule', None)
                text = getattr(rule, 'rule', None)
                return '%s %s' % (environ.get('REQUEST_METHOD', ''), text) if isinstance(text, str) else None
            return named

        def handler_of(app):
            # The view function of the matched URL rule's endpoint (Flask's request unit is wsgi_app's).
            def handler():
                from flask import request
                endpoint = getattr(getattr(request, 'url_rule', None), 'endpoint', None)
                return app.view_functions.get(endpoint) if endpoint is not None else None
            return handler

        def make(orig):
            def wsgi_app(self, environ, start_response):
                with unit_of_work('request', lambda: environ_name(environ), route_of(environ), handler_of(self)):
                    return orig(self, environ, start_response)
            return wsgi_app
        patch_once(getattr(mod, 'Flask', None), 'wsgi_app', make)

    def hook_starlette(mod):
        # Starlette and FastAPI: each 'http' scope is a unit, named by the matched route's path (`GET /users/{user_id}`;
        # scope['route'], else the route whose endpoint the router chose), else by the path with ids as :id.
        def route_of(app, scope):
            def named():
                route = scope.get('route')
                path = getattr(route, 'path', None)
                if not isinstance(path, str):
                    endpoint = scope.get('endpoint')
                    for r in getattr(app, 'routes', None) or ():
                        if endpoint is not None and getattr(r, 'endpoint', None) is endpoint and isinstance(getattr(r, 'path', None), str):
                            path = r.path
                            break
                return '%s %s' % (scope.get('method', ''), path) if isinstance(path, str) else None
            return named

        def make(orig):
            async def __call__(self, scope, receive, send):
                if not isinstance(scope, dict) or scope.get('type') != 'http':
                    return await orig(self, scope, receive, send)
                with unit_of_work('request', lambda: request_route(scope.get('method', ''), scope.get('path', '')), route_of(self, scope), lambda: scope.get('endpoint')):
                    return await orig(self, scope, receive, send)
            return __call__
        patch_once(getattr(mod, 'Starlette', None), '__call__', make)

    def hook_wsgiref(mod):
        # A plain WSGI app on the standard library's server: each request is a unit named by its path (ids as :id).
        def make(orig):
            def run(self, application):
                # run() builds self.environ itself: the request's own variables are base_env (SimpleHandler's).
                with unit_of_work('request', lambda: environ_name(getattr(self, 'base_env', None) or {})):
                    return orig(self, application)
            return run
        patch_once(getattr(mod, 'BaseHandler', None), 'run', make)

    def hook_werkzeug_serving(mod):
        # werkzeug's development server (flask run, run_simple): a plain WSGI app's request is a unit.
        def make(orig):
            def run_wsgi(self):
                with unit_of_work('request', lambda: request_route(getattr(self, 'command', ''), getattr(self, 'path', ''))):
                    return orig(self)
            return run_wsgi
        patch_once(getattr(mod, 'WSGIRequestHandler', None), 'run_wsgi', make)

    def hook_uvicorn_cycle(mod):
        # uvicorn: each HTTP request's cycle is a unit named by its path (ids as :id), so a raw ASGI app's requests are
        # units too; Starlette/FastAPI and Django inside it open their own, named by route.
        def make(orig):
            async def run_asgi(self, app):
                scope = getattr(self, 'scope', None)
                if not isinstance(scope, dict) or scope.get('type') != 'http':
                    return await orig(self, app)
                with unit_of_work('request', lambda: request_route(scope.get('method', ''), (scope.get('root_path') or '') + (scope.get('path') or ''))):
                    return await orig(self, app)
            return run_asgi
        patch_once(getattr(mod, 'RequestResponseCycle', None), 'run_asgi', make)

    def hook_unittest(mod):
        case = getattr(mod, 'TestCase', None)
        if case is None:
            return
        orig = case.run

        def run(self, result=None):
            with unit_of_work('test', self.id):
                return orig(self, result)
        case.run = unblamed(run)

    def hook_pytest(mod):
        fn = getattr(mod, 'Function', None)
        if fn is None:
            return
        orig = fn.runtest

        def runtest(self):
            with unit_of_work('test', lambda: self.nodeid):
                return orig(self)
        fn.runtest = unblamed(runtest)

    # ---- drivers ---------------------------------------------------------------------------------

    def hook_psycopg2(mod):
        ext = mod.extensions
        cursors = {}
        connections = {}

        def cursor_class(base):
            c = cursors.get(base)
            if c is not None:
                return c

            class Cursor(base):
                def execute(self, query, vars=None):
                    started = begin()
                    try:
                        r = super().execute(query, vars)
                    except Exception as e:
                        record('psycopg2', *psycopg2_statement(self, query, vars), started, None, e)
                        raise
                    record('psycopg2', *psycopg2_statement(self, query, vars), started, self.rowcount, None)
                    return r

                def executemany(self, query, vars_list):
                    started = begin()
                    try:
                        r = super().executemany(query, vars_list)
                    except Exception as e:
                        record('psycopg2', many_text(self, query), None, started, None, e)
                        raise
                    record('psycopg2', many_text(self, query), None, started, self.rowcount, None)
                    return r
            unblamed(Cursor.execute)
            unblamed(Cursor.executemany)
            Cursor.__name__ = base.__name__
            Cursor.__qualname__ = base.__qualname__
            cursors[base] = Cursor
            return Cursor

        def connection_class(base):
            c = connections.get(base)
            if c is not None:
                return c

            class Connection(base):
                def cursor(self, *args, **kwargs):
                    try:
                        cf = kwargs.get('cursor_factory') or self.cursor_factory or ext.cursor
                        kwargs['cursor_factory'] = cursor_class(cf)
                    except Exception:
                        pass
                    return super().cursor(*args, **kwargs)
            unblamed(Connection.cursor)
            Connection.__name__ = base.__name__
            Connection.__qualname__ = base.__qualname__
            connections[base] = Connection
            return Connection

        orig_connect = mod.connect

        def connect(*args, **kwargs):
            try:
                kwargs['connection_factory'] = connection_class(kwargs.get('connection_factory') or ext.connection)
            except Exception:
                pass
            return orig_connect(*args, **kwargs)
        connect.__doc__ = orig_connect.__doc__
        mod.connect = unblamed(connect)

    import re
    placeholder = re.compile(r'%%|%\((\w+)\)s|%s')

    def bind_params(text, params):
        """psycopg2 puts the values into the text on the client (`WHERE user_id = 1`): the statement the app wrote is the
        template, its parameters $1, $2 … as the server would see them bound, with the values in that order (a tuple —
        `IN %s` — is one parameter per element). A recorded value never becomes a constant of the statement (person13
        P4: a partial index `WHERE user_id = 1` was built from one recorded value), and the parameters that change
        between calls are told apart (pd). None when the template cannot be read (then the text psycopg2 sent)."""
        values = []
        names = {}
        positional = not isinstance(params, dict)
        seq_params = list(params) if positional and isinstance(params, (list, tuple)) else None
        if positional and seq_params is None:
            return None
        index = [0]

        def one(v):
            if isinstance(v, tuple):
                if not v:
                    raise ValueError('empty tuple')
                out = []
                for x in v:
                    values.append(x)
                    out.append('$%d' % len(values))
                return '(' + ', '.join(out) + ')'
            values.append(v)
            return '$%d' % len(values)

        def sub(m):
            if m.group(0) == '%%':
                return '%'
            key = m.group(1)
            if key is None:
                if not positional:
                    raise ValueError('mixed placeholders')
                i = index[0]
                index[0] += 1
                return one(seq_params[i])
            if positional:
                raise ValueError('mixed placeholders')
            if key not in names:
                names[key] = one(params[key])
            return names[key]
        text = placeholder.sub(sub, text)
        if positional and index[0] != len(seq_params):
            return None
        return text, values

    def psycopg2_statement(cur, query, params):
        """(text, parameters) of a psycopg2 call: the template with $n (bind_params), else what psycopg2 sent."""
        try:
            text = query if isinstance(query, str) else query.decode('utf-8', 'replace') if isinstance(query, bytes) else query.as_string(cur)
            if params is None:
                return text, None
            bound = bind_params(text, params)
            if bound is not None:
                return bound
        except Exception:
            pass
        return getattr(cur, 'query', None) or query, params

    def many_text(cur, query):
        """executemany's template with $1, $2 … (its values are not sent)."""
        try:
            text = query if isinstance(query, str) else query.decode('utf-8', 'replace') if isinstance(query, bytes) else query.as_string(cur)
            return dollar_params(text)
        except Exception:
            return query

    def dollar_params(text):
        """psycopg 3 sends %s / %(name)s as $1, $2 … (server-side binding): show what the server sees."""
        names = {}
        counter = [0]

        def sub(m):
            if m.group(0) == '%%':
                return '%'
            key = m.group(1)
            if key is not None and key in names:
                return '$%d' % names[key]
            counter[0] += 1
            if key is not None:
                names[key] = counter[0]
            return '$%d' % counter[0]
        return placeholder.sub(sub, text)

    def hook_psycopg(mod):
        def sql_text(cur, query):
            try:
                text = query if isinstance(query, str) else query.decode('utf-8', 'replace') if isinstance(query, bytes) else query.as_string(cur)
                return dollar_params(text)
            except Exception:
                return str(query)

        def statement(cur, query, params):
            # The values in the order of the text's $n (a dict's order is not the text's).
            if params is not None:
                try:
                    text = query if isinstance(query, str) else query.decode('utf-8', 'replace') if isinstance(query, bytes) else query.as_string(cur)
                    bound = bind_params(text, params)
                    if bound is not None:
                        return bound
                except Exception:
                    pass
            return sql_text(cur, query), params

        cursor = getattr(mod, 'Cursor', None)
        if cursor is not None:
            orig = cursor.execute

            def execute(self, query, params=None, *args, **kwargs):
                started = begin()
                try:
                    r = orig(self, query, params, *args, **kwargs)
                except Exception as e:
                    record('psycopg', *statement(self, query, params), started, None, e)
                    raise
                record('psycopg', *statement(self, query, params), started, self.rowcount, None)
                return r
            cursor.execute = unblamed(execute)
        acursor = getattr(mod, 'AsyncCursor', None)
        if acursor is not None:
            aorig = acursor.execute

            async def aexecute(self, query, params=None, *args, **kwargs):
                started = begin()
                try:
                    r = await aorig(self, query, params, *args, **kwargs)
                except Exception as e:
                    record('psycopg', *statement(self, query, params), started, None, e)
                    raise
                record('psycopg', *statement(self, query, params), started, self.rowcount, None)
                return r
            acursor.execute = unblamed(aexecute)

    def hook_asyncpg(mod):
        conn = getattr(getattr(mod, 'connection', None), 'Connection', None)
        if conn is None:
            return

        def rows_of(result):
            if isinstance(result, list):
                return len(result)
            if result is None:
                return 0
            if isinstance(result, str):
                tail = result.rsplit(' ', 1)[-1]
                return int(tail) if tail.isdigit() else None
            return 1

        def wrap(name):
            orig = getattr(conn, name, None)
            if orig is None:
                return

            async def method(self, query, *args, **kwargs):
                started = begin()
                try:
                    r = await orig(self, query, *args, **kwargs)
                except Exception as e:
                    record('asyncpg', query, None if name == 'executemany' else list(args), started, None, e)
                    raise
                record('asyncpg', query, None if name == 'executemany' else list(args), started, rows_of(r) if name != 'fetchval' else 1, None)
                return r
            method.__name__ = name
            setattr(conn, name, unblamed(method))
        for name in ('execute', 'executemany', 'fetch', 'fetchrow', 'fetchval'):
            wrap(name)

    def hook_django_migrate(mod):
        # manage.py migrate / call_command('migrate'): the framework's own bookkeeping (content types,
        # permissions, one query per model by design) runs in a 'migration' unit, not the app's N+1s.
        command = getattr(mod, 'Command', None)
        if command is None or not hasattr(command, 'handle'):
            return
        orig = command.handle

        def handle(self, *args, **options):
            with unit_of_work('migration', lambda: 'migrate'):
                return orig(self, *args, **options)
        command.handle = unblamed(handle)

    targets = {
        'psycopg2': hook_psycopg2,
        'django.core.management.commands.migrate': hook_django_migrate,
        'psycopg': hook_psycopg,
        'asyncpg': hook_asyncpg,
        'django.core.handlers.base': hook_django_handler,
        'flask.app': hook_flask,
        'starlette.applications': hook_starlette,
        'wsgiref.handlers': hook_wsgiref,
        'werkzeug.serving': hook_werkzeug_serving,
        'uvicorn.protocols.http.h11_impl': hook_uvicorn_cycle,
        'uvicorn.protocols.http.httptools_impl': hook_uvicorn_cycle,
        'unittest.case': hook_unittest,
        '_pytest.python': hook_pytest,
    }

    import importlib.abc
    import importlib.util
    busy = set()

    class Finder(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            hook = targets.get(name)
            if hook is None or name in busy:
                return None
            busy.add(name)
            try:
                spec = importlib.util.find_spec(name)
            except Exception:
                return None
            finally:
                busy.discard(name)
            if spec is None or spec.loader is None or not hasattr(spec.loader, 'exec_module'):
                return spec
            loader = spec.loader
            orig_exec = loader.exec_module

            def exec_module(module):
                orig_exec(module)
                try:
                    hook(module)
                except Exception:
                    pass
            try:
                loader.exec_module = unblamed(exec_module)
            except Exception:
                pass
            return spec

    sys.meta_path.insert(0, Finder())
    # Modules imported before us (rare for a sitecustomize) are hooked now.
    for name, hook in targets.items():
        mod = sys.modules.get(name)
        if mod is not None:
            try:
                hook(mod)
            except Exception:
                pass


if os.environ.get('PGLENS_CAPTURE_OFF') != '1':
    try:
        _install()
    except Exception:
        pass
_load_next_sitecustomize()
