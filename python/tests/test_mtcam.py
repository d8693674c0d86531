"""The Python package on real photos, checked against the installed mtcam-detect.

Environment (tests/python/run-pytest.sh sets it): MTCAM_DETECT (the installed mtcam-detect),
MTCAM_ASSETS (the source tree's assets/), MTCAM_SHARED_DIR (../shared, optional: peer photos),
MTCAM_TEST_MODEL (the converted original weights, optional).
"""
import json
import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import mtcam

ASSETS = os.environ.get("MTCAM_ASSETS", "")
SHARED = os.environ.get("MTCAM_SHARED_DIR", "")
DETECT = os.environ.get("MTCAM_DETECT", "")
DEMO = [os.path.join(ASSETS, "demo", n) for n in ("grace-hopper.jpg", "eileen-collins.jpg")]
PEER = [os.path.join(SHARED, "data", "peer-tests", n) for n in
        ("ipazc_ivan.jpg", "kpzhang93_test1.jpg", "kpzhang93_test2.jpg", "ipazc_no-faces.jpg")]
# ArcFace's 112x112 five-point template.
ARCFACE = np.array([[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366],
                    [41.5493, 92.3655], [70.7299, 92.2041]])


def photo_params():
    params = [pytest.param(p, id=os.path.basename(p)) for p in DEMO]
    for p in PEER:
        params.append(pytest.param(p, id=os.path.basename(p), marks=pytest.mark.skipif(
            not os.path.exists(p), reason=f"{p} not found (../shared is absent)")))
    return params


def read_ppm(path):
    with open(path, "rb") as f:
        data = f.read()
    m = re.match(rb"P6\s+(?:#[^\n]*\n\s*)*(\d+)\s+(\d+)\s+(\d+)\s", data)
    w, h = int(m[1]), int(m[2])
    return np.frombuffer(data, np.uint8, w * h * 3, m.end()).reshape(h, w, 3)


@pytest.fixture(scope="session")
def ppm_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("ppm")


def load(path, ppm_dir):
    """The photo's RGB pixels, via a PPM that mtcam-detect reads too (the same pixels)."""
    ppm = os.path.join(ppm_dir, os.path.basename(path) + ".ppm")
    if not os.path.exists(ppm):
        subprocess.run(["convert", path, "-strip", ppm], check=True)
    return ppm, read_ppm(ppm)


@pytest.fixture(scope="session")
def model():
    return mtcam.Model()


def test_default_model_is_the_installed_one(model):
    assert os.path.exists(model.path), model.path
    assert model.path.endswith(os.path.join("share", "mtcam", "models", "mtcam.mtcnn"))


@pytest.mark.parametrize("photo", photo_params())
def test_detect_equals_mtcam_detect(photo, model, ppm_dir):
    if not DETECT:
        pytest.skip("MTCAM_DETECT (the installed mtcam-detect) not set")
    ppm, image = load(photo, ppm_dir)
    out = subprocess.run([DETECT, "--model", model.path, ppm], check=True, text=True,
                         capture_output=True).stdout
    want = json.loads(out)["faces"]
    boxes, scores, landmarks = mtcam.Detector(model).detect(image)
    assert boxes.shape == (len(want), 4) and boxes.dtype == np.float32
    assert scores.shape == (len(want),) and landmarks.shape == (len(want), 5, 2)
    if "no-faces" not in photo:
        assert len(want) >= 1
    for i, face in enumerate(want):
        np.testing.assert_allclose(boxes[i], face["box"], atol=1e-3)
        np.testing.assert_allclose(scores[i], face["score"], atol=1e-3)
        np.testing.assert_allclose(landmarks[i], face["landmarks"], atol=1e-3)


def test_options_reach_the_engine(model, ppm_dir):
    _, image = load(DEMO[0], ppm_dir)
    boxes, _, _ = mtcam.Detector(model, min_face=600).detect(image)
    assert len(boxes) == 0  # larger than the 512x512 portrait
    boxes, scores, landmarks = mtcam.Detector(model, stages=2).detect(image)
    assert len(boxes) >= 1 and np.isnan(landmarks).all()
    one = mtcam.Detector(model).detect(image)
    four = mtcam.Detector(model, threads=4).detect(image)
    for a, b in zip(one, four):
        np.testing.assert_array_equal(a, b)


def test_bgr_and_row_stride(model, ppm_dir):
    _, image = load(DEMO[1], ppm_dir)
    det = mtcam.Detector(model)
    rgb = det.detect(image)
    bgr = det.detect(np.ascontiguousarray(image[:, :, ::-1]), bgr=True)
    for a, b in zip(rgb, bgr):
        np.testing.assert_array_equal(a, b)
    # A slice of columns keeps pixels contiguous within rows: no copy needed.
    h, w, _ = image.shape
    part = image[:, w // 8:]
    assert not part.flags.c_contiguous
    got, want = det.detect(part), det.detect(np.ascontiguousarray(part))
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)


