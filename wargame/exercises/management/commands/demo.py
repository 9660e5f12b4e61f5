"""Set up the demo facilitator and, with --serve, run the server and a Celery worker beside it."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wargame.exercises.models import Exercise, ExerciseStatus, JoinCode
from wargame.exercises.principals import Principal
from wargame.exercises.services.exercises import exercise_create
from wargame.exercises.services.lifecycle import exercise_command
from wargame.exercises.views_of import CONTROL
from wargame.realtime.serving import UVICORN_WEBSOCKET_OPTIONS

DEMO_USERNAME = "facilitator"
DEMO_SCENARIO = "exercise_season"
DEMO_TITLE = "Demo: exercise season"
# How long the server may take to answer /healthz before the demo gives up and says why.
STARTUP_TIMEOUT_SECONDS = 60


def demo_server_argv(host: str, port: int) -> list[str]:
    """The demo's Uvicorn command line."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "wargame.asgi:application",
        "--host",
        host,
        "--port",
        str(port),
        "--no-access-log",
        *UVICORN_WEBSOCKET_OPTIONS,
    ]


def _demo_password() -> str:
    """One password per checkout, kept under var/, so repeated demos print the same login."""
    password_file = settings.VAR_DIR / "demo_password"
    if not password_file.exists():
        password_file.write_text(secrets.token_urlsafe(12), encoding="utf-8")
        password_file.chmod(0o600)
    return password_file.read_text(encoding="utf-8").strip()


class Command(BaseCommand):
    help = "Create the demo facilitator and print the login; --serve also runs server and worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--serve", action="store_true", help="Run the server and a worker.")
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))

    def handle(self, *args: Any, **options: Any) -> None:
        password = _demo_password()
        user, created = get_user_model().objects.get_or_create(
            username=DEMO_USERNAME, defaults={"is_staff": True}
        )
        if created or not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        exercise = self._demo_exercise(user)
        base = f"http://{self._url_host(options['host'])}:{options['port']}"
        if options["serve"]:
            self._serve(options["host"], options["port"], base, password, exercise)
        else:
            self._print_links(base, password, exercise)

    @staticmethod
    def _demo_exercise(user: Any) -> Exercise:
        """The demo exercise, open for joining; made once and kept across demo runs."""
        existing = (
            Exercise.objects.filter(facilitators__user=user, title=DEMO_TITLE)
            .exclude(status=ExerciseStatus.ENDED)
            .first()
        )
        if existing is not None:
            return existing
        exercise = exercise_create(user=user, scenario=DEMO_SCENARIO, title=DEMO_TITLE)
        principal = Principal(exercise_id=exercise.pk, view=CONTROL, user=user)
        return exercise_command(principal=principal, command="open_lobby")

    @staticmethod
    def _url_host(host: str) -> str:
        if host in {"0.0.0.0", "::"}:  # noqa: S104 - only used to print a reachable link
            return "127.0.0.1"
        return f"[{host}]" if ":" in host else host

    def _print_links(self, base: str, password: str, exercise: Exercise) -> None:
        codes = {
            (row.team.code if row.team is not None else "observers"): row.code
            for row in JoinCode.objects.filter(exercise=exercise).select_related("team")
        }
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("wargame demo is ready."))
        self.stdout.write(f"  Facilitator login : {base}/accounts/login/")
        self.stdout.write(f"    username        : {DEMO_USERNAME}")
        self.stdout.write(f"    password        : {password}")
        self.stdout.write(
            f"  Demo exercise     : {exercise.title} (id {exercise.pk}, {exercise.status})"
        )
        self.stdout.write(f"  Console           : {base}/console/{exercise.pk}/")
        for name, code in codes.items():
            self.stdout.write(f"    join {name:<13}: {base}/join/#code={code}")
        self.stdout.write(f"  Observer screen   : {base}/screen/{exercise.pk}/")
        self.stdout.write(f"  Practise alone    : {base}/practice/")
        self.stdout.write(f"  API documentation : {base}/api/docs/")
        self.stdout.write(f"  Health            : {base}/healthz")
        self.stdout.write("")

    def _serve(self, host: str, port: int, base: str, password: str, exercise: Exercise) -> None:
        python = sys.executable
        server = subprocess.Popen(  # noqa: S603 - fixed argv, our own interpreter
            demo_server_argv(host, port), start_new_session=True
        )
        # -B runs beat inside the worker: right for one demo machine, never for production.
        worker = subprocess.Popen(  # noqa: S603 - fixed argv, our own interpreter
            [
                python,
                "-m",
                "celery",
                "-A",
                "wargame",
                "--quiet",  # no banner: the demo prints its own links
                "worker",
                "-B",
                "--concurrency",
                "1",
                "--loglevel",
                "WARNING",
                "--schedule",
                str(settings.CELERY_BEAT_SCHEDULE_FILENAME),
            ],
            start_new_session=True,
        )
        children = [server, worker]
        stop_requested = False

        def request_stop(signum: int, frame: object) -> None:
            nonlocal stop_requested
            stop_requested = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        try:
            self._wait_until_healthy(base, server)
            self._print_links(base, password, exercise)
            self.stdout.write("Press Ctrl-C to stop the server and the worker.")
            while not stop_requested and all(child.poll() is None for child in children):
                time.sleep(0.2)
        finally:
            # SIGTERM to each leader only: Celery then shuts its pool down warmly itself.
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(child.pid, signal.SIGKILL)
        failed = [c for c in children if c.returncode not in (0, -signal.SIGTERM, None)]
        if failed and not stop_requested:
            raise CommandError("The server or the worker stopped unexpectedly; see the log above.")
        self.stdout.write("Stopped.")

    @staticmethod
    def _wait_until_healthy(base: str, server: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError("The server exited during start-up; see the log above.")
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        raise CommandError(f"The server did not answer {base}/healthz within a minute.")
