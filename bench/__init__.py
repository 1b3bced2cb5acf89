"""The performance bench: the tracker served by gunicorn and driven by wrk at national scale, side
by side with a hand-written floor. Run it with `python -m bench` (docs/performance.md)."""
