"""The schedule through the real parts: Celery beat and a worker started here, with a Redis of this test's own
(so that it can be stopped), the probe job of tests/ops/probe.py due every minute (crontab minute="*").

One timeline, about a minute and a half: beat starts after having been down for three minutes (a deploy); Redis
goes away across the next minute's due time and comes back; beat is killed and restarted right after that run.
Each minute has its run, once. Beat's heartbeat (the beat container's health check, ops/heartbeat.py) is
touched at its start and renewed by each send.
"""

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from cmm.celery import app
from ops.models import JobStatus
from tests.cases.test_celery_worker import database_url, start, stop
from tests.reminders.test_worker import wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # This process runs tasks eagerly; the double below is sent to the real worker on purpose.
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]

PROBE = "probe-every-minute"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_server(port: int, folder: Path) -> subprocess.Popen:
    server = shutil.which("redis-server")
    assert server, "the real beat tests need redis-server (apt-get install redis-server)"  # never skipped
    process = subprocess.Popen(
        [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    assert wait_for(lambda: _answers(client), 10), "redis-server did not start"
    return process


def _answers(client) -> bool:
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


def killed(process: subprocess.Popen) -> str:
    """SIGKILL: no shutdown, nothing written on the way out."""
    process.kill()
    _out, err = process.communicate(timeout=15)
    return err.decode(errors="replace")


def ended(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def runs(log: Path) -> list[dt.datetime]:
    return [dt.datetime.fromisoformat(line) for line in log.read_text().split()] if log.exists() else []


def minute(moment: dt.datetime) -> dt.datetime:
    return moment.replace(second=0, microsecond=0)


def sleep_until(moment: dt.datetime) -> None:
    time.sleep(max(0.0, (moment - timezone.now()).total_seconds()))


@pytest.fixture
def probe_schedule():
    """The probe as the last beat left it: it last ran three minutes ago, and beat has been down since."""
    every_minute = CrontabSchedule.objects.create(minute="*", hour="*", timezone="Europe/Copenhagen")
    return PeriodicTask.objects.create(
        name=PROBE,
        task="tests.ops.probe.probe",
        crontab=every_minute,
        last_run_at=timezone.now() - dt.timedelta(minutes=3),
    )


def test_a_restarted_beat_and_a_redis_outage_neither_skip_nor_repeat_a_minute(probe_schedule, tmp_path):
    # Start early enough in a minute for a kill and restart within it (at most 25 s spent waiting here).
    if timezone.now().second > 35:
        sleep_until(minute(timezone.now()) + dt.timedelta(minutes=1, seconds=1))
    port = free_port()
    broker = redis_server(port, tmp_path)
    log = tmp_path / "runs"
    queue = f"test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cmm.settings.test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": f"redis://127.0.0.1:{port}/0",
        "CELERY_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "OPS_PROBE_LOG": str(log),
        "CMM_BEAT_HEARTBEAT_FILE": str(tmp_path / "heartbeat"),
    }
    heartbeat = tmp_path / "heartbeat"
    worker = start("worker", "--pool=solo", "--without-gossip", "--without-mingle", env=env)
    beat = start("beat", env=env)
    logs, worker_log = [], ""
    try:
        # Back after three minutes down: the missed minutes are caught up with one run, at once.
        assert wait_for(lambda: len(runs(log)) == 1, 30), killed(beat)
        this_minute = minute(runs(log)[0])
        assert heartbeat.exists(), "no heartbeat after beat's start and first send"
        os.utime(heartbeat, (0, 0))  # only a send from now on can renew it

        # The same run sent again within its minute (a second beat during a deploy) does nothing.
        with app.connection_for_write(env["REDIS_URL"]) as connection:
            headers = {"periodic_task_name": PROBE}
            app.send_task("tests.ops.probe.probe", queue=queue, headers=headers, connection=connection)
        client = redis.Redis(port=port)
        assert wait_for(lambda: client.llen(queue) == 0 and not client.hlen("unacked"), 20)

        # Redis goes away just before the next minute's due time and comes back just after it: beat, connected
        # since its first send, sends the run when Redis is back instead of dropping it.
        next_minute = this_minute + dt.timedelta(minutes=1)
        sleep_until(next_minute - dt.timedelta(seconds=3))
        assert len(runs(log)) == 1  # no second run in the first minute
        ended(broker)
        sleep_until(next_minute + dt.timedelta(seconds=4))
        broker = redis_server(port, tmp_path)
        assert wait_for(lambda: len(runs(log)) == 2, 40)
        assert heartbeat.stat().st_mtime > time.time() - 60, "the send did not renew the heartbeat"

        # Killed right after that send and started again: a beat that had not written the send down would
        # send again now.
        time.sleep(1)
        logs.append(killed(beat))
        beat = start("beat", env=env)
        time.sleep(10)
    finally:
        logs.append(stop(beat))
        worker_log = stop(worker)
        ended(broker)
    after = "\n".join([*logs, worker_log])

    assert [minute(run) for run in runs(log)] == [this_minute, next_minute], after
    assert PeriodicTask.objects.get(name=PROBE).total_run_count == 2, after  # sent twice, by two beats
    # The one double the worker turned away is the one sent by hand: beat itself sent no run twice.
    assert worker_log.count("already succeeded since its last due time") == 1, after
    status = JobStatus.objects.get(name=PROBE)
    assert minute(status.last_success_at) == next_minute
    assert status.last_failure_at is None
