"""Segmenter choice: accuracy on hand-checked seed passages, speed on all seeds.

    pip install pysbd syntok blingfire && python benchmarks/segmentation.py
"""
import time
from pathlib import Path

from framing import read_articles, split_sentences

# Passages from the seed articles, split by hand.
GOLD = [
    ("Moscow has called for a rollback in U.S. and NATO forces near its borders. This came after weeks-long Western media reports.",
     ["Moscow has called for a rollback in U.S. and NATO forces near its borders.", "This came after weeks-long Western media reports."]),
    ("It was not made precise which country or region the peacekeepers will go to but Mr. Semeryakov emphasized the threat. The UN needs its contribution.",
     ["It was not made precise which country or region the peacekeepers will go to but Mr. Semeryakov emphasized the threat.", "The UN needs its contribution."]),
    ("Kazakh President Kassym-Jomart Tokayev framed it succinctly. Riots were “hidden behind unplanned protests.” The goal was “to seize power” – a coup attempt.",
     ["Kazakh President Kassym-Jomart Tokayev framed it succinctly.", "Riots were “hidden behind unplanned protests.”", "The goal was “to seize power” – a coup attempt."]),
    ("The U.S.-Russia security discussions are scheduled to take place on January 10 in Geneva.",
     ["The U.S.-Russia security discussions are scheduled to take place on January 10 in Geneva."]),
    ("It is noteworthy that Sadyr Japarov did not go to the informal summit of the CIS countries in St. Petersburg due to an “extremely busy schedule.” And only Secretary of State Suyunbek Kasmambetov was sent.",
     ["It is noteworthy that Sadyr Japarov did not go to the informal summit of the CIS countries in St. Petersburg due to an “extremely busy schedule.”", "And only Secretary of State Suyunbek Kasmambetov was sent."]),
    ("The turmoil seems like an opportune way to undermine Russia’s resolve to challenge the U.S. and NATO over their by-now habitual aggressive policy. That is the bigger picture.",
     ["The turmoil seems like an opportune way to undermine Russia’s resolve to challenge the U.S. and NATO over their by-now habitual aggressive policy.", "That is the bigger picture."]),
    ("Russian media reported on Feb.8 that the Collective Security Treaty Organization would set up a force. It will include 3,600 troops.",
     ["Russian media reported on Feb.8 that the Collective Security Treaty Organization would set up a force.", "It will include 3,600 troops."]),
    ("The volume of US military-technical assistance to Dushanbe amounted to about $330 million. The general also met with the presidents.",
     ["The volume of US military-technical assistance to Dushanbe amounted to about $330 million.", "The general also met with the presidents."]),
    ("Washington called the event \"the largest military exercise involving countries in Central and South Asia.\" The US Embassy made it clear!",
     ["Washington called the event \"the largest military exercise involving countries in Central and South Asia.\"", "The US Embassy made it clear!"]),
    ("Lt. Gen. John Smith of the U.S. Army spoke. He was brief.", ["Lt. Gen. John Smith of the U.S. Army spoke.", "He was brief."]),
]


def segmenters():
    out = {"framing (regex + rules)": lambda t: [s.text for s in split_sentences(t)]}
    try:
        import pysbd
        seg = pysbd.Segmenter(language="en", clean=False)
        out["pysbd"] = lambda t: [s.strip() for s in seg.segment(t) if s.strip()]
    except ImportError:
        pass
    try:
        from syntok import segmenter
        out["syntok"] = lambda t: ["".join(tok.spacing + tok.value for tok in s).strip()
                                   for p in segmenter.analyze(t) for s in p]
    except ImportError:
        pass
    try:
        import blingfire
        out["blingfire"] = lambda t: [s for s in blingfire.text_to_sentences(t).split("\n") if s]
    except ImportError:
        pass
    return out


def main():
    seeds = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
    texts = [a.text for a in read_articles(seeds)] * 5
    print("| segmenter | passages split exactly right (of %d) | sentences/s on the seeds x5 |" % len(GOLD))
    print("|---|---|---|")
    for name, fn in segmenters().items():
        correct = sum([" ".join(s.split()) for s in fn(text)] == [" ".join(s.split()) for s in expected]
                      for text, expected in GOLD)
        start = time.perf_counter()
        n = sum(len(fn(t)) for t in texts)
        rate = n / (time.perf_counter() - start)
        print(f"| {name} | {correct} | {rate:,.0f} |")


if __name__ == "__main__":
    main()
