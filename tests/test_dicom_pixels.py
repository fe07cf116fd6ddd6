"""The pixel pipeline: modality LUT, VOI (window/function/LUT), presets, MONOCHROME1, colour, multi-frame,
the fast native path against pydicom, the frame cache, progressive series loading and SR text."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pydicom = pytest.importorskip("pydicom")

from medassist.ingest import pixels  # noqa: E402
from medassist.ingest.dicom import (  # noqa: E402
    NoPixelDataError,
    NotStructuredReportError,
    iter_series_frames,
    load_instance,
    load_study,
    sr_document,
)
from medassist.ingest.dicom_synth import make_image, write_series  # noqa: E402
from medassist.ingest.pixels import WINDOW_PRESETS, display_frame, frame_array  # noqa: E402

TEST_FILES = Path(pydicom.data.__file__).parent / "test_files"


def _write(tmp_path, ds, name="x.dcm"):
    p = tmp_path / name
    ds.save_as(p, enforce_file_format=True)
    pixels.clear_caches()
    return load_instance(p)


def _ramp_ct(tmp_path, **tags):
    # stored values 0..2047 along a row; rescale intercept -1024 -> HU -1024..1023
    arr = np.tile(np.arange(0, 2048, dtype=np.int16), (4, 1))
    base = dict(RescaleSlope=1, RescaleIntercept=-1024)
    base.update(tags)
    return _write(tmp_path, make_image(arr, "CT", **base)), arr


def _hu_col(hu):
    return hu + 1024  # column of the ramp holding this HU value


def test_modality_lut_rescale(tmp_path):
    inst, arr = _ramp_ct(tmp_path, RescaleSlope=2, RescaleIntercept=-1000)
    vals = frame_array(inst)
    assert vals.dtype == np.float32
    np.testing.assert_array_equal(vals, arr.astype(np.float32) * 2 - 1000)


def test_linear_window_follows_dicom_formula(tmp_path):
    inst, _ = _ramp_ct(tmp_path)
    out = display_frame(inst, window=(40, 80))
    row = out[0]
    assert row[_hu_col(-1024)] == 0 and row[_hu_col(0)] == 0  # below center - width/2
    assert row[_hu_col(200)] == 255 and row[_hu_col(80)] == 255
    assert abs(int(row[_hu_col(40)]) - 128) <= 2  # the center maps to mid-grey
    # monotonic inside the window
    seg = row[_hu_col(0) : _hu_col(80)].astype(int)
    assert np.all(np.diff(seg) >= 0) and seg[-1] - seg[0] > 240


def test_window_from_tags_multi_valued_and_function(tmp_path):
    inst, _ = _ramp_ct(tmp_path, WindowCenter=[40, 400], WindowWidth=[80, 1800])
    assert inst.windows() == [(40.0, 80.0), (400.0, 1800.0)]
    np.testing.assert_array_equal(display_frame(inst), display_frame(inst, window=(40, 80)))
    sig, _ = _ramp_ct(tmp_path, WindowCenter=40, WindowWidth=80, VOILUTFunction="SIGMOID")
    row = display_frame(sig)[0].astype(int)
    assert abs(row[_hu_col(40)] - 127) <= 1  # sigmoid: 255 / (1 + e^0) at the center
    assert row[_hu_col(0)] == int(255 / (1 + np.exp(-4 * (0 - 40) / 80)))
    assert 0 < row[_hu_col(-40)] < 10 and row[_hu_col(0)] > 0  # a soft tail, not a hard clip
    lin = display_frame(inst)[0].astype(int)
    assert lin[_hu_col(0)] == 0 and row[_hu_col(0)] > lin[_hu_col(0)]


def test_presets(tmp_path):
    assert WINDOW_PRESETS["brain"] == (40, 80) and WINDOW_PRESETS["lung"] == (-600, 1500)
    assert WINDOW_PRESETS["subdural"] == (75, 215) and WINDOW_PRESETS["mediastinum"] == (50, 350)
    assert WINDOW_PRESETS["abdomen"] == (40, 400) and WINDOW_PRESETS["liver"] == (60, 160)
    inst, _ = _ramp_ct(tmp_path)
    np.testing.assert_array_equal(display_frame(inst, window="lung"), display_frame(inst, window=(-600, 1500)))
    np.testing.assert_array_equal(display_frame(inst, window="CT-Bone"), display_frame(inst, window=WINDOW_PRESETS["bone"]))
    with pytest.raises(ValueError, match="unknown window preset"):
        display_frame(inst, window="kidney-stone")
    with pytest.raises(ValueError):
        display_frame(inst, window=(40, 0))


def test_monochrome1_inverts(tmp_path):
    arr = np.arange(64, dtype=np.uint16).reshape(8, 8) * 100
    m2 = _write(tmp_path, make_image(arr, "CR", WindowCenter=3000, WindowWidth=4000), "m2.dcm")
    out2 = display_frame(m2)
    m1 = _write(tmp_path, make_image(arr, "CR", WindowCenter=3000, WindowWidth=4000, PhotometricInterpretation="MONOCHROME1"), "m1.dcm")
    out1 = display_frame(m1)
    np.testing.assert_array_equal(out1.astype(int), 255 - out2.astype(int))
    assert out1[0, 0] > out1[-1, -1]  # high values are dark


def test_minmax_when_no_window(tmp_path):
    arr = np.array([[100, 200], [300, 500]], np.uint16)
    out = display_frame(_write(tmp_path, make_image(arr, "OT")))
    assert out[0, 0] == 0 and out[1, 1] == 255 and 0 < out[0, 1] < out[1, 0] < 255


def test_voi_lut_sequence(tmp_path):
    from pydicom.dataset import Dataset
    from pydicom.sequence import Sequence

    arr = np.array([[0, 1], [2, 3]], np.uint16)
    ds = make_image(arr, "OT")
    item = Dataset()
    item.LUTDescriptor = [4, 0, 8]
    item.add_new(0x00283006, "US", [0, 10, 200, 255])
    ds.VOILUTSequence = Sequence([item])
    out = display_frame(_write(tmp_path, ds))
    np.testing.assert_array_equal(out, np.array([[0, 10], [200, 255]], np.uint8))


def test_modality_lut_sequence(tmp_path):
    from pydicom.dataset import Dataset
    from pydicom.sequence import Sequence

    arr = np.array([[0, 1], [2, 3]], np.uint16)
    ds = make_image(arr, "OT")
    item = Dataset()
    item.LUTDescriptor = [4, 0, 16]
    item.ModalityLUTType = "US"
    item.add_new(0x00283006, "US", [5, 50, 500, 5000])
    ds.ModalityLUTSequence = Sequence([item])
    np.testing.assert_array_equal(frame_array(_write(tmp_path, ds)), [[5, 50], [500, 5000]])


def test_signed_bits_stored_sign_extension_fast_path(tmp_path):
    # 12 bits stored in 16, signed: -5 is 0xFFB; the unused high nibble holds garbage (0xA)
    stored = np.array([[0x0FFB, 0x0005], [0x0800, 0x07FF]], np.uint16) | 0xA000
    big = np.tile(stored, (64, 64))  # 128x128: large enough for the header read to defer it
    ds = make_image(big.view(np.int16), "CT", BitsStored=12, HighBit=11)
    inst = _write(tmp_path, ds)
    assert inst.pixel_offset is not None  # read straight from the file, not through pydicom
    got = pixels.decode_frame(inst)
    np.testing.assert_array_equal(got[:2, :2], [[-5, 5], [-2048, 2047]])
    np.testing.assert_array_equal(got, pydicom.dcmread(tmp_path / "x.dcm").pixel_array)


def test_fast_path_equals_pydicom_and_cache_is_used():
    pixels.clear_caches()
    for name in ("CT_small.dcm", "MR_small.dcm", "liver_1frame.dcm"):
        inst = load_instance(TEST_FILES / name)
        ref = pydicom.dcmread(TEST_FILES / name).pixel_array
        got = pixels.decode_frame(inst)
        np.testing.assert_array_equal(got, ref)
        assert pixels.decode_frame(inst) is got  # second call from the cache


def test_cache_is_bounded():
    cache = pixels._LRU(max_bytes=1000)
    for k in range(10):
        cache.put(k, object(), 300)
    assert cache.nbytes <= 1000 and cache.get(0) is None and cache.get(9) is not None


def test_multiframe_and_compressed_frames_match_pydicom():
    emri = Path(pydicom.data.get_testdata_file("emri_small_jpeg_ls_lossless.dcm", download=False) or "")
    if not emri.is_file():
        pytest.skip("pydicom-data not installed")
    inst = load_instance(emri)
    assert inst.frames == 10
    ref = pydicom.dcmread(emri).pixel_array
    for f in (0, 5, 9):
        np.testing.assert_array_equal(pixels.decode_frame(inst, f), ref[f])
    with pytest.raises(IndexError):
        pixels.decode_frame(inst, 10)


def test_ybr_jpeg_converted_to_rgb_close_to_uncompressed():
    ref = display_frame(load_instance(TEST_FILES / "SC_rgb_small_odd.dcm"))
    for name in ("SC_rgb_dcmtk_+eb+cy+n1.dcm", "SC_rgb_jpeg_dcmtk.dcm", "SC_rgb_rle.dcm"):
        img = display_frame(load_instance(TEST_FILES / name))
        assert img.shape == (100, 100, 3) and img.dtype == np.uint8
        # SC_rgb test pattern: red, green, blue, ... bands; the first band's top-left pixel is red
        r, g, b = img[5, 50].astype(int)
        assert r > 200 and g < 60 and b < 60, (name, r, g, b)
    assert ref.shape == (3, 3, 3)


def test_palette_color():
    inst = load_instance(TEST_FILES / "examples_palette.dcm")
    img = display_frame(inst)
    ds = pydicom.dcmread(TEST_FILES / "examples_palette.dcm")
    from pydicom.pixels import apply_color_lut

    ref = (apply_color_lut(ds.pixel_array, ds) >> 8).astype(np.uint8)
    assert img.shape == ref.shape and np.abs(img.astype(int) - ref).max() <= 1


def test_no_pixels_for_non_image():
    obj = load_instance(TEST_FILES / "rtplan.dcm")
    with pytest.raises(NoPixelDataError, match="RT Plan Storage"):
        display_frame(obj)


def test_iter_series_frames_progressive(tmp_path):
    paths = write_series(tmp_path / "s", 5)
    paths[2].write_bytes(paths[2].read_bytes()[:-100])  # one truncated slice: loaded? no -> listed as error
    res = load_study(tmp_path / "s")
    assert len(res.errors) == 1
    (series,) = res.studies[0].series
    steps = list(iter_series_frames(series, window="brain"))
    assert [s.index for s in steps] == [0, 1, 2, 3] and steps[-1].progress == 1.0
    assert all(s.image is not None and s.image.shape == (32, 32) for s in steps)
    # a frame that fails to decode yields an error and the rest go on
    series.instances[1].pixel_offset = 10**9
    pixels.clear_caches()
    steps = list(iter_series_frames(series))
    assert steps[1].error is not None and steps[1].image is None and steps[2].image is not None


def test_viewer_fields(tmp_path):
    write_series(tmp_path / "v", 2)
    inst = load_study(tmp_path / "v").instances[0]
    o = inst.overlay_fields()
    assert o["patient_name"] == "Synthetic^Test" and o["pixel_spacing"] == [0.7, 0.7]
    assert o["windows"] == [[40.0, 400.0]] and o["frames"] == 1 and o["modality"] == "CT"


def test_sr_document_text():
    doc = sr_document(TEST_FILES / "test-SR.dcm")
    assert doc.kind == "dicom-sr" and doc.source.endswith("test-SR.dcm")
    ds = pydicom.dcmread(TEST_FILES / "test-SR.dcm")
    texts = []

    def walk(seq):
        for it in seq:
            if it.get("ValueType") == "TEXT":
                texts.append(it.TextValue.strip())
            if "ContentSequence" in it:
                walk(it.ContentSequence)

    walk(ds.ContentSequence)
    assert texts and all(t.splitlines()[0] in doc.text for t in texts)
    assert doc.metadata["sop_class"] == "Comprehensive SR Storage"
    for sent in doc.sentences:
        assert 0 <= sent.start <= sent.end <= len(doc.text)
    with pytest.raises(NotStructuredReportError):
        sr_document(TEST_FILES / "CT_small.dcm")


def test_12bit_jpeg_extended_decodes_with_permissive_gdcm():
    # The same NM whole-body image ships as 12-bit JPEG Extended and as JPEG 2000: they must agree.
    jpeg = pixels.decode_frame(load_instance(TEST_FILES / "JPGExtended.dcm")).astype(float)
    j2k = pixels.decode_frame(load_instance(TEST_FILES / "JPEG2000.dcm")).astype(float)
    assert jpeg.shape == j2k.shape == (1024, 256) and jpeg.max() > 255  # 12-bit values kept
    assert np.abs(jpeg - j2k).mean() < 10
    assert np.corrcoef(jpeg.ravel(), j2k.ravel())[0, 1] > 0.95


def test_deflated_frames_and_1bit_rle_match_uncompressed_twin(shared_data):
    folder = shared_data / "dicom" / "pydicom-data-github-extra"
    if not (folder / "liver_nonbyte_aligned_deflate.dcm").is_file():
        pytest.skip("sample not present")
    deflated = load_instance(folder / "liver_nonbyte_aligned_deflate.dcm")
    plain = load_instance(folder / "liver_nonbyte_aligned.dcm")
    assert deflated.transfer_syntax == "1.2.840.10008.1.2.8.1" and deflated.frames == 3
    ref = pydicom.dcmread(folder / "liver_nonbyte_aligned.dcm").pixel_array
    for f in range(3):
        np.testing.assert_array_equal(pixels.decode_frame(deflated, f), ref[f])
        np.testing.assert_array_equal(pixels.decode_frame(deflated, f), pixels.decode_frame(plain, f))
    rle = load_instance(folder / "liver_nonbyte_aligned_rle.dcm")
    assert rle.bits_allocated == 1 and rle.transfer_syntax_name == "RLE Lossless"
    for f in range(3):
        np.testing.assert_array_equal(pixels.decode_frame(rle, f), ref[f])
