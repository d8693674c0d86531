"""mtcam: MTCNN face detection (faces, five landmarks) and aligned face crops, in C.

    import mtcam
    detector = mtcam.Detector()               # the project's own model, min face 20
    boxes, scores, landmarks = detector.detect(rgb)       # HxWx3 uint8 numpy array
    faces = detector.detect_faces(rgb)        # what the `mtcnn` package's MTCNN returns
    crop = detector.align(rgb, landmarks[0])  # 112x112x3, ArcFace's five-point template

Coordinates are 0-based pixels; a box (x1, y1, x2, y2) is inclusive. Detection releases the
GIL; a Model is read-only and may be shared by any number of detectors and threads.
"""
import os

import numpy as np

from . import _mtcam
from ._mtcam import Error, ModelError

__all__ = ["Model", "Detector", "Error", "ModelError", "default_model_path"]

# The templates of mtcnn_align_face: name -> (engine value, base width, base height).
_TEMPLATES = {"112x112": (0, 112, 112), "arcface": (0, 112, 112),
              "96x112": (1, 96, 112), "sphereface": (1, 96, 112)}
_KEYPOINTS = ("left_eye", "right_eye", "nose", "mouth_left", "mouth_right")


def default_model_path():
    """$MTCAM_MODEL, else the mtcam.mtcnn installed with the library this package was built
    against."""
    return os.environ.get("MTCAM_MODEL") or _mtcam.DEFAULT_MODEL


class Model(_mtcam.Model):
    """The weights of the three nets, loaded once (path=None: default_model_path())."""

    def __init__(self, path=None):
        self.path = os.fspath(path) if path is not None else default_model_path()
        if not os.path.exists(self.path):
            raise FileNotFoundError(f"{self.path}: no such model file")
        super().__init__(self.path)

    def __repr__(self):
        return f"mtcam.Model({self.path!r})"


def _check_image(image, name="image"):
    if not isinstance(image, np.ndarray):
        raise TypeError(f"{name} must be a numpy array (HxWx3 uint8), not "
                        f"{type(image).__name__}")
    if image.dtype != np.uint8:
        raise TypeError(f"{name} must be uint8, not {image.dtype} (convert with "
                        f"image.astype(numpy.uint8) after scaling to 0..255)")
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"{name} must be HxWx3 (RGB, or BGR with bgr=True), not shape "
                         f"{image.shape}")
    if image.shape[0] < 1 or image.shape[1] < 1:
        raise ValueError(f"{name} is empty (shape {image.shape})")
    if image.strides[2] != 1 or image.strides[1] != 3:
        raise ValueError(f"{name} is not contiguous (strides {image.strides}): pass "
                         f"numpy.ascontiguousarray({name})")
    return image


