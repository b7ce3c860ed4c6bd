"""SPC (Making Data Count XmR) on sequences whose signals are known by construction."""

import pytest

from listener.reports.spc import Signal, describe, xmr_chart

STABLE = [10, 12, 9, 11, 10, 12, 9, 11, 10, 12, 9, 11]  # alternates around 10.5: common cause only


def rules(chart):
    return [(s.rule, s.direction, s.first, s.last) for s in chart.signals]


def test_limits_are_mean_plus_minus_2_66_mean_moving_range():
    chart = xmr_chart([10, 12, 11, 15, 12])
    # moving ranges 2, 1, 4, 3 -> mean 2.5; mean 12
    assert chart.mean == 12
    assert chart.mean_moving_range == 2.5
    assert chart.upper_limit == pytest.approx(12 + 2.66 * 2.5)
    assert chart.lower_limit == pytest.approx(12 - 2.66 * 2.5)
    assert chart.upper_two_sigma == pytest.approx(12 + 2 / 3 * 2.66 * 2.5)
    assert chart.trial_limits


def test_common_cause_only():
    chart = xmr_chart(STABLE)
    assert chart.signals == ()
    assert not chart.trial_limits


def test_a_point_outside_the_limits():
    chart = xmr_chart([*STABLE, 30])
    assert ("outside_limits", "high", 12, 12) in rules(chart)
    low = xmr_chart([*STABLE, -10])
    assert ("outside_limits", "low", 12, 12) in rules(low)


def test_a_run_of_seven_on_one_side_of_the_mean():
    values = [10, 11, 10, 11, 10, 11, 10, 14, 13, 14, 13, 14, 13, 14]  # last 7 above the mean (~12)
    chart = xmr_chart(values)
    assert ("shift", "high", 7, 13) in rules(chart)
    six = xmr_chart([10, 11, 10, 11, 10, 11, 10, 11, 14, 13, 14, 13, 14, 13])  # only 6 above
    assert not [s for s in six.signals if s.rule == "shift" and s.direction == "high"]


def test_a_point_on_the_mean_breaks_a_run():
    values = [1, 1, 1, 1, 1, 1, 5, 9, 9, 9, 9, 9, 9]  # mean 5: the 5 is on the mean
    chart = xmr_chart(values)
    assert ("shift", "low", 0, 5) not in rules(chart)
    assert all(s.rule != "shift" or s.last - s.first + 1 >= 7 for s in chart.signals)


def test_a_trend_of_seven():
    values = [10, 12, 9, 11, 10, 9, 10, 11, 12, 13, 14, 15]  # points 5..11 rise each week: 7 points
    chart = xmr_chart(values)
    assert ("trend", "up", 5, 11) in rules(chart)
    down = xmr_chart([20, 21, 20, 19, 18, 17, 16, 15, 14, 20])  # points 1..8 fall: 8 points
    assert ("trend", "down", 1, 8) in rules(down)


def test_six_rising_points_and_a_tie_are_not_a_trend():
    assert not [s for s in xmr_chart([10, 12, 9, 8, 11, 12, 13, 14, 15]).signals if s.rule == "trend"]
    tie = xmr_chart([9, 10, 11, 12, 12, 13, 14, 15])  # the repeated 12 breaks it: 4 + 4 points
    assert not [s for s in tie.signals if s.rule == "trend"]


def test_two_of_three_beyond_two_sigma():
    values = [10.5, 10.5] + [10, 11] * 8 + [13, 12, 13]
    chart = xmr_chart(values)
    assert chart.upper_two_sigma < 13 < chart.upper_limit
    assert ("two_of_three", "high", 18, 20) in rules(chart)
    assert not [s for s in chart.signals if s.rule == "outside_limits"]


def test_one_of_three_beyond_two_sigma_is_not_a_signal():
    values = [10.5, 10.5] + [10, 11] * 8 + [13, 12, 11, 13]
    chart = xmr_chart(values)
    assert chart.upper_two_sigma < 13 < chart.upper_limit
    assert not [s for s in chart.signals if s.rule == "two_of_three"]


def test_signals_at_a_point_and_words():
    chart = xmr_chart([*STABLE, 30])
    assert [s.rule for s in chart.signals_at(12)] == ["outside_limits"]
    labels = [f"week {i}" for i in range(13)]
    assert describe(chart.signals[0], labels).startswith("Week 12: above the usual range")
    run = Signal("shift", "low", 2, 9)
    assert (
        describe(run, labels)
        == "The 8 weeks from week 2 to week 9 were all below the average: a sustained shift down."
    )


def test_limits_from_a_baseline_judge_the_points_after_it():
    """Reports fix the limits on the weeks before this week, so this week cannot widen its own usual range."""
    chart = xmr_chart([*STABLE, 30], baseline=len(STABLE))
    alone = xmr_chart(STABLE)
    assert (chart.mean, chart.upper_limit) == (alone.mean, alone.upper_limit)
    assert chart.baseline_points == 12 and not chart.trial_limits
    assert ("outside_limits", "high", 12, 12) in rules(chart)
    assert xmr_chart([1, 2, 3, 50], baseline=3).trial_limits
    with pytest.raises(ValueError, match="at least 2 points"):
        xmr_chart([5, 6, 7], baseline=1)


def test_words_for_readers_are_plain():
    labels = [f"week {i}" for i in range(20)]
    for rule in ("outside_limits", "shift", "trend", "two_of_three"):
        for direction in ("high", "low") if rule != "trend" else ("up", "down"):
            text = describe(Signal(rule, direction, 3, 10), labels).lower()
            assert not any(jargon in text for jargon in ("process limit", "special cause", "sigma")), text


def test_too_few_points():
    with pytest.raises(ValueError, match="at least 2 points"):
        xmr_chart([5])
