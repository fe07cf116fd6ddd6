"""DICOM loading: grouping and ordering, folders, DICOMDIR, zip, and a typed error for each kind of bad input."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest

pydicom = pytest.importorskip("pydicom")

from medassist.errors import IngestError  # noqa: E402
from medassist.ingest.dicom import (  # noqa: E402
    DecoderError,
    IncompleteHeaderError,
    Instance,
    NonImageObject,
    NotDicomError,
    TruncatedPixelDataError,
    UnsupportedTransferSyntaxError,
    load_instance,
    load_study,
    load_study_bytes,
)
from medassist.ingest.dicom_synth import make_image, write_series  # noqa: E402
from medassist.ingest.pixels import clear_caches, display_frame, frame_array  # noqa: E402

TEST_FILES = Path(pydicom.data.__file__).parent / "test_files"


def _slice_value(inst: Instance) -> int:
    return int(frame_array(inst)[0, 0])  # stored 1000 + 10 k, rescaled by -1024


def test_series_sorted_by_instance_number_then_position(tmp_path):
    # Instance numbers present for every slice but in reverse of the geometric order.
    write_series(tmp_path / "a", 6, numbers=[6, 5, 4, 3, 2, 1])
    res = load_study(tmp_path / "a")
    assert not res.errors
    (study,) = res.studies
    (series,) = study.series
    assert [i.number for i in series.instances] == [1, 2, 3, 4, 5, 6]
    # number 1 is geometric slice k=5 -> value 1000 + 50 - 1024
    assert [_slice_value(i) for i in series.instances] == [26, 16, 6, -4, -14, -24]


def test_series_without_numbers_sorted_along_oblique_normal(tmp_path):
    write_series(tmp_path / "b", 7, numbers=[None] * 7, normal_tilt=True)
    res = load_study([tmp_path / "b"])
    (series,) = res.studies[0].series
    vals = [_slice_value(i) for i in series.instances]
    assert vals == sorted(vals) and len(set(vals)) == 7  # file names are shuffled: order came from geometry
    locs = [i.slice_location() for i in series.instances]
    assert locs == sorted(locs)
    assert series.slice_spacing == pytest.approx(2.5, abs=1e-3)
    assert series.pixel_spacing == (0.7, 0.7)


def test_folder_groups_studies_and_series_and_lists_bad_files(tmp_path):
    from pydicom.uid import generate_uid

    st = generate_uid()
    write_series(tmp_path / "s" / "one", 3, study_uid=st, series_number=2, description="axial")
    write_series(tmp_path / "s" / "two", 2, study_uid=st, series_number=1, description="scout")
    write_series(tmp_path / "s" / "other", 2)  # a second study
    bad = tmp_path / "s" / "bad"
    bad.mkdir()
    (bad / "random.dcm").write_bytes(np.random.default_rng(1).bytes(4000))
    (bad / "note.dcm").write_text("Patient is a 45 year old man with chest pain.\n" * 10)
    good = (tmp_path / "s" / "one").iterdir().__next__().read_bytes()
    (bad / "cut_header.dcm").write_bytes(good[:300])
    (bad / "cut_pixels.dcm").write_bytes(good[:-200])
    res = load_study(tmp_path / "s")
    assert len(res.studies) == 2
    big = next(s for s in res.studies if s.study_uid == st)
    assert [se.description for se in big.series] == ["scout", "axial"]  # ordered by SeriesNumber
    assert [len(se.instances) for se in big.series] == [2, 3]
    by_name = {Path(e.path).name: e for e in res.errors}
    assert set(by_name) == {"random.dcm", "note.dcm", "cut_header.dcm", "cut_pixels.dcm"}
    assert type(by_name["random.dcm"]) is NotDicomError
    assert type(by_name["note.dcm"]) is NotDicomError and "text file" in str(by_name["note.dcm"])
    assert type(by_name["cut_header.dcm"]) is IncompleteHeaderError
    assert type(by_name["cut_pixels.dcm"]) is TruncatedPixelDataError
    for e in res.errors:
        assert isinstance(e, IngestError) and e.path.endswith(Path(e.path).name) and str(e).startswith(e.path)
    d = res.to_dict()
    assert {e["error"] for e in d["errors"]} == {"NotDicomError", "IncompleteHeaderError", "TruncatedPixelDataError"}


@pytest.mark.parametrize("cut", [60, 140, 300])
def test_file_cut_inside_header_is_a_typed_error(tmp_path, cut):
    full = tmp_path / "full.dcm"
    make_image(np.zeros((8, 8), np.int16), PatientName="A^B").save_as(full, enforce_file_format=True)
    data = full.read_bytes()
    p = tmp_path / "cut.dcm"
    p.write_bytes(data[:cut])
    with pytest.raises(IncompleteHeaderError) as ei:
        load_instance(p)
    assert ei.value.path == str(p)


def test_file_cut_after_sop_class_is_an_image_without_pixels(tmp_path):
    data = (TEST_FILES / "CT_small.dcm").read_bytes()
    p = tmp_path / "cut.dcm"
    p.write_bytes(data[:1000])
    with pytest.raises(IncompleteHeaderError, match="without Pixel Data"):
        load_instance(p)


def test_no_force_on_a_raw_dataset(tmp_path):
    with pytest.raises(NotDicomError, match="without the file meta header"):
        load_instance(TEST_FILES / "ExplVR_LitEndNoMeta.dcm")


def test_unsupported_transfer_syntax(tmp_path):
    ds = make_image(np.zeros((8, 8), np.uint16))
    p = tmp_path / "weird.dcm"
    ds.save_as(p, enforce_file_format=True)
    data = p.read_bytes()
    # same length: Explicit VR Little Endian -> a UID no decoder knows
    p.write_bytes(data.replace(b"1.2.840.10008.1.2.1\x00", b"1.2.840.10008.1.2.7\x00", 1))
    inst = load_instance(p)
    assert inst.transfer_syntax == "1.2.840.10008.1.2.7"
    with pytest.raises(UnsupportedTransferSyntaxError, match="1.2.840.10008.1.2.7") as ei:
        display_frame(inst)
    assert ei.value.path == str(p)


def test_decoder_failure_names_the_decoders(tmp_path):
    src = TEST_FILES / "MR_small_jp2klossless.dcm"
    ds = pydicom.dcmread(src)
    from pydicom.encaps import encapsulate, generate_frames

    frame = next(generate_frames(ds.PixelData, number_of_frames=1))
    broken = frame[:40] + bytes(len(frame) - 40)  # codestream header kept, data zeroed and cut
    ds.PixelData = encapsulate([broken[: len(broken) // 3]])
    p = tmp_path / "broken_j2k.dcm"
    ds.save_as(p)
    clear_caches()
    inst = load_instance(p)
    with pytest.raises((DecoderError, TruncatedPixelDataError)) as ei:
        display_frame(inst)
    assert "pylibjpeg" in str(ei.value)


def test_dicomdir_matches_pydicom_fileset():
    from pydicom.fileset import FileSet

    ddir = TEST_FILES / "dicomdirtests" / "DICOMDIR"
    fs = FileSet(pydicom.dcmread(ddir))
    res = load_study(ddir)
    assert not res.errors
    assert len(res.instances) == len(list(fs))
    assert {s.study_uid for s in res.studies} == set(fs.find_values("StudyInstanceUID"))
    assert sum(len(s.series) for s in res.studies) == len(set(fs.find_values("SeriesInstanceUID")))
    for study in res.studies:
        for series in study.series:
            nums = [i.number for i in series.instances]
            assert nums == sorted(nums)


def test_zip_loads_in_memory_and_leaves_nothing_on_disk(tmp_path, monkeypatch):
    write_series(tmp_path / "src", 4)
    zpath = tmp_path / "study.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for f in sorted((tmp_path / "src").iterdir()):
            zf.write(f, f"exam/{f.name}")
        zf.writestr("exam/readme.txt", "not an image")
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmpdir))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmpdir))
    res = load_study(zpath)
    (series,) = res.studies[0].series
    assert len(series.instances) == 4
    assert all("study.zip!exam/" in i.path for i in series.instances)
    assert [_slice_value(i) for i in series.instances] == [-24, -14, -4, 6]
    assert [e.path for e in res.errors] == [f"{zpath}!exam/readme.txt"]
    assert list(tmpdir.iterdir()) == []
    # the same bytes from stdin
    res2 = load_study_bytes(zpath.read_bytes(), "<stdin>")
    assert len(res2.instances) == 4


def test_bad_zip_and_missing_path(tmp_path):
    p = tmp_path / "x.zip"
    p.write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    res = load_study([p, tmp_path / "nope"])
    assert not res.ok
    kinds = sorted(type(e).__name__ for e in res.errors)
    assert kinds == ["ArchiveError", "IngestError"]


def test_non_image_objects_are_listed_with_their_type():
    res = load_study([TEST_FILES / "rtplan.dcm", TEST_FILES / "test-SR.dcm", TEST_FILES / "waveform_ecg.dcm", TEST_FILES / "CT_small.dcm"])
    assert [o.type for o in res.others] == ["RT Plan Storage", "Comprehensive SR Storage", "12-lead ECG Waveform Storage"]
    assert all(isinstance(o, NonImageObject) for o in res.others)
    assert len(res.instances) == 1 and res.instances[0].modality == "CT"


def test_header_is_lazy_pixels_deferred():
    inst = load_instance(TEST_FILES / "CT_small.dcm")
    raw = dict.__getitem__(inst.header._dict, 0x7FE00010)
    assert raw.value is None  # not read with the header
    assert inst.pixel_offset and inst.pixel_length == 128 * 128 * 2
    assert (inst.rows, inst.cols, inst.frames) == (128, 128, 1)
    assert inst.transfer_syntax_name == "Explicit VR Little Endian"


def test_no_temp_files_or_open_handles_after_load(tmp_path):
    write_series(tmp_path / "c", 3)
    before = set(os.listdir(tmp_path))
    res = load_study(tmp_path / "c")
    for i in res.instances:
        display_frame(i)
    assert set(os.listdir(tmp_path)) == before


def test_file_meta_without_preamble_is_read_without_force(tmp_path):
    full = tmp_path / "full.dcm"
    make_image(np.arange(16, dtype=np.uint16).reshape(4, 4)).save_as(full, enforce_file_format=True)
    p = tmp_path / "nopreamble.dcm"
    p.write_bytes(full.read_bytes()[132:])  # starts at (0002,0000): the encoding is still declared
    inst = load_instance(p)
    np.testing.assert_array_equal(frame_array(inst), np.arange(16).reshape(4, 4))
    raw = tmp_path / "raw.dcm"  # no file meta at all: refused
    from pydicom.filebase import DicomBytesIO

    ds = pydicom.dcmread(full)
    buf = DicomBytesIO()
    buf.is_little_endian, buf.is_implicit_VR = True, False
    pydicom.filewriter.write_dataset(buf, ds)
    raw.write_bytes(buf.getvalue())
    with pytest.raises(NotDicomError, match="without the file meta header"):
        load_instance(raw)


def test_same_instance_twice_is_kept_once_and_reported(tmp_path):
    paths = write_series(tmp_path / "d", 2)
    copy = tmp_path / "d" / "copy_of_first.dcm"
    copy.write_bytes(paths[0].read_bytes())
    res = load_study(tmp_path / "d")
    assert len(res.instances) == 2
    assert len(res.duplicates) == 1 and res.duplicates[0] in (str(copy), str(paths[0]))
    assert res.to_dict()["duplicates"] == res.duplicates


@pytest.mark.parametrize("name", ["MR_small_jp2klossless.dcm", "SC_rgb_jpeg.dcm", "MR_small_RLE.dcm"])
def test_compressed_file_cut_inside_pixel_data(tmp_path, name):
    data = (TEST_FILES / name).read_bytes()
    p = tmp_path / "cut.dcm"
    p.write_bytes(data[: int(len(data) * 0.8)])
    with pytest.raises(TruncatedPixelDataError, match="pixel data") as ei:
        load_instance(p)
    assert ei.value.path == str(p)


def test_malformed_meta_value_is_a_typed_header_error():
    ds = make_image(np.zeros((4, 4), np.uint16))
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    b = bytearray(buf.getvalue())
    i = b.index(b"\x02\x00\x00\x00UL")
    b[i + 6 : i + 8] = b"\x03\x00"  # group length UL with a 3-byte value: pydicom's BytesLengthException
    with pytest.raises(IncompleteHeaderError, match="cannot be parsed") as ei:
        load_instance("mal.dcm", _data=bytes(b), _name="mal.dcm")
    assert ei.value.path == "mal.dcm"


def test_rust_plugin_panic_falls_back_to_the_next_decoder(tmp_path):
    # A replicate run in the second RLE segment makes pylibjpeg-rle panic (pyo3 PanicException is a
    # BaseException); pydicom's own RLE decoder then handles the frame.
    import struct

    from pydicom.encaps import encapsulate, generate_frames

    ds = pydicom.dcmread(TEST_FILES / "MR_small_RLE.dcm")
    fr = bytearray(next(generate_frames(ds.PixelData, number_of_frames=1)))
    second = struct.unpack("<15I", fr[4:64])[1]
    fr[second : second + 1] = b"\x81"
    ds.PixelData = encapsulate([bytes(fr)])
    p = tmp_path / "rle.dcm"
    ds.save_as(p)
    from pydicom.pixels import get_decoder

    with pytest.raises(BaseException) as ei:  # the plugin alone: a panic, not an Exception
        get_decoder(ds.file_meta.TransferSyntaxUID).as_array(pydicom.dcmread(p), decoding_plugin="pylibjpeg")
    assert not isinstance(ei.value, Exception)
    clear_caches()
    img = display_frame(load_instance(p))  # no uncaught panic
    assert img.shape == (64, 64)
