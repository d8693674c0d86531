/* caltech-points.h - the pixel convention of the Caltech Web Faces points, shared by
 * mtcam-train (training targets) and mtcam-eval (ground truth).
 *
 * The points are MATLAB axes coordinates: the centre of the first pixel is 1, not 0 (the file
 * is the original one, written by MATLAB, '%e' numbers). mtcam's coordinates are 0-based
 * (mtcnn.h), so both readers subtract CALTECH_POINT_ORIGIN from every coordinate.
 *
 * Evidence (docs/training.md, "Pixel convention of the data"): a net trained with mirrored
 * samples cannot learn an offset that does not mirror, so its mean x error against the
 * annotation shows the annotation's own offset: +1.0 to +1.16 px at every face size, from
 * 8 px to over 60 px between the eyes. A human bias would grow with the face; a 1-based origin
 * does not. Left in, it costs ~0.05 IOD of eye error on a median face and moves every box
 * derived from the points by a pixel. */
#pragma once

#define CALTECH_POINT_ORIGIN 1.0f
