"""The proof under faults, shorter: 5 people file 10 requests through the real bot process
(`python -m bot run`) over HTTP while the stand-in injects 429s, 502s, slow answers and dropped connections,
and the bot is killed (SIGKILL) halfway and started again. Every acknowledged request is stored exactly once;
every notice is delivered or marked undeliverable. The full run is `python -m bench.faults`."""

from __future__ import annotations

from bench.faults import Config, run


async def test_requests_survive_faults_and_a_kill_of_the_bot_process():
    config = Config(users=5, requests=10, db="sqlite", kill_at=0.5, step_timeout=10.0, quiet_timeout=60.0)
    figures = await run(config)
    report = figures.report(config)
    assert figures.kills == 1, report
    assert figures.lost == 0 and figures.duplicates == 0, report
    assert figures.acknowledged == figures.stored == figures.sent == 10, report
    assert figures.delivered + figures.undeliverable == figures.notices > 0, report
    assert sum(figures.faults.values()) > 0, report  # the faults were really met
