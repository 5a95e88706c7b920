import pytest

from pipelines.records import Block
from pipelines.sections import heading_kind, split_sections


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("1. Eccentric Loading and the Brain\u2019s \u201cGrowth Hormone\u201d", "point"),
        ("7) The Power of Mind-Muscle Connection", "point"),
        ("Step 3: Track your sleep", "point"),
        ("Action Plan: 3 Steps to Brain-Boosting Workouts", "action_plan"),
        ("Your Next Steps", "action_plan"),
        ("Summary: The Brain Is Just Another Muscle", "summary"),
        ("The Bottom Line", "summary"),
        ("Key Takeaways", "summary"),
        ("Conclusion", "summary"),
        ("Frequently Asked Questions", "faq"),
        ("FAQs", "faq"),
        ("Origin", "origin"),
        ("Etymology", "origin"),
        ("Mechanism", "mechanism"),
        ("How It Works", "mechanism"),
        ("Preguntas frecuentes", "faq"),
        ("En résumé", "summary"),
        ("Why Your Brain Needs That Heavy Lunge You Hate", "other"),
        ("2022 was a big year for research", "other"),
        ("Scientific References", "references"),
    ],
)
def test_heading_kind(heading, kind):
    assert heading_kind(heading) == kind


def test_split_sections_lead_points_and_lists():
    blocks = [
        Block("paragraph", "Lead text."),
        Block("heading", "1. First point", 2),
        Block("paragraph", "Point one."),
        Block("heading", "Action Plan: Do It", 2),
        Block("item", "Walk."),
        Block("item", "Lift."),
    ]
    sections = split_sections(blocks)
    assert [(s.heading, s.level, s.kind) for s in sections] == [
        (None, 0, "lead"), ("1. First point", 2, "point"), ("Action Plan: Do It", 2, "action_plan")]
    assert sections[2].text == "- Walk.\n- Lift."


def test_split_sections_glossary_definition_and_faq_questions():
    blocks = [
        Block("paragraph", "X refers to Y."),
        Block("heading", "Frequently Asked Questions", 2),
        Block("heading", "Is it safe?", 3),
        Block("paragraph", "Yes."),
        Block("heading", "Origin", 2),
        Block("paragraph", "Old."),
    ]
    kinds = [s.kind for s in split_sections(blocks, glossary=True)]
    assert kinds == ["definition", "faq", "faq", "origin"]
