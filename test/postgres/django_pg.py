#!/usr/bin/python3
"""Django 3.2 on PostgreSQL over a model history: the reference side of the
PostgreSQL comparison tests (test/postgres/*.test.ts). Usage:

    /usr/bin/python3 test/postgres/django_pg.py SPEC.json

SPEC.json:
    {
      "workDir": "/tmp/x",                  # Django project dir (wiped and created)
      "apps": ["accounts", "blog"],         # INSTALLED_APPS, in this order
      "defaultAutoField": "BigAutoField",   # DEFAULT_AUTO_FIELD (optional, this default)
      "appAutoFields": {"blog": "AutoField"},  # AppConfig.default_auto_field per app (optional)
      "database": {"NAME": "db", "HOST": "127.0.0.1", "PORT": "5432", "USER": "postgres"},
      "steps": [{"index": 1, "models": {"accounts": "..."}, "answers": {"renames": {...}}}],   # answers: optional, see run_django.answer_renames
      "snapshots": true,                    # copy the database after each step / rollback (CREATE DATABASE ... TEMPLATE)
      "rollback": [["blog", "0001"]],       # migrate <app> <target>, in order, after the steps (optional)
      "fresh": false,                       # keep workDir (its migrations) from an earlier call (default true)
      "after": [["inspectdb"]]              # commands run at the end, their output in "after" (optional)
    }

For each step: writes every app's models.py, runs `makemigrations
--noinput`, then, in plan order, `sqlmigrate` then `migrate` for each
unapplied migration (Django's sqlmigrate introspects the database, so it
must be just before the migration). A rollback command Django itself fails
is reported as {"error"} and ends the rollbacks. With "snapshots", the database is copied to
`<NAME>_step<index>` / `<NAME>_rb<k>` after each step / rollback command.

Prints JSON: {"steps": [{"index", "sql": {"app.name": text}, "output", "snapshot"}],
"rollback": [{"app", "target", "snapshot", "output"}], "after": [text]}.
Exits 4 when Django 3.2 or psycopg2 is missing.
"""
import io
import json
import os
import shutil
import subprocess
import sys

# The SQLite harness's helpers (files, app configs, rename answers): test/django/run_django.py.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "django"))
from run_django import answer_renames, write, write_app_configs  # noqa: E402

MISSING = "Django 3.2 and psycopg2 are needed: apt-get install python3-django python3-psycopg2"

SETTINGS = """\
SECRET_KEY = "tsmigrate-tests"
DEBUG = False
USE_TZ = True
INSTALLED_APPS = {apps!r}
DATABASES = {{"default": dict(ENGINE="django.db.backends.postgresql", **{database!r})}}
DEFAULT_AUTO_FIELD = "django.db.models.{auto}"
"""


def check_django():
    try:
        import django
        import psycopg2  # noqa: F401
    except ImportError:
        sys.stderr.write(MISSING + "\n")
        sys.exit(4)
    if django.VERSION[:2] != (3, 2):
        sys.stderr.write(MISSING + " (found Django %s)\n" % django.get_version())
        sys.exit(4)