def test_detect_faces_is_the_mtcnn_package_format(model, ppm_dir):
    _, image = load(DEMO[0], ppm_dir)
    det = mtcam.Detector(model)
    boxes, scores, landmarks = det.detect(image)
    faces = det.detect_faces(image)
    assert len(faces) == len(boxes) >= 1
    f = faces[0]
    assert set(f) == {"box", "confidence", "keypoints"}
    assert set(f["keypoints"]) == {"left_eye", "right_eye", "nose", "mouth_left", "mouth_right"}
    assert all(isinstance(v, int) for v in f["box"])
    assert isinstance(f["confidence"], float) and f["confidence"] == pytest.approx(scores[0])
    x1, y1, x2, y2 = boxes[0]
    assert f["box"] == [int(x1 + 1), int(y1 + 1), int(x2 - x1), int(y2 - y1)]
    assert f["keypoints"]["right_eye"] == (int(landmarks[0][1][0]), int(landmarks[0][1][1]))


def test_detect_faces_reproduces_ipazc_published(ppm_dir):
    """ipazc/mtcnn's README result for ivan.jpg (read by OpenCV, i.e. BGR fed to the nets)."""
    weights = os.environ.get("MTCAM_TEST_MODEL", "")
    ivan = PEER[0]
    if not (weights and os.path.exists(weights) and os.path.exists(ivan)):
        pytest.skip("needs ../shared: the original weights converted and ipazc_ivan.jpg")
    _, image = load(ivan, ppm_dir)
    faces = mtcam.Detector(weights).detect_faces(np.ascontiguousarray(image[:, :, ::-1]))
    assert len(faces) == 1
    assert faces[0]["box"] == [277, 90, 48, 63]
    assert faces[0]["confidence"] == pytest.approx(0.99851983785629272, abs=1e-4)
    assert faces[0]["keypoints"] == {"left_eye": (291, 117), "right_eye": (314, 114),
                                     "nose": (303, 131), "mouth_left": (296, 143),
                                     "mouth_right": (313, 141)}


@pytest.mark.parametrize("bad, error, words", [
    (np.zeros((50, 60, 3), np.float32), TypeError, "must be uint8, not float32"),
    (np.zeros((50, 60), np.uint8), ValueError, "must be HxWx3"),
    (np.zeros((50, 60, 4), np.uint8), ValueError, "not shape (50, 60, 4)"),
    (np.zeros((0, 60, 3), np.uint8), ValueError, "is empty"),
    (np.zeros((50, 120, 3), np.uint8)[:, ::2], ValueError, "not contiguous"),
    (np.zeros((3, 50, 60), np.uint8).transpose(1, 2, 0), ValueError, "not contiguous"),
    ([[[0, 0, 0]]], TypeError, "must be a numpy array"),
])
def test_bad_arrays(model, bad, error, words):
    det = mtcam.Detector(model)
    with pytest.raises(error, match=re.escape(words)):
        det.detect(bad)
    with pytest.raises(error, match=re.escape(words)):
        det.align(bad, ARCFACE)


def test_bad_model_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="no-such.mtcnn: no such model file"):
        mtcam.Model(tmp_path / "no-such.mtcnn")
    corrupt = tmp_path / "corrupt.mtcnn"
    corrupt.write_bytes(b"MTCNN\0" + bytes(range(256)) * 4)
    with pytest.raises(mtcam.ModelError, match=re.escape(str(corrupt))):
        mtcam.Model(corrupt)
    with pytest.raises(mtcam.ModelError):
        mtcam.Detector(str(corrupt))
    assert issubclass(mtcam.ModelError, mtcam.Error)


def test_bad_options(model):
    with pytest.raises(ValueError, match="min"):
        mtcam.Detector(model, min_face=2)
    with pytest.raises(ValueError, match="three numbers"):
        mtcam.Detector(model, thresholds=(0.6, 0.7))
    with pytest.raises(ValueError, match="factor"):
        mtcam.Detector(model, factor=1.5)
    with pytest.raises(ValueError, match="landmarks must be"):
        mtcam.Detector(model, landmarks="dlib")
    with pytest.raises(ValueError, match="fp64"):
        mtcam.Detector(model, precision="fp64")


def test_precision(model, ppm_dir):
    """auto resolves to what the engine runs; fp32 runs everywhere; both find the same faces,
    boxes within 5 % of the face's width (INT8 moved this 223 px face's box by 7 px)."""
    _, image = load(DEMO[0], ppm_dir)
    auto, fp32 = mtcam.Detector(model), mtcam.Detector(model, precision="fp32")
    assert auto.precision in ("fp32", "int8") and fp32.precision == "fp32"
    a, b = auto.detect(image), fp32.detect(image)
    assert len(a[0]) == len(b[0]) >= 1
    width = b[0][:, 2:3] - b[0][:, 0:1]
    assert (np.abs(a[0] - b[0]) <= (0 if auto.precision == "fp32" else 0.05) * width).all(), \
        (a[0], b[0])


