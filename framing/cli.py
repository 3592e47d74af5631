"""The ``framing`` command line: a thin layer over the library.

Every command calls a public function; expected failures become one-line errors on stderr
with exit code 2 (bad input) or 1 (refused model, failed validation).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__

EXAMPLES = {
    "tag": "framing tag ../shared/seeds/002_9a8ee03d3a2b590f.txt",
    "score": "framing score ../shared/seeds --level article -o scores.jsonl",
    "models": "framing models",
    "train": "framing train --name frames --version 1.0.0 --default\n"
             "         framing train --data labels.csv --codebook codebook.yaml --name mine --version 0.1.0",
    "bench": "framing bench --models frames@1.0.0 frames-word@1.0.0 -o benchmarks/results/latest\n"
             "         framing bench --models mine@0.1.0 mine@0.2.0 --data heldout.csv -o bench-out",
    "annotations": "framing annotations validate annotations/\n"
                   "         framing annotations import --format label-studio export.json -o labels.jsonl",
    "view": "framing view ../shared/seeds/004_da9ea7aea5780472.txt -o page.html",
    "trends": "framing trends scores.jsonl -o trends/ --by source --freq month",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="framing", description="Find rhetorical frames in news and opinion.")
    parser.add_argument("--version", action="version", version=f"framing {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name, help_text):
        return sub.add_parser(name, help=help_text, description=f"{help_text}\n\nExample: {EXAMPLES[name]}",
                              formatter_class=argparse.RawDescriptionHelpFormatter)

    tag = add("tag", "Tag one article (file or '-' for stdin) and print each sentence's frames.")
    tag.add_argument("input", nargs="?", default="-")
    tag.add_argument("--model", default=None, help="model reference (default: the shipped default)")
    tag.add_argument("--all", action="store_true", help="also print sentences without frames")
    tag.add_argument("--json", action="store_true", help="print the full result as JSON")
    tag.add_argument("--no-clean", action="store_true", help="score the text as it is: keep site boilerplate")

    score = add("score", "Score articles in batch: per sentence, paragraph or article.")
    score.add_argument("inputs", nargs="+", help="files, folders, tables, saved datasets, or '-'")
    score.add_argument("--model", default=None)
    score.add_argument("--level", choices=("sentence", "paragraph", "article"), default="article")
    score.add_argument("--format", choices=("jsonl", "csv", "parquet"), default=None,
                       help="output format (default: from -o's suffix, else jsonl)")
    score.add_argument("-o", "--output", default=None, help="output file (default: stdout)")
    score.add_argument("--text-field", default=None)
    score.add_argument("--id-field", default=None)
    score.add_argument("--jobs", type=int, default=1, help="processes (-1: all cores)")
    score.add_argument("--chunk-size", type=int, default=None,
                       help="most articles per batch and per unit of parallel work (default 256)")
    score.add_argument("--resume", action="store_true", help="continue an interrupted run into -o")
    score.add_argument("--overwrite", action="store_true", help="replace an existing -o")
    score.add_argument("--errors", default=None, help="JSONL file for unreadable inputs (default: stderr)")
    score.add_argument("--no-progress", action="store_true")
    score.add_argument("--no-clean", action="store_true", help="score texts as they are: keep site boilerplate")

    view = add("view", "Write an HTML page of an article with its frames highlighted.")
    view.add_argument("input", help="an article source, or a sentence-level score file")
    view.add_argument("-o", "--output", default=None, help="HTML file (default: stdout)")
    view.add_argument("--id", dest="article_id", default=None, help="the article to show (default: all)")
    view.add_argument("--model", default=None, help="model for article sources (default: the shipped default)")

    trends = add("trends", "Frame shares over a scored corpus: CSV table, plots and an HTML summary.")
    trends.add_argument("scores", help="a `framing score` output (JSONL/CSV/Parquet, article or sentence level)")
    trends.add_argument("-o", "--output", required=True, help="output folder")
    trends.add_argument("--by", default="date", help="date (one group), or a metadata column such as source")
    trends.add_argument("--freq", choices=("month", "week"), default="month")
    trends.add_argument("--top", type=int, default=5, help="evidence sentences per frame")
    trends.add_argument("--articles", default=None,
                        help="the scored articles, to write linked article pages from article-level scores")
    trends.add_argument("--model", default=None, help="model used with --articles")

    add("models", "List installed models (name@version); the default is marked.")

    train = add("train", "Train a model version from annotations/ and register it.")
    train.add_argument("--annotations", default="annotations")
    train.add_argument("--corpus", default=None, help="EUvsDisinfo corpus file (default: $FRAMING_CORPUS "
                                                     "or ../shared/corpus/)")
    train.add_argument("--name", default="frames")
    train.add_argument("--version", dest="model_version", default="1.0.0")
    train.add_argument("--params", default="{}", help="FrameClassifier parameters as JSON")
    train.add_argument("--rebuttal-weight", type=float, default=1.0)
    train.add_argument("--estimator", choices=("sentence", "context"), default="sentence",
                       help="sentence: FrameClassifier (each sentence alone); context: ContextFrameClassifier "
                            "(neighbours, any-frame gate, rebuttal-voice detector)")
    train.add_argument("--description", default="")
    train.add_argument("--default", action="store_true", help="make this version the default")
    _add_data_options(train, "train on this labelled file instead of annotations/ "
                             "(CSV, TSV, JSONL, Parquet or a saved datasets folder)")
    train.add_argument("--codebook", default=None, help="codebook file (JSON or YAML) the labels use "
                                                       "(default: the built-in codebook)")

    bench = add("bench", "Compare model versions on the benchmark suites of the frozen test split.")
    bench.add_argument("--models", nargs="+", required=True)
    bench.add_argument("--suite", nargs="*", default=None)
    bench.add_argument("--annotations", default="annotations")
    bench.add_argument("--corpus", default=None)
    bench.add_argument("--resamples", type=int, default=1000)
    bench.add_argument("-o", "--output", required=True, help="report folder")
    _add_data_options(bench, "benchmark on this labelled file instead of the frozen test split")

    ann = add("annotations", "Validate, count, split, measure agreement on, or export the gold set.")
    ann_sub = ann.add_subparsers(dest="action", required=True)
    for action, text in (("validate", "check every record; file:line errors"),
                         ("stats", "counts per frame, kind, split and annotator"),
                         ("agreement", "inter-annotator agreement per frame"),
                         ("split", "write annotations/splits.json (train/dev/test by document)"),
                         ("export", "save as a Hugging Face dataset (save_to_disk)")):
        p = ann_sub.add_parser(action, help=text)
        p.add_argument("paths", nargs="*", default=["annotations"])
        p.add_argument("--corpus", default=None)
        p.add_argument("--json", action="store_true")
        if action == "export":
            p.add_argument("-o", "--output", required=True)
            p.add_argument("--format", default="dataset", choices=("dataset", "label-studio", "doccano"),
                           help="dataset: a Hugging Face dataset folder; label-studio: JSON tasks; "
                                "doccano: JSONL, or a zip of one file per annotator when -o ends in .zip")
            p.add_argument("--data", default=None,
                           help="export this labelled JSONL (from `annotations import`) instead of the gold set")
            p.add_argument("--codebook", default=None, help="codebook of --data (default: built-in)")
        if action == "split":
            p.add_argument("--seed", type=int, default=0)
    queue = ann_sub.add_parser("queue", help="rank unlabelled documents of a corpus file for labelling "
                                               "(model uncertainty + expected frame density); orders work, gives no labels")
    queue.add_argument("corpus_file", help="a JSONL corpus file (case_id/doc_id/id and text fields)")
    queue.add_argument("--annotations", default="annotations", help="documents labelled here are left out")
    queue.add_argument("--model", default=None)
    queue.add_argument("--fields", nargs="*", default=None, help="text fields, in order (default: summary "
                                                                 "and disproof, else title and text)")
    queue.add_argument("-o", "--output", default=None, help="worklist TSV (default: stdout)")
    imp = ann_sub.add_parser("import", help="convert a Label Studio or doccano export to labelled JSONL")
    imp.add_argument("input", help="Label Studio JSON export, or doccano .jsonl / per-user .zip export")
    imp.add_argument("--format", required=True, choices=("label-studio", "doccano"))
    imp.add_argument("-o", "--output", required=True, help="labelled JSONL (text, frames, annotator, ...)")
    imp.add_argument("--codebook", default=None, help="codebook the labels use (default: built-in)")
    imp.add_argument("--text-key", default="text", help="Label Studio: task data key of the text")
    imp.add_argument("--annotator", default=None, help="doccano .jsonl: annotator when the file names none")
    config = ann_sub.add_parser("label-config", help="print a Label Studio labelling config for the codebook")
    config.add_argument("--codebook", default=None, help="codebook file (default: built-in)")
    config.add_argument("-o", "--output", default=None, help="write it to this file (default: stdout)")
    return parser


def _add_data_options(parser: argparse.ArgumentParser, data_help: str) -> None:
    """--data FILE and the columns to read from it (framing train / bench on a user's labels)."""
    parser.add_argument("--data", default=None, help=data_help)
    parser.add_argument("--text-field", default="text", help="column with the sentence (default: text)")
    parser.add_argument("--frames-field", default="frames",
                        help="column with the frames: a JSON list or ids separated by ';' (default: frames)")
    parser.add_argument("--group-field", default=None, help="column with the document id of each sentence")
    parser.add_argument("--kind-field", default=None, help="column with the document kind (news, factcheck …)")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .errors import FramingError

    try:
        return _COMMANDS[args.command](args)
    except FramingError as error:
        print(f"framing: error: {error}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:
        return 0


def _tag(args) -> int:
    from .readers import read_articles
    from .scoring import load

    import warnings

    from .language import NotEnglishWarning, not_english_message

    model = load(args.model)
    articles = list(read_articles(args.input, clean=not args.no_clean))
    for article in articles:
        if article.language not in (None, "en"):
            print(f"framing: warning: {not_english_message(article.id, article.language)}", file=sys.stderr)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotEnglishWarning)  # said once above, as a one-line message
            result = model.tag_article(article)
        if args.json:
            print(json.dumps(result, ensure_ascii=False, indent=1))
            continue
        print(f"# {article.id}  ({len(result['sentences'])} sentences, model {model.reference})")
        for s in result["sentences"]:
            if s["frames"] or args.all:
                labels = ", ".join(f"{f} {s['scores'][f]:.2f}" for f in s["frames"]) or "-"
                print(f"[{s['sentence']:>3}] {labels}\n      {s['text']}")
        frames = result["article"]["frames"]
        print(f"# article frames: {', '.join(frames) if frames else 'none'}\n")
    return 0


def _score(args) -> int:
    from .batch import DEFAULT_CHUNK_SIZE, score_to_file

    try:
        summary = score_to_file(
            args.inputs, args.output, fmt=args.format, model=args.model, level=args.level,
            text_field=args.text_field, id_field=args.id_field, jobs=args.jobs,
            chunk_size=DEFAULT_CHUNK_SIZE if args.chunk_size is None else args.chunk_size,
            resume=args.resume, overwrite=args.overwrite, errors=args.errors,
            progress=not args.no_progress and sys.stderr.isatty(), clean=not args.no_clean)
    except KeyboardInterrupt:
        again = " add --resume to continue it" if args.output and args.output != "-" else ""
        print(f"framing: interrupted; what was written is kept;{again}", file=sys.stderr)
        return 130
    print(f"framing: {summary}", file=sys.stderr)
    if summary.language_warning():
        print(f"framing: warning: {summary.language_warning()}", file=sys.stderr)
    return 0


def _view(args) -> int:
    from .views import view

    page = view(args.input, args.output, article_id=args.article_id, model=args.model)
    if args.output is None:
        sys.stdout.write(page)
    else:
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _trends(args) -> int:
    from .trends_report import write_trends

    summary = write_trends(args.scores, args.output, by=args.by, freq=args.freq, top=args.top,
                     articles=args.articles, model=args.model)
    print(f"framing: {summary['articles']} article(s), {summary['periods']} period(s), "
          f"{summary['groups']} group(s); undated: {summary['undated']}"
          f" ({summary['unparseable_dates']} with an unparseable date)", file=sys.stderr)
    for path in summary["files"]:
        print(path)
    return 0


def _models(args) -> int:
    from .registry import default_reference, list_models

    default = default_reference()
    for ref in list_models():
        print(f"{ref}{'  (default)' if ref == default else ''}")
    return 0


def _train(args) -> int:
    from .errors import InputError
    from .reports import fmt
    from .training import train_model

    try:
        params = json.loads(args.params)
    except json.JSONDecodeError as error:
        raise InputError(f"--params is not JSON ({error.msg} at column {error.colno}); "
                         "give an object such as '{\"C\": 2.0}'") from None
    if not isinstance(params, dict):
        raise InputError("--params must be a JSON object of estimator parameters, such as '{\"C\": 2.0}'")
    if args.data is not None:
        if args.estimator != "sentence":
            raise InputError("--estimator context reads sentences in their documents and is trained on the "
                             "gold set; with --data only the sentence estimator is available")
        from .cli_own import train_on_data_command

        return train_on_data_command(args, params)
    if args.codebook is not None:
        raise InputError("--codebook needs --data: the gold set in annotations/ uses the built-in codebook")
    estimator, folder = train_model(args.annotations, name=args.name, version=args.model_version,
                                    corpus=args.corpus, params=params, estimator_kind=args.estimator,
                                    rebuttal_weight=args.rebuttal_weight, make_default=args.default,
                                    description=args.description)
    metadata = json.loads((folder / "metadata.json").read_text())
    test = metadata["metrics"]["test"]
    print(f"wrote {folder}")
    print(f"test: micro F1 {fmt(test['micro_f1'])}  macro F1 {fmt(test['macro_f1'])}  "
          f"rebuttal false alarms {fmt(test['rebuttal_false_alarms']['rate'])}")
    return 0


def _bench(args) -> int:
    from .benchmark import run_benchmark

    if args.data is not None:
        from .userbench import run_user_benchmark

        report = run_user_benchmark(args.models, args.data, text_field=args.text_field,
                                    frames_field=args.frames_field, group_field=args.group_field,
                                    kind_field=args.kind_field, suites=args.suite, output=args.output,
                                    resamples=args.resamples, annotations=args.annotations,
                                    corpus=args.corpus)
        print(report["summary_table"])
        print(f"\nwrote {Path(args.output) / 'report.md'} and report.json")
        return 0

    report = run_benchmark(args.models, suites=args.suite, annotations=args.annotations,
                           corpus=args.corpus, output=args.output, resamples=args.resamples)
    print(report["summary_table"])
    print(f"\nwrote {Path(args.output) / 'report.md'} and report.json")
    return 0


def _queue(args) -> int:
    from .annotations import labelled_documents
    from .scoring import load
    from .worklist import corpus_documents, rank_documents

    labelled = labelled_documents(args.annotations) if Path(args.annotations).exists() else set()
    ranked = rank_documents(load(args.model), corpus_documents(args.corpus_file, fields=args.fields,
                                                               exclude=labelled))
    lines = ["doc_id\tpriority\tuncertainty\tdensity\tsentences"] + [
        f"{d.doc_id}\t{d.priority:.4f}\t{d.uncertainty:.4f}\t{d.density:.4f}\t{d.sentences}" for d in ranked]
    if args.output:
        Path(args.output).write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {args.output}: {len(ranked)} unlabelled document(s), most useful first", file=sys.stderr)
    else:
        print("\n".join(lines))
    return 0


def _annotations(args) -> int:
    if args.action == "queue":
        return _queue(args)
    from .annotations import load_annotations

    if args.action in ("import", "label-config") or getattr(args, "format", "dataset") != "dataset":
        from .cli_own import interop_command

        return interop_command(args)

    if args.action == "validate":
        from .annotations import check_gold_set

        gold, problems = check_gold_set(args.paths, corpus=args.corpus)  # records, stand-off hashes, splits
        if problems:
            for problem in problems:
                print(problem, file=sys.stderr)
            print(f"framing: {len(problems)} problem(s) found", file=sys.stderr)
            return 1
        print(f"ok: {len(gold)} sentences in {len({s.doc_id for s in gold.sentences})} documents")
        return 0
    from .reports import agreement_table, stats_table

    gold = load_annotations(args.paths, corpus=args.corpus)
    if args.action == "stats":
        stats = gold.stats()
        print(json.dumps(stats, indent=1) if args.json else stats_table(stats))
    elif args.action == "agreement":
        from .agreement import agreement

        result = agreement(gold)
        print(json.dumps(result, indent=1) if args.json else agreement_table(result))
    elif args.action == "split":
        from .splits import SPLITS_FILE, documents_of, make_splits, write_splits

        frames, kinds = documents_of(gold.sentences)
        extra = {d: (int(bool(kinds[d] & {"opinion", "news"})),) for d in frames}
        splits = make_splits(frames, gold.codebook.to_indicator, keep=gold.splits, extra_columns=extra,
                             random_state=args.seed)
        target = Path(args.paths[0]) / SPLITS_FILE
        write_splits(target, splits, seed=args.seed)
        print(f"wrote {target}: {len(splits)} documents, {len(splits) - len(gold.splits)} newly assigned")
    elif args.action == "export":
        gold.to_dataset().save_to_disk(args.output)
        print(f"wrote {args.output}")
    return 0


_COMMANDS = {"tag": _tag, "score": _score, "models": _models, "train": _train, "bench": _bench,
             "annotations": _annotations, "view": _view, "trends": _trends}

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
