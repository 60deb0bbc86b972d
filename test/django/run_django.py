#!/usr/bin/python3
"""Runs Django 3.2's makemigrations/migrate over a model history.

Reference side of test/django/histories.test.ts and of the benchmark. Usage:

    /usr/bin/python3 test/django/run_django.py SPEC.json

SPEC.json:
    {
      "workDir": "/tmp/x",            # Django project dir (created; reused when "fresh" is false)
      "fresh": true,                  # wipe workDir first (default true)
      "apps": ["accounts", "blog"],   # INSTALLED_APPS, in this order (packages created in workDir)
      "defaultAutoField": "BigAutoField",       # DEFAULT_AUTO_FIELD (optional, this default)
      "appAutoFields": {"blog": "AutoField"},   # AppConfig.default_auto_field per app (optional)
      "steps": [                      # each step: app label -> models.py source
        {"index": 1, "models": {"accounts": "...", "blog": "..."},
         "answers": {"renames": {"blog.post.body": "text", "blog.Entry": "Post"}}}   # optional: see answer_renames
      ],
      "rollback": [["blog", "0001"], ["blog", "zero"]],   # migrate <app> <target>, in order (optional)
      "commands": ["makemigrations", "migrate"],          # per step (optional; default both)
      "after": [["inspectdb"]]                            # commands run last, output kept (optional)
    }

For each step it writes every app's models.py, runs `makemigrations --noinput`
(rename questions answered from the step's "answers") then `migrate` in a fresh Python process (so the new models.py is imported),
and copies the database to workDir/snapshots/step-<index>.sqlite3. Then it
runs each rollback command in one process, copying the database after each to
snapshots/rollback-<k>.sqlite3 (k from 1).

Prints one JSON object on stdout:
    {"steps": [{"index", "db", "output", "seconds": {"makemigrations", "migrate"}}],
     "rollback": [{"app", "target", "db", "output"}], "after": [output, ...]}
Exits 4 when Django 3.2 is missing, and with the failing command's exit
status (after printing its output on stderr) when a step fails; Django's
non-interactive questioner exits 3 on a question it cannot answer.
"""
import json
import os
import shutil
import subprocess
import sys
import time

MISSING = "Django 3.2 not installed: apt-get install python3-django"

SETTINGS = """\
SECRET_KEY = "tsmigrate-tests"
DEBUG = False
USE_TZ = True
INSTALLED_APPS = {apps!r}
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": {db!r}}}}}
DEFAULT_AUTO_FIELD = "django.db.models.{auto}"
"""


def check_django():
    """Exits 4 with MISSING on stderr unless Django 3.2 can be imported."""
    try:
        import django
    except ImportError:
        sys.stderr.write(MISSING + "\n")
        sys.exit(4)
    if django.VERSION[:2] != (3, 2):
        sys.stderr.write(MISSING + " (found Django %s)\n" % django.get_version())
        sys.exit(4)


def write_app_configs(work_dir, spec):
    """Writes <app>/apps.py with an AppConfig setting default_auto_field for each
    app of spec["appAutoFields"] (label -> "AutoField"...): Django 3.2 uses an
    app's only AppConfig subclass automatically."""
    for app, auto in spec.get("appAutoFields", {}).items():
        write(os.path.join(work_dir, app, "apps.py"),
              "from django.apps import AppConfig\n\n\nclass TsmConfig(AppConfig):\n"
              "    name = %r\n    default_auto_field = 'django.db.models.%s'\n" % (app, auto))


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def answer_renames(answers):
    """Makes Django's non-interactive questioner answer rename questions as tsmigrate's --answers JSON does.

    answers: {"renames": {"app.model.old_field": "new_field", "app.OldModel": "NewModel"}}; every other
    rename question is answered "no" (Django's --noinput answer). Django's field question carries no
    app label, so a field rename matches on model and field names.
    """
    from django.db.migrations.questioner import NonInteractiveMigrationQuestioner
    renames = {k.lower(): (v or "").lower() for k, v in (answers or {}).get("renames", {}).items()}

    def ask_rename(self, model_name, old_name, new_name, field_instance):
        return any(k.split(".")[1:] == [model_name.lower(), old_name.lower()] and v == new_name.lower()
                   for k, v in renames.items())

    def ask_rename_model(self, old_model_state, new_model_state):
        key = ("%s.%s" % (old_model_state.app_label, old_model_state.name)).lower()
        return renames.get(key) == new_model_state.name.lower()

    NonInteractiveMigrationQuestioner.ask_rename = ask_rename
    NonInteractiveMigrationQuestioner.ask_rename_model = ask_rename_model