class Detector:
    """MTCNN with the engine's options; one model shared by any number of detectors.

    model: None (default_model_path()), a file name, or a Model to share.
    thresholds: the P-Net, R-Net and O-Net face-probability thresholds.
    threads: threads spread over one detect call (results are the same for any count).
    stages: 1, 2 or 3 (the cascade up to P-Net, R-Net or O-Net; landmarks need 3).
    landmarks: "onet", "mirror" (averaged with a mirrored O-Net pass) or "lnet" (L-Net).
    precision: "auto" (INT8 when the model has a calibration and the CPU an INT8 kernel, else
    FP32), "fp32" or "int8"; the `precision` attribute then says which one runs.
    A Detector may be called from several threads; calls on one detector take turns, so
    give each thread its own Detector (sharing the Model) to run them side by side.
    """

    def __init__(self, model=None, min_face=20, thresholds=(0.6, 0.7, 0.7), factor=0.709,
                 threads=1, stages=3, landmarks="onet", precision="auto"):
        self.model = model if isinstance(model, _mtcam.Model) else Model(model)
        t = tuple(float(v) for v in thresholds)
        if len(t) != 3:
            raise ValueError(f"thresholds must be three numbers, not {thresholds!r}")
        if landmarks not in ("onet", "mirror", "lnet"):
            raise ValueError(f"landmarks must be 'onet', 'mirror' or 'lnet', not {landmarks!r}")
        if landmarks == "lnet" and not self.model.has_lnet:
            raise ValueError("landmarks='lnet' needs a model converted with det4 (L-Net)")
        self.min_face, self.thresholds, self.factor = float(min_face), t, float(factor)
        self.threads, self.stages, self.landmarks = int(threads), int(stages), landmarks
        self._det = _mtcam.Detector(self.model, self.min_face, self.factor, t[0], t[1], t[2],
                                    self.stages, self.threads, landmarks == "mirror",
                                    landmarks == "lnet", str(precision))
        self.precision = self._det.precision()

    def detect(self, image, bgr=False):
        """Faces in an HxWx3 uint8 image (RGB; bgr=True for OpenCV's BGR frames).

        Returns (boxes, scores, landmarks): float32 arrays of shapes (N, 4) with x1, y1, x2, y2,
        (N,) and (N, 5, 2) with (x, y) of the left eye, right eye, nose, left and right mouth
        corner (NaN when stages < 3). Sorted by descending score.
        """
        _check_image(image)
        rows = np.frombuffer(self._det.detect(image, bool(bgr)), dtype=np.float32)
        rows = rows.reshape(-1, 16)
        landmarks = rows[:, 5:15].reshape(-1, 5, 2).copy()
        landmarks[rows[:, 15] == 0] = np.nan
        return rows[:, 0:4].copy(), rows[:, 4].copy(), landmarks

    def detect_faces(self, image, bgr=False):
        """What the `mtcnn` package's MTCNN().detect_faces(image) returns: a list of
        {'box': [x, y, w, h], 'confidence': c, 'keypoints': {'left_eye': (x, y), ...}} with
        the same integer conventions, so existing code switches with one import."""
        boxes, scores, landmarks = self.detect(image, bgr)
        faces = []
        for box, score, lm in zip(boxes, scores, landmarks):
            x1, y1 = float(box[0]) + 1, float(box[1]) + 1  # mtcnn's boxes are 1-based
            x2, y2 = float(box[2]) + 1, float(box[3]) + 1
            face = {"box": [max(0, int(x1)), max(0, int(y1)), int(x2 - x1), int(y2 - y1)],
                    "confidence": float(score)}
            if not np.isnan(lm).any():
                face["keypoints"] = {k: (int(p[0]), int(p[1])) for k, p in zip(_KEYPOINTS, lm)}
            faces.append(face)
        return faces

    def align(self, image, face, size=None, template="112x112"):
        """The aligned crop of one face: the least-squares similarity from its five landmarks
        to a recogniser's template ("112x112" ArcFace, or "96x112"), sampled bilinearly.

        face: a (5, 2) array of landmarks (a row of detect()'s third result), or a dict from
        detect_faces() (its keypoints are whole pixels, as mtcnn gives them).
        size: (width, height) of the crop, default the template's; the template scales to it.
        Returns an height x width x 3 uint8 array in the image's channel order.
        """
        _check_image(image)
        if template not in _TEMPLATES:
            raise ValueError(f"template must be one of {sorted(_TEMPLATES)}, not {template!r}")
        tmpl, w, h = _TEMPLATES[template]
        if size is not None:
            w, h = (int(v) for v in size)
        if isinstance(face, dict):
            if "keypoints" not in face:
                raise ValueError("the face has no keypoints (detect with stages=3)")
            points = np.array([face["keypoints"][k] for k in _KEYPOINTS], dtype=np.float64)
        else:
            points = np.asarray(face, dtype=np.float64)
        if points.shape != (5, 2):
            raise ValueError(f"face landmarks must have shape (5, 2), not {points.shape}")
        if not np.isfinite(points).all():
            raise ValueError("face landmarks must be finite (detect with stages=3)")
        crop = self._det.align(image, tuple(points.ravel().tolist()), tmpl, w, h)
        return np.frombuffer(crop, dtype=np.uint8).reshape(h, w, 3).copy()

    def __repr__(self):
        return (f"mtcam.Detector({self.model!r}, min_face={self.min_face}, "
                f"thresholds={self.thresholds}, factor={self.factor}, threads={self.threads}, "
                f"precision={self.precision!r})")
