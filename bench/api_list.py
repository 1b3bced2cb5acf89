"""`python -m bench.api_list`: the API's request list against the floor, and against another
commit's code, in one run.

    python -m bench.api_list --size 1000000 --against ad3829f --rounds 3

On a copy of `bench_<size>` (seeded by `python -m bench`): gunicorn serving this checkout, the
floor (bench/floor.py) and, with `--against REV`, REV's code from a git worktree, each with
bench/run.py's settings; then wrk at `--clients` on bench/busy.py's list address as the signed-in
viewer, `--seconds` per run, the servers in turn, `--rounds` times. Prints each run and each
server's median requests a second and its ratio to the floor's. On a shared machine the floor's
own rate moves by a third between runs minutes apart, so a change is read from the servers'
rates in the same rounds, not from two runs. Writes nothing else.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
from pathlib import Path

from bench import busy
from bench.run import app_environment, machine_speed, probe
from bench.servers import Server, worktree, wrk


def compare(
    size: int, rounds: int, seconds: int, clients: int, against: Path | None, label: str
) -> dict[str, list[float]]:
    """Requests a second of each server, per round: "this", "floor" and `label` (REV)."""
    options = busy.BusyOptions()
    options.log_dir.mkdir(parents=True, exist_ok=True)
    rates: dict[str, list[float]] = {}
    with busy.copied_database(options.server_url, f"bench_{size}", f"api_list_{size}") as url:
        busy.flush(options.cache_url)
        env = app_environment(
            url, {"CACHE_URL": options.cache_url, "CELERY_BROKER_URL": options.broker_url}
        )
        cookie = probe("prepare", env)["cookie"]
        logs = options.log_dir
        servers = {
            "this": Server("config.wsgi:application", env, logs / "api-this.log"),
            "floor": Server("bench.floor:application", env, logs / "api-floor.log"),
        }
        if against is not None:
            servers[label] = Server("config.wsgi:application", env, logs / "api-against.log")
            servers[label].checkout = against
        try:
            for key, server in servers.items():
                path, reader = _target(key, cookie)
                server.start(path if key == "floor" else "/healthz")
                busy.warm(server, reader, [path])
            for round_ in range(rounds):
                for key, server in servers.items():
                    path, reader = _target(key, cookie)
                    run = wrk(
                        server.base_url + path, clients=clients, seconds=seconds, cookie=reader
                    )
                    rates.setdefault(key, []).append(run["rps"])
                    print(
                        f"round {round_ + 1} {key:10s} {run['rps']:6.1f} req/s  "
                        f"p50 {run['p50_ms']:6.1f} ms  p99 {run['p99_ms']:6.1f} ms  "
                        f"errors {run['errors']}",
                        flush=True,
                    )
        finally:
            for server in servers.values():
                server.stop()
            busy.flush(options.cache_url)
            busy.flush(options.broker_url)
    return rates


def _target(key: str, cookie: str) -> tuple[str, str]:
    """(the address, the session cookie) a server is asked: the floor's, without a session."""
    return (busy.FLOOR_LIST, "") if key == "floor" else (busy.API_LIST, cookie)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.api_list")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--against", help="another commit, served beside this checkout")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clients", type=int, default=10)
    args = parser.parse_args(argv)

    speed = machine_speed(busy.BusyOptions().server_url)
    print(f"machine: fixed Python work {speed['python_ms']} ms, fixed SQL {speed['sql_ms']} ms")
    with worktree(args.against) if args.against else contextlib.nullcontext() as checkout:
        rates = compare(
            args.size, args.rounds, args.seconds, args.clients, checkout, args.against or ""
        )
    floor = statistics.median(rates["floor"])
    print(f"API list at {args.size:,}, {args.clients} clients, signed-in viewer, medians:")
    for key, values in rates.items():
        rate = statistics.median(values)
        print(f"{key:10s} {rate:6.1f} req/s  {rate / floor:.2f}x the floor")


if __name__ == "__main__":
    main()