def child(work_dir, plan_json):
    """Runs in a fresh process: django.setup(), then each command of the plan.

    plan: [{"argv": ["migrate", "blog", "0001"], "copy_to": path or null, "timed": name or null}]
    Prints JSON {"output": [...], "seconds": {...}} on stdout.
    """
    import importlib
    import io
    sys.path.insert(0, work_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tsm_settings"
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import connections
    outputs = []
    seconds = {}
    for cmd in json.loads(plan_json):
        argv = cmd["argv"]
        if "answers" in cmd:
            answer_renames(cmd["answers"])
        buf = io.StringIO()
        importlib.invalidate_caches()
        t0 = time.perf_counter()
        opts = {"stdout": buf, "stderr": buf}
        if argv[0] in ("makemigrations", "migrate", "squashmigrations"):
            opts["interactive"] = False
        if argv[0] == "migrate":
            opts["verbosity"] = 1
        try:
            call_command(*argv, **opts)
        except SystemExit as e:
            sys.stderr.write(buf.getvalue())
            sys.stderr.write("\n%s exited with %s\n" % (" ".join(argv), e.code))
            sys.exit(e.code if isinstance(e.code, int) and e.code else 1)
        except Exception:
            import traceback
            sys.stderr.write(buf.getvalue())
            sys.stderr.write("\n%s failed:\n%s" % (" ".join(argv), traceback.format_exc()))
            sys.exit(1)
        if cmd.get("timed"):
            seconds[cmd["timed"]] = time.perf_counter() - t0
        outputs.append("$ " + " ".join(argv) + "\n" + buf.getvalue())
        connections.close_all()
        if cmd.get("copy_to"):
            shutil.copyfile(os.path.join(work_dir, "db.sqlite3"), cmd["copy_to"])
    sys.stdout.write(json.dumps({"output": outputs, "seconds": seconds}))


def run_child(work_dir, plan):
    """Runs `child` in a new interpreter; exits like it on failure."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0")
    proc = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--child", work_dir, json.dumps(plan)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        sys.exit(proc.returncode)
    return json.loads(proc.stdout)


def main(spec_path):
    check_django()
    with open(spec_path) as f:
        spec = json.load(f)
    work_dir = os.path.abspath(spec["workDir"])
    if spec.get("fresh", True) and os.path.exists(work_dir):
        shutil.rmtree(work_dir)
    snapshots = os.path.join(work_dir, "snapshots")
    os.makedirs(snapshots, exist_ok=True)
    apps = spec["apps"]
    write(os.path.join(work_dir, "tsm_settings.py"),
          SETTINGS.format(apps=apps, db=os.path.join(work_dir, "db.sqlite3"),
                          auto=spec.get("defaultAutoField", "BigAutoField")))
    write_app_configs(work_dir, spec)
    for app in apps:
        # An app without a migrations package gets no 0001 from a bare makemigrations.
        for init in (os.path.join(work_dir, app, "__init__.py"), os.path.join(work_dir, app, "migrations", "__init__.py")):
            if not os.path.exists(init):
                write(init, "")
    commands = spec.get("commands", ["makemigrations", "migrate"])
    result = {"steps": [], "rollback": []}
    for step in spec.get("steps", []):
        for app, source in step["models"].items():
            write(os.path.join(work_dir, app, "models.py"), source)
        db = os.path.join(snapshots, "step-%d.sqlite3" % step["index"])
        plan = []
        if "makemigrations" in commands:
            plan.append({"argv": ["makemigrations", "--noinput"], "timed": "makemigrations", "answers": step.get("answers")})
        if "migrate" in commands:
            plan.append({"argv": ["migrate", "--noinput"], "timed": "migrate"})
        if plan:
            plan[-1]["copy_to"] = db
        out = run_child(work_dir, plan)
        result["steps"].append({"index": step["index"], "db": db, "output": "".join(out["output"]),
                                "seconds": out["seconds"]})
    rollback = spec.get("rollback", [])
    if rollback:
        plan = []
        for k, (app, target) in enumerate(rollback, 1):
            db = os.path.join(snapshots, "rollback-%d.sqlite3" % k)
            plan.append({"argv": ["migrate", app, target, "--noinput"], "copy_to": db})
            result["rollback"].append({"app": app, "target": target, "db": db})
        out = run_child(work_dir, plan)
        for entry, text in zip(result["rollback"], out["output"]):
            entry["output"] = text
    after = spec.get("after", [])
    if after:
        out = run_child(work_dir, [{"argv": argv} for argv in after])
        result["after"] = [text.split("\n", 1)[1] for text in out["output"]]
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 2:
        main(sys.argv[1])
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)
