"""quickstart.py - faces in a photo, as the mtcnn package gives them, and aligned crops."""
import sys

import numpy as np
import mtcam
from PIL import Image  # or cv2.imread(path) with bgr=True below

image = np.asarray(Image.open(sys.argv[1]).convert("RGB"))  # HxWx3 uint8, RGB
model = mtcam.Model()                   # the installed mtcam.mtcnn; share it between detectors
detector = mtcam.Detector(model, min_face=20, thresholds=(0.6, 0.7, 0.7))
for face in detector.detect_faces(image):  # [{'box': [x, y, w, h], 'confidence': ..., ...}]
    print(face["box"], round(face["confidence"], 4), face["keypoints"]["left_eye"])
boxes, scores, landmarks = detector.detect(image)  # (N, 4) x1 y1 x2 y2, (N,), (N, 5, 2)
for i, points in enumerate(landmarks):
    crop = detector.align(image, points)  # 112x112x3, ArcFace's five-point template
    Image.fromarray(crop).save(f"face-{i}.png")
