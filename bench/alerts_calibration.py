"""Calibration of the alerts (docs/indicators.md, "Alerts"; docs/benchmarks.md).

Synthetic histories from a seeded generator go through the real pipeline (`warehouse.indicators.compute`
with the shipped defaults of config/indicators.yaml), one history per synthetic dyadic region:

- stationary: negative-binomial daily conflict incidents (mean mu, size k: variance mu + mu^2 / k) and
  dialogue events (mean 3, same k), 240 days; every alert on an evaluable region-day is a false alarm;
- step: the same, with conflict incidents tripled from day 210: is an escalation raised on day 210 or 211
  (within 2 days)? And within 7 days (by day 216, the last day whose baseline holds no tripled day)?
- calm: conflict incidents tripled on days 180..209, back to mu from day 210: is a de-escalation raised
  within 7 days (days 210..216)?
- again: an earlier surge (tripled on days 120..149, back to mu after), then tripled again from day 210: is
  the second escalation raised within 2 days? (A past surge fills the dispersion window that the variance floor
  reads: this measures what that costs.)

Grid: mu in {5, 10, 20, 40} incidents a day, k in {3, 8, 20}; `--histories` per cell and scenario.
`--waves RHO` (docs/indicators.md, "Known limit: autocorrelated counts"): the daily rate moves in waves, as news
coverage does, instead of being drawn afresh each day: rate = mu x exp(z - s^2 / 2), z an AR(1) series with
day-to-day correlation RHO and variance s^2 = ln(1 + 1 / k), and the day's count Poisson at that rate: the same
mean and variance as the NB cell (mu, mu + mu^2 / k), but a news cycle lasts days. The same scenarios and
checks run on those histories.
Targets (issue 12): all alerts together on at most 1 % of evaluable region-days of the stationary
histories; escalation within 2 days in at least 90 % of step histories. Exit 1 when the false-alarm
target (all cells) is missed; the escalation and de-escalation lines print PASS or MISS but are not enforced:
the "any rule" column is an upper bound, computed exactly, on what any rule at all can reach at 1 % false alarms
on independent NB days (function any_rule_bound; not necessarily reachable, and not printed with --waves, whose
days are correlated): where it is below 90 %, the target cannot be met there by any method; where it is above,
the line "where any rule could reach 90 %" says whether this rule does. `--ks` measures other sizes k (1.3: as
uneven as the real ACLED month in ../shared/fixtures).

    .venv/bin/python -m bench.alerts_calibration [--histories 20] [--seed 20261129] [--family-alpha 0.008]
                                                 [--waves 0.7] [--ks 3 8 20]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import yaml

from tracktwo.core.settings import Settings
from tracktwo.pipeline import open_config
from warehouse.db import writer
from warehouse.indicators import compute
from warehouse.indicator_settings import IndicatorSettings
from warehouse.negbin import nb_upper

ROOT = Path(__file__).resolve().parents[1]
MUS = (5, 10, 20, 40)
KS = (3, 8, 20)
DAYS = 240
CHANGE = 210
START = date(2025, 1, 1)
DIALOGUE_MEAN = 3.0
SCENARIOS = ("stationary", "step", "calm", "again")
EARLIER = range(120, 150)  # the "again" scenario's earlier surge


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 200:  # normal approximation, far from where the tails are tested
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, n, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return n
        n += 1


def nb(rng: random.Random, mu: float, k: float) -> int:
    """Negative binomial as a gamma-mixed Poisson: variance mu + mu^2 / k."""
    return poisson(rng, rng.gammavariate(k, mu / k)) if mu > 0 else 0


def rate(scenario: str, mu: float, day: int) -> float:
    if scenario == "step" and day >= CHANGE:
        return 3 * mu
    if scenario == "calm" and CHANGE - 30 <= day < CHANGE:
        return 3 * mu
    if scenario == "again" and (day in EARLIER or day >= CHANGE):
        return 3 * mu
    return mu


class Waves:
    """A daily rate multiplier with mean 1 and squared coefficient of variation 1 / k whose log is an AR(1) series
    (correlation rho from one day to the next): the mixing of a negative binomial, spread over days."""

    def __init__(self, rng: random.Random, k: float, rho: float):
        self.rng, self.rho = rng, rho
        self.var = math.log(1 + 1 / k)
        self.z = rng.gauss(0, math.sqrt(self.var))  # started in its stationary distribution

    def next(self) -> float:
        self.z = self.rho * self.z + self.rng.gauss(0, math.sqrt(self.var * (1 - self.rho ** 2)))
        return math.exp(self.z - self.var / 2)


def histories(scenario: str, n: int, seed: int, rho: float = 0.0,
              ks: tuple[float, ...] = KS) -> tuple[list[dict], dict[str, list]]:
    """Regions (one per history) and their events as columns (`rho` > 0: counts in waves, class Waves)."""
    rng = random.Random(f"{seed}-{scenario}" + (f"-waves{rho}" if rho else ""))
    regions, cols = [], {k: [] for k in ("event_id", "source_event_id", "event_date", "actor1_code", "actor1_group",
                                         "actor2_code", "actor2_group", "is_root_event", "event_code", "root_code",
                                         "quad_class", "goldstein", "num_mentions", "num_sources", "avg_tone",
                                         "action_feature_id", "source_url")}
    serial = 0
    for mu in MUS:
        for k in ks:
            for h in range(n):
                rid = f"{scenario}-m{mu}-k{k}-h{h}"
                a, b = _codes(len(regions))
                regions.append({"id": rid, "name": rid, "type": "dyadic",
                                "sides": [{"name": "A", "actors": [a]}, {"name": "B", "actors": [b]}]})
                waves = (Waves(rng, k, rho), Waves(rng, k, rho)) if rho else None
                for d in range(DAYS):
                    day = START + timedelta(days=d)
                    if waves:
                        counts = ((4, poisson(rng, rate(scenario, mu, d) * waves[0].next())),
                                  (1, poisson(rng, DIALOGUE_MEAN * waves[1].next())))
                    else:
                        counts = ((4, nb(rng, rate(scenario, mu, d), k)), (1, nb(rng, DIALOGUE_MEAN, k)))
                    for quad, count in counts:
                        for _ in range(count):
                            serial += 1
                            cols["event_id"].append(f"gdelt:{serial}")
                            cols["source_event_id"].append(str(serial))
                            cols["event_date"].append(day)
                            cols["actor1_code"].append(a)
                            cols["actor1_group"].append(a)
                            cols["actor2_code"].append(b)
                            cols["actor2_group"].append(b)
                            cols["is_root_event"].append(True)
                            cols["event_code"].append("190" if quad == 4 else "040")
                            cols["root_code"].append("19" if quad == 4 else "04")
                            cols["quad_class"].append(quad)
                            cols["goldstein"].append(-10.0 if quad == 4 else 1.0)
                            cols["num_mentions"].append(1)
                            cols["num_sources"].append(1)
                            cols["avg_tone"].append(-5.0)
                            cols["action_feature_id"].append(f"f{serial}")  # each its own incident
                            cols["source_url"].append(f"https://outlet{serial % 7}.example.org/{serial}")
    return regions, cols


def _codes(i: int) -> tuple[str, str]:
    """Two distinct 3-character actor codes for history i (A00..Z99 style, never reused)."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    a = f"{letters[(2 * i // 100) % 26]}{(2 * i) % 100:02d}"
    b = f"{letters[((2 * i + 1) // 100) % 26]}{(2 * i + 1) % 100:02d}"
    return a, b


def run_scenario(scenario: str, n: int, seed: int, work: Path, family_alpha: float | None = None,
                 rho: float = 0.0, ks: tuple[float, ...] = KS) -> dict:
    regions, cols = histories(scenario, n, seed, rho, ks)
    cfg, data = work / scenario / "config", work / scenario / "data"
    cfg.mkdir(parents=True)
    for p in (ROOT / "config").iterdir():
        if p.is_file() and p.name not in ("sources.yaml", "regions.yaml"):
            shutil.copy2(p, cfg / p.name)
    (cfg / "sources.yaml").write_text(yaml.safe_dump({"sources": [
        {"id": "gdelt", "kind": "gdelt_events", "url": "https://data.gdeltproject.org/gdeltv2/lastupdate.txt"}]}))
    (cfg / "regions.yaml").write_text(yaml.safe_dump({"regions": regions}))
    if family_alpha is not None:  # the shipped defaults with one change
        (cfg / "indicators.yaml").write_text(yaml.safe_dump({"alerts": {"family_alpha": family_alpha}}))
    config = open_config(Settings(cfg, data))
    table = pa.table(cols)
    with writer(config.settings) as con:
        con.execute("INSERT INTO ingest_runs (run_id, source_id, kind, url, started_at, loaded_at, status) "
                    "VALUES ('r1', 'gdelt', 'gdelt_events', 'x', now(), now(), 'ok')")
        con.register("synthetic", table)
        con.execute("INSERT INTO events BY NAME SELECT *, 'gdelt' AS source, 'landing/synthetic' AS landing_file, "
                    "'r1' AS run_id FROM synthetic")
        con.unregister("synthetic")
    t = time.perf_counter()
    compute(config, full=True)
    seconds = time.perf_counter() - t
    with writer(config.settings) as con:
        evaluable = dict(con.execute(
            "SELECT region_id, count(*) FROM v_region_daily WHERE escalation_p IS NOT NULL GROUP BY ALL").fetchall())
        alerts = con.execute("SELECT region_id, day, kind FROM v_alerts").fetchall()
    out: dict = {"events": table.num_rows, "seconds": round(seconds, 2), "cells": {}}
    change = START + timedelta(days=CHANGE)
    for mu in MUS:
        for k in ks:
            ids = [f"{scenario}-m{mu}-k{k}-h{h}" for h in range(n)]
            mine = [a for a in alerts if a[0] in set(ids)]
            if scenario == "stationary":
                days = sum(evaluable.get(r, 0) for r in ids)
                alarm_days = len({(r, d) for r, d, _ in mine})
                value = {"region_days": days, "alarm_days": alarm_days, "rate": alarm_days / max(days, 1),
                         "by_kind": {kind: sum(1 for *_, x in mine if x == kind) for kind in
                                     ("escalation", "de-escalation", "dialogue-gap", "dialogue-opening")}}
            elif scenario in ("step", "again"):
                first = {}  # each history's first escalation on or after the change: days after it
                for r, d, kind in mine:
                    if kind == "escalation" and d >= change:
                        first[r] = min(first.get(r, 10**6), (d - change).days)
                hit = {r for r, lag in first.items() if lag <= 1}
                week = {r for r, lag in first.items() if lag <= 6}
                value = {"histories": n, "detected": len(hit), "rate": len(hit) / n,
                         "detected_7d": len(week), "rate_7d": len(week) / n}
            else:
                hit = {r for r, d, kind in mine if kind == "de-escalation" and change <= d <= change + timedelta(days=6)}
                value = {"histories": n, "detected": len(hit), "rate": len(hit) / n}
            out["cells"][f"mu={mu},k={k}"] = value
    return out


def oracle(mu: float, k: float, seed: int, n: int = 20_000, family_alpha: float | None = None) -> float:
    """The best the escalation rule can do at its alpha: the share of triplings flagged within 2 days when mu
    and k are known exactly (no baseline to estimate), by Monte Carlo with the pipeline's own thresholds
    (each of its two windows at alpha / 2, as the rule's Bonferroni correction has it)."""
    s = IndicatorSettings.model_validate({"alerts": {"family_alpha": family_alpha}} if family_alpha else {})
    alpha, floor = s.alerts.alpha / 2, s.alerts.min_incidents

    def threshold(m: float, size: float) -> int:
        x = int(m)
        while nb_upper(x, m, size) >= alpha:
            x += 1
        return x

    q1, q2 = threshold(mu, k), threshold(2 * mu, 2 * k)
    rng = random.Random(f"{seed}-oracle-{mu}-{k}")
    hits = 0
    for _ in range(n):
        before, day1, day2 = nb(rng, mu, k), nb(rng, 3 * mu, k), nb(rng, 3 * mu, k)
        hits += any(x >= floor and (x >= q1 or (x >= mu and x + prev >= q2))
                    for prev, x in ((before, day1), (day1, day2)))
    return hits / n


def any_rule_bound(mu: float, k: float, budget: float = 0.01) -> float:
    """The most any rule at all can flag a tripling within 2 days while raising at most `budget` false alarms per
    region-day (the issue's 1 %, all of it given to escalation), even knowing mu, k and the day the change comes.

    An alarm on day 0 or day 1 of the change happens, under no change, with probability at most 2 x budget. By the
    Neyman-Pearson lemma no test of those two days' counts at that size beats the likelihood-ratio test, and for
    two independent NB(mu, k) days against NB(3 mu, k) days the ratio rises with their sum, which is NB(2 mu, 2 k)
    under no change and NB(6 mu, 2 k) after it. Its power (randomized at the threshold to use the whole size) is
    the bound: exact, no simulation. Earlier days add nothing when mu and k are known (the days are independent)."""
    size, m0, m1, kk = 2 * budget, 2 * mu, 6 * mu, 2 * k
    c = 1
    while nb_upper(c, m0, kk) > size:
        c += 1
    at, below = nb_upper(c, m0, kk), nb_upper(c - 1, m0, kk)
    share = (size - at) / (below - at) if below > at else 0.0  # of the outcomes X = c - 1 (randomized test)
    return nb_upper(c, m1, kk) + share * (nb_upper(c - 1, m1, kk) - nb_upper(c, m1, kk))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--histories", type=int, default=20, help="histories per (mu, k) cell and scenario")
    ap.add_argument("--seed", type=int, default=20261129)
    ap.add_argument("--family-alpha", type=float, default=None,
                    help="alerts.family_alpha to measure instead of the shipped default (a trade-off study)")
    ap.add_argument("--waves", type=float, default=0.0, metavar="RHO",
                    help="daily rates in waves: day-to-day correlation of the log rate (0: independent days)")
    ap.add_argument("--ks", type=float, nargs="+", default=list(KS), metavar="K",
                    help="the sizes k of the grid (default 3 8 20; e.g. --ks 1.3: as uneven as the real ACLED month)")
    args = ap.parse_args(argv)
    if not 0 <= args.waves < 1:
        ap.error("--waves must be at least 0 and below 1")
    if any(k <= 0 for k in args.ks):
        ap.error("--ks must be positive")
    ks = tuple(int(k) if float(k).is_integer() else k for k in args.ks)  # cells named k=3, not k=3.0
    work = Path(tempfile.mkdtemp(prefix="tracktwo-calibration-"))
    try:
        results = {s: run_scenario(s, args.histories, args.seed, work, args.family_alpha, args.waves, ks)
                   for s in SCENARIOS}
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"{'cell':<14} {'false alarms (stationary)':>28} {'escalation <= 2 days':>22} {'oracle':>7} "
          f"{'any rule':>9} {'<= 7 days':>10} {'de-escalation <= 7 days':>24} {'again <= 2 days':>17} {'<= 7 days':>10}")
    ceilings = {f"mu={mu},k={k}": oracle(mu, k, args.seed, family_alpha=args.family_alpha) for mu in MUS for k in ks}
    # an upper bound for independent NB days only: not for counts in waves (correlated days)
    bounds = {} if args.waves else {f"mu={mu},k={k}": any_rule_bound(mu, k) for mu in MUS for k in ks}
    for cell in results["stationary"]["cells"]:
        s, st, c, ag = (results[x]["cells"][cell] for x in SCENARIOS)
        print(f"{cell:<14} {s['alarm_days']:>6} / {s['region_days']:<6} = {100 * s['rate']:5.2f} %"
              f" {st['detected']:>6} / {st['histories']:<3} = {100 * st['rate']:4.0f} % {100 * ceilings[cell]:6.0f} %"
              + (f" {100 * bounds[cell]:7.0f} %" if bounds else f" {'-':>9}") +
              f" {100 * st['rate_7d']:8.0f} %"
              f" {c['detected']:>7} / {c['histories']:<3} = {100 * c['rate']:4.0f} %"
              f" {ag['detected']:>4} / {ag['histories']:<3} = {100 * ag['rate']:4.0f} % {100 * ag['rate_7d']:8.0f} %")

    def pooled(scenario: str, keep, detected: str = "detected") -> float | None:
        cells = [v for cell, v in results[scenario]["cells"].items() if keep(cell)]
        if not cells:  # no cell of the grid is of that kind (--ks 1.3 has no k >= 8; --waves has no bound)
            return None
        if scenario == "stationary":
            return sum(v["alarm_days"] for v in cells) / max(sum(v["region_days"] for v in cells), 1)
        return sum(v[detected] for v in cells) / max(sum(v["histories"] for v in cells), 1)

    def realistic(cell: str) -> bool:
        return float(cell.rsplit("k=", 1)[1]) >= 8

    def attainable(cell: str) -> bool:  # cells where this rule, knowing mu and k exactly, would reach 95 %
        return ceilings[cell] >= 0.95

    def reachable(cell: str) -> bool:  # cells where the best rule of all at 1 % false alarms reaches 90 %
        return bounds.get(cell, 0.0) >= 0.90

    summary = {
        "false_alarm_rate_all": pooled("stationary", lambda c: True),
        "false_alarm_rate_k>=8": pooled("stationary", realistic),
        "escalation_2d_all": pooled("step", lambda c: True),
        "escalation_2d_k>=8": pooled("step", realistic),
        "escalation_7d_all": pooled("step", lambda c: True, "detected_7d"),
        "escalation_7d_k>=8": pooled("step", realistic, "detected_7d"),
        "again_7d_k>=8": pooled("again", realistic, "detected_7d"),
        "deescalation_7d_k>=8": pooled("calm", realistic),
        "again_2d_all": pooled("again", lambda c: True),
        "again_2d_k>=8": pooled("again", realistic),
        "again_2d_attainable": pooled("again", attainable),
        "escalation_2d_attainable": pooled("step", attainable),
        "attainable_cells": [c for c in ceilings if attainable(c)],
        "escalation_2d_reachable": pooled("step", reachable),
        "reachable_cells": [c for c in bounds if reachable(c)],
        "escalation_2d_any_rule_bound": {c: round(b, 4) for c, b in bounds.items()},
        "escalation_2d_vs_oracle_worst": min(results["step"]["cells"][c]["rate"] - ceilings[c] for c in ceilings),
        "false_alarms_by_kind": {kind: sum(v["by_kind"][kind] for v in results["stationary"]["cells"].values())
                                 for kind in ("escalation", "de-escalation", "dialogue-gap", "dialogue-opening")},
        "seconds": {s: results[s]["seconds"] for s in SCENARIOS},
        "events": {s: results[s]["events"] for s in SCENARIOS},
    }
    print(json.dumps(summary, indent=1))
    checks = [  # (text, value, target): a value of None has no cell of its kind in this grid
        ("false alarms, all cells, % of evaluable region-days (target <= 1 %)", summary["false_alarm_rate_all"],
         lambda v: v <= 0.01),
        ("tripling flagged within 2 days, all cells, % (target >= 90 %)", summary["escalation_2d_all"],
         lambda v: v >= 0.90),
        ("tripling flagged within 2 days where any rule could reach 90 % (the 'any rule' column), % (target >= 90 %)",
         summary["escalation_2d_reachable"], lambda v: v >= 0.90),
        ("tripling flagged within 2 days where this rule's own ceiling at its alpha is 95 % (oracle), % (>= 90 %)",
         summary["escalation_2d_attainable"], lambda v: v >= 0.90),
        ("tripling flagged within 2 days, k >= 8, % (target >= 90 %)", summary["escalation_2d_k>=8"],
         lambda v: v >= 0.90),
        ("return to calm flagged within 7 days, k >= 8, %", summary["deescalation_7d_k>=8"], lambda v: v >= 0.80),
    ]
    for text, value, target in checks:
        print(f"{text}: " + ("n/a (no cell of this kind, or no bound: counts in waves)" if value is None
                             else f"{100 * value:.2f}  {'PASS' if target(value) else 'MISS'}"))
    # exit status: the false-alarm target, which every rule can meet; the escalation lines are reported, not
    # enforced: no rule meets 90 % within 2 days at k = 3 (the bound), and this one misses it where others could
    return 0 if checks[0][2](checks[0][1]) else 1


if __name__ == "__main__":
    sys.exit(main())
