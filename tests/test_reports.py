from framing.reports import agreement_table, fmt, interval, stats_table


def test_one_formatter_prints_missing_values_as_n_a():
    assert fmt(None) == fmt(float("nan")) == "n/a" and fmt(0.25, 1) == "0.2"
    assert interval({"value": float("nan"), "low": 0.1, "high": 0.2}) == "n/a [0.100, 0.200]"


def test_stats_table_shows_counts_per_frame_kind_source_and_split():
    stats = {"sentences": 3, "documents": 2, "frame_free": 1,
             "per_frame": {"covert_plot": {"total": 2, "train": 2}},
             "per_kind": {"claim": 3}, "per_source": {"euvsdisinfo": 3}, "per_split": {"train": 3},
             "documents_per_split": {"train": 2}, "per_annotator": {"a1": 3}}
    table = stats_table(stats)
    assert "covert_plot" in table and "per source:    euvsdisinfo 3" in table and "per kind:      claim 3" in table


def test_agreement_table_lists_sources_and_frames():
    entry = {"alpha": 0.5, "kappa": None, "positives_a": 1, "positives_b": 2, "both": 1}
    result = {"sentences": 4, "documents": 2, "exact_match": 0.75, "overall": entry,
              "per_source": {"ptc": {**entry, "sentences": 4, "documents": 2}},
              "per_frame": {"covert_plot": entry}, "per_family": {}}
    table = agreement_table(result)
    assert "ptc" in table and "covert_plot" in table and "n/a" in table
