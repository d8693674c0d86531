/* opencv-mtcnn.hpp - MTCNN run by OpenCV's DNN module: the peer mtcam is timed against.
 *
 * The original Caffe nets (det1-3 .prototxt/.caffemodel) are read by cv::dnn and run with
 * the algorithm of ../shared/docs/mtcnn-spec.md, the one mtcam's engine implements: area-
 * averaged pyramid, P-Net cells >= t1, NMS 0.5 per scale and 0.7 across scales on the
 * unregressed boxes, regression, squaring, zero-padded crops for R-Net and O-Net, landmarks
 * from the pre-regression box, the final "Min" NMS. Written independently of the engine (only
 * the spec is shared), so agreement between the two is evidence that both do the same work.
 *
 * The weights expect the transposed image (they were trained through MATLAB's column-major
 * Caffe interface), so every pyramid level and crop is transposed before it enters a net and
 * P-Net's maps are read back transposed; this is what most OpenCV/Python ports do.
 * Threads: cv::setNumThreads, process-wide (the caller sets it). */
#pragma once

#include <opencv2/dnn.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace peer {

struct Options {
    float min_face = 20;
    float factor = 0.709f;
    float thresholds[3] = {0.6f, 0.7f, 0.7f};
};

/* mtcam's conventions (mtcnn.h): 0-based inclusive box, landmarks (x, y). */
struct Face {
    float box[4];
    float score;
    float landmarks[5][2];
};

/* Milliseconds of the last detect call, and the boxes leaving each stage. */
struct Stats {
    double ms_pnet = 0, ms_rnet = 0, ms_onet = 0, ms_total = 0; /* P-Net includes the pyramid */
    int n_scales = 0, n_pnet = 0, n_rnet = 0, n_onet = 0;
};

class OpencvMtcnn {
public:
    /* Reads DIR/det{1,2,3}.{prototxt,caffemodel}; throws std::runtime_error naming the file
     * and the reason. */
    explicit OpencvMtcnn(const std::string &model_dir);

    /* Faces in a packed RGB24 image, sorted by descending score. */
    std::vector<Face> detect(const uint8_t *rgb, int width, int height, const Options &opt);
    const Stats &stats() const { return stats_; }

private:
    struct Box {
        double x1, y1, x2, y2, score; /* the spec's 1-based inclusive convention */
        double reg[4];
        double lm[10];
    };
    cv::dnn::Net load(int n) const;
    std::vector<Box> stage1(const cv::Mat &img, const Options &opt);
    std::vector<Box> refine(const cv::Mat &img, std::vector<Box> boxes, int stage, float thr);

    std::string dir_;
    /* One P-Net per pyramid level: cv::dnn re-plans a net whenever its input shape changes,
     * so a net per level keeps the planning out of the steady state. R-Net and O-Net get one
     * net each: on the benchmark's repeated frame their batch sizes repeat too (on live video
     * they change from frame to frame, and cv::dnn re-plans: a real cost of this peer that
     * the benchmark does not show). */
    std::vector<cv::dnn::Net> pnets_;
    cv::dnn::Net rnet_, onet_;
    Stats stats_;
};

} // namespace peer
