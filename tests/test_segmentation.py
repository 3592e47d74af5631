import pytest

from framing import split_sentences
from framing.segmentation import split_paragraphs


@pytest.mark.parametrize("text,expected", [
    ("Mr. Semeryakov emphasized the threat. It grew.", ["Mr. Semeryakov emphasized the threat.", "It grew."]),
    ("Moscow has called for a rollback in U.S. and NATO forces near its borders. This came after weeks.",
     ["Moscow has called for a rollback in U.S. and NATO forces near its borders.", "This came after weeks."]),
    ("It was George H.W. Bush who spoke. Lt. Gen. Smith agreed.",
     ["It was George H.W. Bush who spoke.", "Lt. Gen. Smith agreed."]),
    ("Kazakh Chaos on Cue Ahead of Crunch Russia-U.S. Security Negotiations",
     ["Kazakh Chaos on Cue Ahead of Crunch Russia-U.S. Security Negotiations"]),
    ("to challenge the U.S. The turmoil followed.", ["to challenge the U.S.", "The turmoil followed."]),
    ("Riots were “hidden behind unplanned protests.” The goal was “to seize power” – a coup attempt.",
     ["Riots were “hidden behind unplanned protests.”", "The goal was “to seize power” – a coup attempt."]),
    ("About 7,000 militants (3.5 per cent) came. See https://www.strategic-culture.org/?p=778770 now.",
     ["About 7,000 militants (3.5 per cent) came.", "See https://www.strategic-culture.org/?p=778770 now."]),
    ("The CSTO…in accordance with Article 4 made the decision. Forces left!",
     ["The CSTO…in accordance with Article 4 made the decision.", "Forces left!"]),
])
def test_seed_style_cases(text, expected):
    assert [s.text for s in split_sentences(text)] == expected


def test_offsets_point_into_text_and_headings_stand_alone():
    text = "CSTO Sets Up Peacekeeping Force\n\nBy Paul ROBINSON\n\nFirst one. Second one?\nThird."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["CSTO Sets Up Peacekeeping Force", "By Paul ROBINSON",
                                           "First one.", "Second one?", "Third."]
    assert all(text[s.start:s.end] == s.text for s in sentences)
    assert [s.paragraph for s in sentences] == [0, 1, 2, 2, 2]
    assert len(split_paragraphs(text)) == 3


def test_hard_wrapped_prose_is_joined():
    text = ("The recent activity of the Euro-Atlantic countries aims to create a new united\n"
            "military region spanning from the Baltics to the Black Sea.")
    assert len(split_sentences(text)) == 1


def test_real_seed_article_has_no_abbreviation_splits():
    from conftest import SEEDS

    paths = sorted(SEEDS.glob("*.txt"))
    assert len(paths) == 5, f"the five seed articles are expected in {SEEDS}"
    for path in paths:
        for s in split_sentences(path.read_text()):
            assert not s.text.endswith((" Mr.", " Lt.", " Gen.", " St.", " H.W.")), s.text


def test_segmentation_reproduces_the_frozen_gold_set_spans(seed_records):
    """Labels are stand-off by sentence: any change in segmentation would orphan them."""
    import json
    from collections import defaultdict

    from conftest import CORPUS, ROOT, SEEDS, require_corpus

    from framing import read_articles

    seeds = {a.id: a.text for a in read_articles(SEEDS)}
    by_doc = defaultdict(list)
    for record in seed_records:
        by_doc[record["doc_id"]].append(record["text"])
    assert by_doc and all([s.text for s in split_sentences(seeds[doc])] == texts for doc, texts in by_doc.items())
    require_corpus()
    from framing.corpus import DEFAULT_COLLECTION, Corpus

    corpus = Corpus(CORPUS.parent)
    spans = defaultdict(list)
    for path in sorted((ROOT / "annotations").glob("*.jsonl")):
        for line in path.open(encoding="utf-8"):
            record = json.loads(line)
            if "field" in record:
                key = (record.get("collection", DEFAULT_COLLECTION), record["doc_id"], record["field"])
                spans[key].append((record["start"], record["end"]))
    assert len(spans) > 2000
    for (collection, doc, field), expected in spans.items():
        text = corpus.documents(collection)[doc][field]
        assert [(s.start, s.end) for s in split_sentences(text)] == expected, (collection, doc, field)
