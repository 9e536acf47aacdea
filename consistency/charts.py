"""Charts of a consistency report (matplotlib, Agg backend: no display needed on a court server)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib import font_manager

from consistency.report import ConsistencyReport

__all__ = ["render_charts"]

_CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei", "SimHei", "Microsoft YaHei", "PingFang SC")


def _use_cjk_font() -> None:
    available = {f.name for f in font_manager.fontManager.ttflist}
    chosen = [f for f in _CJK_FONTS if f in available]
    if chosen:
        plt.rcParams["font.sans-serif"] = chosen + list(plt.rcParams["font.sans-serif"])
    plt.rcParams["axes.unicode_minus"] = False


def render_charts(report: ConsistencyReport, directory: Path, formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    """Write the distribution, circumstance-effect and regional-spread charts; returns the files written."""
    _use_cjk_font()
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def save(fig: plt.Figure, name: str) -> None:
        fig.tight_layout()
        for fmt in formats:
            path = directory / f"{name}.{fmt}"
            fig.savefig(path, format=fmt, dpi=110)
            written.append(path)
        plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.hist(report.months or [0], bins=30, color="#4a6fa5")
    ax.set_xlabel("刑期（月） prison term (months)")
    ax.set_ylabel("案件数 cases")
    ax.set_title(f"{report.subject}：刑期分布（{len(report.months)}件）")
    save(fig, "distribution")

    fig, ax = plt.subplots(figsize=(7, 0.4 * max(3, len(report.circumstance_effects)) + 1))
    effects = report.circumstance_effects[:15]
    values = [e["effect_percent"] for e in effects]
    low = [v - e["interval_percent"][0] for v, e in zip(values, effects, strict=True)]
    high = [e["interval_percent"][1] - v for v, e in zip(values, effects, strict=True)]
    ax.barh([e["circumstance"] for e in effects], values, xerr=[low, high], color="#c0504d", capsize=3)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("同档次、同金额量级案件中，有该情节时刑期的变化（%，90%区间）")
    ax.set_title("量刑情节的影响 circumstance effects")
    save(fig, "circumstances")

    groups = [g for g in report.spread if "median" in g][:12]
    fig, ax = plt.subplots(figsize=(7, 0.4 * max(3, len(groups)) + 1))
    labels = [f"{g['province']}·{g['court_level']}（{g['cases']}件）" for g in groups]
    ax.barh(labels, [g["p75"] - g["p25"] for g in groups], left=[g["p25"] for g in groups], color="#9bbb59")
    ax.scatter([g["median"] for g in groups], labels, color="black", zorder=3, label="中位数")
    ax.set_xlabel("刑期四分位区间（月）")
    ax.set_title("地区与法院层级差异 court/region spread")
    save(fig, "spread")
    return written
