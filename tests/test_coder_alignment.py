"""The coder recipe's sentence alignment (models/coder/align.py): a CodiEsp label's Spanish offset -> the English
line(s) of its translated sentence."""
from script_modules import load_script


def _align():
    return load_script("models/coder/align.py", "coder_align")


SPANISH = ("Varón de 37 años con fiebre de una semana de evolución. "
           "Antecedentes de hipertensión arterial en tratamiento con enalapril y de diabetes mellitus tipo 2 "
           "en tratamiento con metformina desde hace diez años, sin otras enfermedades de interés. "
           "La exploración mostró un teste derecho aumentado de tamaño.\n"
           "Se diagnosticó una orquiepididimitis por Brucella.")
ENGLISH = ("A 37-year-old man with a one-week fever.\n"
           "History of arterial hypertension treated with enalapril.\n"
           "Type 2 diabetes mellitus treated with metformin for ten years, with no other diseases of interest.\n"
           "Examination showed an enlarged right testis.\n"
           "Brucella orchiepididymitis was diagnosed.\n")


def test_spanish_sentences_end_at_a_full_stop_before_a_capital_or_a_line_break():
    al = _align()
    sents = [SPANISH[s:e] for s, e in al.spanish_sentences(SPANISH)]
    assert sents[0] == "Varón de 37 años con fiebre de una semana de evolución."
    assert sents[-1] == "Se diagnosticó una orquiepididimitis por Brucella."
    assert len(sents) == 4
    # "37 años." inside a sentence does not end it when a lower-case word follows
    assert al.spanish_sentences("Tiene 3 a. de edad y fiebre.") == [(0, 28)]


def test_an_offset_maps_to_the_english_lines_of_its_sentence():
    al = _align()
    a = al.SentenceAlignment(SPANISH, ENGLISH)
    lines = lambda off: [ENGLISH[s:e] for s, e in a.english_lines(off)]  # noqa: E731
    assert lines(SPANISH.index("fiebre")) == ["A 37-year-old man with a one-week fever."]
    # one long Spanish sentence translated as two lines: both
    assert lines(SPANISH.index("diabetes mellitus")) == [
        "History of arterial hypertension treated with enalapril.",
        "Type 2 diabetes mellitus treated with metformin for ten years, with no other diseases of interest."]
    assert lines(SPANISH.index("teste derecho")) == ["Examination showed an enlarged right testis."]
    assert lines(SPANISH.index("orquiepididimitis")) == ["Brucella orchiepididymitis was diagnosed."]


def test_lengths_decide_a_split_not_the_order_alone():
    al = _align()
    # three Spanish sentences, the middle one long; English splits the middle one in two
    m = al.align_lengths([40, 200, 40], [42, 100, 95, 41])
    assert m == {0: [0], 1: [1, 2], 2: [3]}
    # an English line merging two short Spanish sentences
    assert al.align_lengths([30, 32, 100], [64, 98]) == {0: [0], 1: [0], 2: [1]}