def child(work_dir, plan_json):
    """In a fresh interpreter: each command of the plan; JSON {"output": [...]} on stdout."""
    import importlib
    sys.path.insert(0, work_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tsm_settings"
    import django
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    outputs = []
    queue = list(json.loads(plan_json))
    while queue:
        argv = queue.pop(0)
        if argv[0] == "sqlmigrate-each":
            # Each unapplied migration in plan order: its sqlmigrate with the database just before it, then migrate to it.
            from django.db import connection
            from django.db.migrations.executor import MigrationExecutor
            executor = MigrationExecutor(connection)
            each = []
            for migration, _backwards in executor.migration_plan(executor.loader.graph.leaf_nodes()):
                each.append(["sqlmigrate", migration.app_label, migration.name])
                each.append(["migrate", migration.app_label, migration.name, "--noinput"])
            queue[:0] = each
            continue
        if argv[0] == "answers":
            # The step's rename answers (tsmigrate's --answers JSON), as test/django/run_django.py answers them.
            answer_renames(json.loads(argv[1]))
            continue
        if argv[0] == "snapshot":
            connections.close_all()
            outputs.append({"argv": argv, "text": "", "snapshot": snapshot(settings.DATABASES["default"], argv[1])})
            continue
        stop_on_error = argv[0] == "migrate-or-stop"
        if stop_on_error:
            argv = ["migrate"] + argv[1:]
        buf = io.StringIO()
        importlib.invalidate_caches()
        try:
            extra = {} if argv[0] in ("sqlmigrate", "inspectdb") else {"interactive": False}
            call_command(*argv, stdout=buf, stderr=buf, **extra)
        except SystemExit as e:
            sys.stderr.write(buf.getvalue() + "\n%s exited with %s\n" % (" ".join(argv), e.code))
            sys.exit(e.code if isinstance(e.code, int) and e.code else 1)
        except Exception:
            import traceback
            if stop_on_error:
                # Django itself cannot run this rollback: reported, and the remaining commands not run.
                outputs.append({"argv": argv, "text": buf.getvalue(), "error": traceback.format_exc()})
                break
            if argv[0] == "sqlmigrate":
                # Django's sqlmigrate introspects the database as it is before the whole migration, which
                # fails when an earlier operation of the same migration renamed a column it looks up.
                outputs.append({"argv": argv, "text": "", "error": traceback.format_exc()})
                continue
            sys.stderr.write(buf.getvalue() + "\n%s failed:\n%s" % (" ".join(argv), traceback.format_exc()))
            sys.exit(1)
        outputs.append({"argv": argv, "text": buf.getvalue()})
    sys.stdout.write(json.dumps({"output": outputs}))


def run_child(work_dir, plan):
    """The child's outputs (exits like it on failure)."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0")
    proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", work_dir, json.dumps(plan)],
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        sys.exit(proc.returncode)
    return json.loads(proc.stdout)["output"]


def snapshot(database, name):
    import psycopg2
    conn = psycopg2.connect(dbname="postgres", host=database["HOST"], port=database["PORT"], user=database["USER"])
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute('CREATE DATABASE "%s" TEMPLATE "%s"' % (name, database["NAME"]))
    conn.close()
    return name


def main(spec_path):
    check_django()
    with open(spec_path) as f:
        spec = json.load(f)
    work_dir = os.path.abspath(spec["workDir"])
    if spec.get("fresh", True) and os.path.exists(work_dir):
        shutil.rmtree(work_dir)
    apps = spec["apps"]
    database = spec["database"]
    write(os.path.join(work_dir, "tsm_settings.py"), SETTINGS.format(apps=apps, database=database,
                                                                         auto=spec.get("defaultAutoField", "BigAutoField")))
    write_app_configs(work_dir, spec)
    for app in apps:
        write(os.path.join(work_dir, app, "__init__.py"), "")
        write(os.path.join(work_dir, app, "migrations", "__init__.py"), "")
    result = {"steps": [], "rollback": []}
    name = database["NAME"]
    for step in spec["steps"]:
        for app, source in step["models"].items():
            write(os.path.join(work_dir, app, "models.py"), source)
        plan = [["answers", json.dumps(step.get("answers"))], ["makemigrations", "--noinput"], ["sqlmigrate-each"]]
        if spec.get("snapshots"):
            plan.append(["snapshot", "%s_step%d" % (name, step["index"])])
        outs = run_child(work_dir, plan)
        result["steps"].append({
            "index": step["index"],
            "output": "".join(o["text"] for o in outs if o["argv"][0] in ("makemigrations", "migrate")),
            "sql": {"%s.%s" % (o["argv"][1], o["argv"][2]): o["text"] for o in outs if o["argv"][0] == "sqlmigrate"},
            "sqlErrors": {"%s.%s" % (o["argv"][1], o["argv"][2]): o["error"] for o in outs if o.get("error")},
            "snapshot": next((o["snapshot"] for o in outs if o.get("snapshot")), None),
        })
    plan = []
    for k, (app, target) in enumerate(spec.get("rollback", []), 1):
        plan.append(["migrate-or-stop", app, target, "--noinput"])
        if spec.get("snapshots"):
            plan.append(["snapshot", "%s_rb%d" % (name, k)])
    outs = run_child(work_dir, plan) if plan else []
    for o in outs:
        if o["argv"][0] == "snapshot":
            result["rollback"][-1]["snapshot"] = o["snapshot"]
        elif o.get("error"):
            result["rollback"].append({"app": o["argv"][1], "target": o["argv"][2], "output": o["text"], "error": o["error"]})
        else:
            result["rollback"].append({"app": o["argv"][1], "target": o["argv"][2], "output": o["text"]})
    if spec.get("after"):
        result["after"] = [o["text"] for o in run_child(work_dir, spec["after"])]
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 2:
        main(sys.argv[1])
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)
