"""A CI-sized run of bench/fuzz.py: mutated real inputs into every parser a dropped file reaches; anything
but a typed MedAssistError is a failure. (Long runs: `python bench/fuzz.py --minutes N`.)"""

from __future__ import annotations

import random
import warnings
from pathlib import Path

import pytest
from script_modules import load_script

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def fuzz():
    return load_script("bench/fuzz.py", "medassist_fuzz")


@pytest.mark.parametrize("target", ["note-readers", "sectionizer", "sig-parser", "dicom", "pack-manifest"])
def test_no_untyped_exception(fuzz, target, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = fuzz.fuzz([target], inputs=400, seed=20261122, crash_dir=tmp_path, quiet=True)
    st = report["targets"][target]
    assert st["inputs"] == 400
    assert report["failures"] == [], report["failures"][:3]
    if target in ("dicom", "pack-manifest", "note-readers"):
        # the mutations really do reach the error paths: a good share of inputs is refused (typed)
        assert st["refused"] > 20


def test_harness_reports_an_untyped_exception(fuzz, tmp_path):
    class Fragile(fuzz.Target):
        name = "fragile"

        def seeds(self):
            return [b"abc"]

        def run(self, data):
            if len(data) != 3:
                raise ValueError("boom")

    fuzz.TARGETS["fragile"] = Fragile
    try:
        report = fuzz.fuzz(["fragile"], inputs=50, seed=1, crash_dir=tmp_path, quiet=True)
    finally:
        del fuzz.TARGETS["fragile"]
    assert report["failures"] and report["failures"][0]["error"].startswith("ValueError")
    assert list(tmp_path.glob("fragile-*.bin")), "crashing input was not saved"


def test_mutations_change_inputs(fuzz):
    rng = random.Random(3)
    seed = b"CHIEF COMPLAINT: cough\nPLAN: rest\n"
    outs = {fuzz.mutate(seed, rng, [seed]) for _ in range(200)}
    assert len(outs) > 150


# inputs the long run (`bench/fuzz.py --minutes 4 --seed 7`) found; each must now be a typed error or parse
def test_found_sig_zero_denominator():
    from medassist.text.sig import parse_sig

    text = "1/0 tablet by mouth daily"
    sig = parse_sig(text)  # used to raise ZeroDivisionError
    d = sig.to_dict()
    # the written quantity is carried as written (never evaluated into a number), the rest still parses
    assert d["quantity"] == "1/0" and d["route"] == "oral" and d["frequency"] == "QD"


def test_found_dicom_unknown_vr_in_rescale_intercept():
    from medassist.errors import MedAssistError
    from medassist.ingest.dicom import Instance, load_instance

    path = ROOT / "tests" / "data" / "fuzz" / "dicom-unknown-vr-rescale.dcm"
    obj = load_instance(str(path))
    assert isinstance(obj, Instance)
    with pytest.raises(MedAssistError) as err:
        obj.display_frame(0)  # used to raise NotImplementedError: Unknown Value Representation 'ES'
    assert "RescaleIntercept" in str(err.value) and "dicom-unknown-vr-rescale.dcm" in str(err.value)
