"""Memory across weeks: ISO week windows and which stories are repeats or follow-ups."""

from datetime import datetime, timezone

import pytest

from digest.stories.followups import follow_ups
from digest.weeks import week_window
from digest.models import Merge, Origin, Story
from tests.conftest import make_article


def test_week_window_is_monday_to_sunday_utc():
    assert week_window("2025-W30") == (datetime(2025, 7, 21, tzinfo=timezone.utc),
                                       datetime(2025, 7, 27, 23, 59, 59, tzinfo=timezone.utc))
    with pytest.raises(ValueError, match="write it as 2025-W30"):
        week_window("2025-30")


def test_week_window_follows_the_zones_calendar():
    start, end = week_window("2025-W30", "Pacific/Auckland")  # NZST, UTC+12
    assert (start.astimezone(timezone.utc), end.astimezone(timezone.utc)) == (
        datetime(2025, 7, 20, 12, tzinfo=timezone.utc), datetime(2025, 7, 27, 11, 59, 59, tzinfo=timezone.utc))


def story_of(*articles):
    origins = tuple(Origin(a.id, (a,)) for a in articles)
    merges = tuple(Merge(x.id, y.id, "same event", 0.3) for x, y in zip(articles, articles[1:]))
    return Story("s", "AI dubbing", origins, merges)


A, B, C = (make_article(location=n, text=f"Article {n}.") for n in "abc")


def test_new_story_is_kept_unchanged():
    story = story_of(A, B)
    assert follow_ups([story], {}) == ((story,), ())


def test_story_with_new_sources_is_a_follow_up_of_its_first_issue():
    featured = {A.id: ("2025-W29", 2), B.id: ("2025-W28", 1)}
    (kept,), repeats = follow_ups([story_of(A, B, C)], featured, context={A.id, B.id})
    assert kept.follow_up == "first covered in issue 1 (2025-W28)"
    assert [a.id for a in kept.articles] == [C.id] and kept.merges == () and repeats == ()


def test_story_already_sent_is_left_out_with_a_note_unless_it_is_only_context():
    featured = {A.id: ("2025-W29", 2), B.id: ("2025-W29", 2)}
    assert follow_ups([story_of(A, B)], featured) == ((), ("AI dubbing: already sent in issue 2 (2025-W29), no new sources",))
    assert follow_ups([story_of(A, B)], featured, context={A.id, B.id}) == ((), ())