def test_thread_pool_shares_one_model(model, ppm_dir):
    images = [load(p, ppm_dir)[1] for p in DEMO + [p for p in PEER if os.path.exists(p)]]
    serial = [mtcam.Detector(model).detect(im) for im in images]
    local = threading.local()

    def job(i):
        if not hasattr(local, "det"):  # one detector per pool thread, one model for all
            local.det = mtcam.Detector(model)
        return i, local.det.detect(images[i])

    jobs = [i % len(images) for i in range(6 * len(images))]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(job, jobs))
    shared = mtcam.Detector(model)  # one detector used by all threads: calls take turns
    with ThreadPoolExecutor(max_workers=4) as pool:
        results += list(pool.map(lambda i: (i, shared.detect(images[i])), jobs))
    for i, got in results:
        for a, b in zip(got, serial[i]):
            np.testing.assert_array_equal(a, b)


def test_gil_released_during_detection(model, ppm_dir):
    """While one thread is inside detect(), another runs Python code. The switch interval is
    set far longer than the call, so the worker is never preempted: the main thread can see
    `inside` set only if the worker let the GIL go between setting and clearing it."""
    _, image = load(DEMO[0], ppm_dir)
    det = mtcam.Detector(model)
    inside, done = threading.Event(), threading.Event()

    def worker():
        # The extension's call itself: numpy, in detect()'s wrapping, lets the GIL go too.
        inside.set()
        det._det.detect(image, False)
        inside.clear()
        done.set()

    old = sys.getswitchinterval()
    sys.setswitchinterval(30.0)
    seen = 0
    try:
        t = threading.Thread(target=worker)
        t.start()
        while not done.is_set():
            if inside.is_set():
                seen += 1
            time.sleep(0.0005)  # lets the worker take the GIL back when detect returns
        t.join()
    finally:
        sys.setswitchinterval(old)
    assert seen > 0


def test_align(model, ppm_dir):
    _, image = load(DEMO[0], ppm_dir)
    # FP32: the detector is the measuring tool here, its steadiest landmarks wanted.
    det = mtcam.Detector(model, landmarks="mirror", precision="fp32")
    boxes, _, landmarks = det.detect(image)
    crop = det.align(image, landmarks[0])
    assert crop.shape == (112, 112, 3) and crop.dtype == np.uint8
    assert det.align(image, landmarks[0], template="96x112").shape == (112, 96, 3)
    assert det.align(image, landmarks[0], size=(224, 200)).shape == (200, 224, 3)
    from_dict = det.align(image, det.detect_faces(image)[0])
    assert np.abs(from_dict.astype(int) - crop.astype(int)).mean() < 8  # whole-pixel keypoints
    # The detector finds the face's eyes in the crop on the template's eyes.
    _, _, again = det.detect(crop)
    assert len(again) >= 1
    assert np.hypot(*(again[0][:2] - ARCFACE[:2]).T).max() < 3.5
    with pytest.raises(ValueError, match="template must be"):
        det.align(image, landmarks[0], template="64x64")
    with pytest.raises(ValueError, match=re.escape("shape (5, 2), not (4, 2)")):
        det.align(image, landmarks[0][:4])
    with pytest.raises(ValueError, match="crop size 0x112"):
        det.align(image, landmarks[0], size=(0, 112))
    with pytest.raises(ValueError, match="coincide"):
        det.align(image, np.ones((5, 2)))


def test_readme_quick_start(tmp_path):
    """README.md's Python example is docs/examples/quickstart.py, and it runs on a photo."""
    src = os.environ.get("MTCAM_SOURCE_DIR", "")
    if not src:
        pytest.skip("MTCAM_SOURCE_DIR not set")
    with open(os.path.join(src, "README.md")) as f:
        readme = f.read()
    m = re.search(r"<!-- begin docs/examples/quickstart.py -->\n```python\n(.*?)```\n"
                  r"<!-- end docs/examples/quickstart.py -->", readme, re.S)
    example = os.path.join(src, "docs", "examples", "quickstart.py")
    with open(example) as f:
        assert m and m[1] == f.read(), "README's Python example differs from " + example
    pytest.importorskip("PIL", reason="python3-pil is not installed")
    out = subprocess.run([sys.executable, example, DEMO[0]], cwd=tmp_path, check=True,
                         text=True, capture_output=True).stdout
    from PIL import Image
    with Image.open(DEMO[0]) as im:
        image = np.asarray(im.convert("RGB"))
    faces = mtcam.Detector().detect_faces(image)
    assert len(faces) >= 1
    assert out.splitlines() == [f'{f["box"]} {round(f["confidence"], 4)} '
                                f'{f["keypoints"]["left_eye"]}' for f in faces]
    crops = sorted(os.listdir(tmp_path))
    assert crops == [f"face-{i}.png" for i in range(len(faces))]
    with Image.open(tmp_path / crops[0]) as crop:
        assert crop.size == (112, 112)
