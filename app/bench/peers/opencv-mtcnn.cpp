/* opencv-mtcnn.cpp - see opencv-mtcnn.hpp; section numbers refer to mtcnn-spec.md. */
#include "opencv-mtcnn.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

namespace peer {
namespace {

/* A black pixel after the normalisation (v - 127.5) * 0.0078125: what crops are padded with. */
constexpr double kBlack = -127.5 * 0.0078125;

double ms_since(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
        .count();
}

/* Greedy NMS of section 8 on boxes sorted by score (stable, ascending: the last is kept
 * first, as MATLAB's sort gives). Returns the kept indices, best first. */
std::vector<size_t> nms(const std::vector<double> &x1, const std::vector<double> &y1,
                        const std::vector<double> &x2, const std::vector<double> &y2,
                        const std::vector<double> &score, double thr, bool use_min)
{
    std::vector<size_t> order(score.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return score[a] < score[b]; });
    std::vector<size_t> keep, rest;
    while (!order.empty()) {
        const size_t i = order.back();
        keep.push_back(i);
        const double area_i = (x2[i] - x1[i] + 1) * (y2[i] - y1[i] + 1);
        rest.clear();
        for (size_t t = 0; t + 1 < order.size(); t++) {
            const size_t j = order[t];
            const double iw = std::max(0.0, std::min(x2[i], x2[j]) - std::max(x1[i], x1[j]) + 1);
            const double ih = std::max(0.0, std::min(y2[i], y2[j]) - std::max(y1[i], y1[j]) + 1);
            const double inter = iw * ih;
            const double area_j = (x2[j] - x1[j] + 1) * (y2[j] - y1[j] + 1);
            const double o = use_min ? inter / std::min(area_i, area_j)
                                     : inter / (area_i + area_j - inter);
            if (o <= thr)
                rest.push_back(j);
        }
        order.swap(rest);
    }
    return keep;
}

/* OpenCV's messages can span lines ("> expected ... where ..."): one line, spaces squeezed. */
std::string one_line(const std::string &text)
{
    std::string out;
    for (char c : text) {
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
        if (c == ' ' && (out.empty() || out.back() == ' '))
            continue;
        out += c;
    }
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    return out;
}

} // namespace

/* The boxes NMS keeps, in the order it keeps them. */
template <typename B> static std::vector<B> nms_boxes(const std::vector<B> &b, double thr,
                                                      bool use_min)
{
    std::vector<double> x1, y1, x2, y2, s;
    for (const B &v : b) {
        x1.push_back(v.x1), y1.push_back(v.y1), x2.push_back(v.x2), y2.push_back(v.y2);
        s.push_back(v.score);
    }
    std::vector<B> out;
    for (size_t i : nms(x1, y1, x2, y2, s, thr, use_min))
        out.push_back(b[i]);
    return out;
}

/* Section 8, rerec: a square with the same centre, side = the longer side (no +1). */
template <typename B> static void rerec(B &b)
{
    const double w = b.x2 - b.x1, h = b.y2 - b.y1, l = std::max(w, h);
    b.x1 = b.x1 + w * 0.5 - l * 0.5;
    b.y1 = b.y1 + h * 0.5 - l * 0.5;
    b.x2 = b.x1 + l;
    b.y2 = b.y1 + l;
}

/* Section 8, bbreg: the regression with +1 widths. */
template <typename B> static void bbreg(B &b)
{
    const double w = b.x2 - b.x1 + 1, h = b.y2 - b.y1 + 1;
    b.x1 += b.reg[0] * w;
    b.y1 += b.reg[1] * h;
    b.x2 += b.reg[2] * w;
    b.y2 += b.reg[3] * h;
}

OpencvMtcnn::OpencvMtcnn(const std::string &model_dir) : dir_(model_dir)
{
    pnets_.push_back(load(1));
    rnet_ = load(2);
    onet_ = load(3);
}

/* Runs fd 2 into /dev/null while it lives: OpenCV's bundled protobuf logs parse errors to
 * stderr on its own, and the exception carries the same news in one line. */
class QuietStderr {
public:
    QuietStderr() : saved_(dup(2))
    {
        const int null = open("/dev/null", O_WRONLY);
        if (saved_ >= 0 && null >= 0)
            dup2(null, 2);
        if (null >= 0)
            close(null);
    }
    ~QuietStderr()
    {
        if (saved_ >= 0) {
            dup2(saved_, 2);
            close(saved_);
        }
    }
    QuietStderr(const QuietStderr &) = delete;
    QuietStderr &operator=(const QuietStderr &) = delete;

private:
    int saved_;
};

/* Reads det<n> and runs it once on its training input size, so a file that parses but does
 * not fit its prototxt (or lacks the outputs used here) fails now, in one line. */
cv::dnn::Net OpencvMtcnn::load(int n) const
{
    const std::string proto = dir_ + "/det" + std::to_string(n) + ".prototxt";
    const std::string model = dir_ + "/det" + std::to_string(n) + ".caffemodel";
    for (const std::string *f : {&proto, &model}) {
        FILE *fp = std::fopen(f->c_str(), "rb");
        if (!fp)
            throw std::runtime_error(*f + ": cannot open (the original MTCNN Caffe files)");
        std::fclose(fp);
    }
    static const int side[4] = {0, 12, 24, 48};
    static const std::vector<std::vector<cv::String>> outputs = {
        {}, {"prob1", "conv4-2"}, {"prob1", "conv5-2"}, {"prob1", "conv6-2", "conv6-3"}};
    static const int channels[4][3] = {{0}, {2, 4}, {2, 4}, {2, 4, 10}};
    cv::dnn::Net net;
    try {
        QuietStderr quiet;
        net = cv::dnn::readNetFromCaffe(proto, model);
        if (net.empty())
            throw std::runtime_error(proto + ": no layers");
        net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
        net.setInput(cv::Mat(std::vector<int>{1, 3, side[n], side[n]}, CV_32F, cv::Scalar(0)));
        std::vector<cv::Mat> outs;
        net.forward(outs, outputs[n]);
        for (size_t i = 0; i < outs.size(); i++)
            if (outs[i].dims < 2 || outs[i].size[1] != channels[n][i])
                throw std::runtime_error(model + ": output " + outputs[n][i] +
                                         " does not have " + std::to_string(channels[n][i]) +
                                         " channels");
    } catch (const cv::Exception &e) {
        throw std::runtime_error(proto + " + " + model + ": not a usable Caffe net (" + one_line(e.err) +
                                 ")");
    }
    return net;
}

/* Section 4: pyramid, P-Net, candidates, the two NMS, regression, squaring. */
std::vector<OpencvMtcnn::Box> OpencvMtcnn::stage1(const cv::Mat &img, const Options &opt)
{
    const int h = img.rows, w = img.cols;
    std::vector<double> scales;
    const double m = 12.0 / opt.min_face;
    for (double l = std::min(h, w) * m, s = m; l >= 12; l *= opt.factor, s *= opt.factor)
        scales.push_back(s);
    stats_.n_scales = (int)scales.size();

    std::vector<Box> all;
    cv::Mat level, transposed, blob;
    std::vector<cv::Mat> outs;
    for (size_t k = 0; k < scales.size(); k++) {
        const double s = scales[k];
        const int hs = (int)std::ceil(h * s), ws = (int)std::ceil(w * s);
        cv::resize(img, level, cv::Size(ws, hs), 0, 0, cv::INTER_AREA);
        cv::transpose(level, transposed); /* ws rows (image x) by hs columns (image y) */
        blob = cv::dnn::blobFromImage(transposed, 1.0, cv::Size(), cv::Scalar(), false, false,
                                      CV_32F);
        while (pnets_.size() <= k)
            pnets_.push_back(load(1));
        cv::dnn::Net &net = pnets_[k];
        net.setInput(blob);
        net.forward(outs, std::vector<cv::String>{"prob1", "conv4-2"});
        const cv::Mat &prob = outs[0], &reg = outs[1]; /* [1][c][image x][image y] */
        const int nx = prob.size[2], ny = prob.size[3];
        const float *p1 = prob.ptr<float>(0, 1);
        std::vector<Box> cands;
        for (int j = 0; j < nx; j++)
            for (int i = 0; i < ny; i++) {
                const float p = p1[j * ny + i];
                if (!(p >= opt.thresholds[0]))
                    continue;
                Box b{};
                b.x1 = std::trunc((2.0 * j + 1) / s);
                b.y1 = std::trunc((2.0 * i + 1) / s);
                b.x2 = std::trunc((2.0 * j + 12) / s);
                b.y2 = std::trunc((2.0 * i + 12) / s);
                b.score = p;
                for (int c = 0; c < 4; c++)
                    b.reg[c] = reg.ptr<float>(0, c)[j * ny + i];
                cands.push_back(b);
            }
        for (const Box &b : nms_boxes(cands, 0.5, false))
            all.push_back(b);
    }
    std::vector<Box> out = nms_boxes(all, 0.7, false);
    for (Box &b : out) {
        /* Regression without +1 (section 4.6), then squaring and truncation. */
        const double bw = b.x2 - b.x1, bh = b.y2 - b.y1;
        b.x1 += b.reg[0] * bw;
        b.y1 += b.reg[1] * bh;
        b.x2 += b.reg[2] * bw;
        b.y2 += b.reg[3] * bh;
        rerec(b);
        b.x1 = std::trunc(b.x1), b.y1 = std::trunc(b.y1);
        b.x2 = std::trunc(b.x2), b.y2 = std::trunc(b.y2);
    }
    return out;
}

/* Sections 5 and 6: R-Net (stage 2) or O-Net (stage 3) on zero-padded crops of the boxes. */
std::vector<OpencvMtcnn::Box> OpencvMtcnn::refine(const cv::Mat &img, std::vector<Box> boxes,
                                                  int stage, float thr)
{
    const int side = stage == 2 ? 24 : 48;
    std::vector<cv::Mat> crops;
    std::vector<Box> fed;
    for (Box &b : boxes) {
        if (stage == 3) {
            b.x1 = std::trunc(b.x1), b.y1 = std::trunc(b.y1);
            b.x2 = std::trunc(b.x2), b.y2 = std::trunc(b.y2);
        }
        const int x1 = (int)b.x1, y1 = (int)b.y1, x2 = (int)b.x2, y2 = (int)b.y2;
        const int tw = x2 - x1 + 1, th = y2 - y1 + 1;
        if (tw < 1 || th < 1)
            continue; /* a degenerate box: nothing to crop */
        cv::Mat patch(th, tw, CV_32FC3, cv::Scalar::all(kBlack));
        /* The part inside the image, 1-based rows max(y1,1)..min(y2,H) (section 8, pad). */
        const int cx0 = std::max(x1, 1), cx1 = std::min(x2, img.cols);
        const int cy0 = std::max(y1, 1), cy1 = std::min(y2, img.rows);
        if (cx0 <= cx1 && cy0 <= cy1)
            img(cv::Rect(cx0 - 1, cy0 - 1, cx1 - cx0 + 1, cy1 - cy0 + 1))
                .copyTo(patch(cv::Rect(cx0 - x1, cy0 - y1, cx1 - cx0 + 1, cy1 - cy0 + 1)));
        cv::Mat resized, transposed;
        cv::resize(patch, resized, cv::Size(side, side), 0, 0, cv::INTER_AREA);
        cv::transpose(resized, transposed);
        crops.push_back(transposed);
        fed.push_back(b);
    }
    if (crops.empty())
        return {};
    cv::Mat blob = cv::dnn::blobFromImages(crops, 1.0, cv::Size(), cv::Scalar(), false, false,
                                           CV_32F);
    cv::dnn::Net &net = stage == 2 ? rnet_ : onet_;
    net.setInput(blob);
    std::vector<cv::Mat> outs;
    if (stage == 2)
        net.forward(outs, std::vector<cv::String>{"prob1", "conv5-2"});
    else
        net.forward(outs, std::vector<cv::String>{"prob1", "conv6-2", "conv6-3"});
    std::vector<Box> kept;
    for (size_t n = 0; n < fed.size(); n++) {
        const float p = outs[0].ptr<float>((int)n)[1];
        if (!(p > thr))
            continue; /* strict > in stages 2 and 3 */
        Box b = fed[n]; /* the input box with the new score */
        b.score = p;
        for (int c = 0; c < 4; c++)
            b.reg[c] = outs[1].ptr<float>((int)n)[c];
        if (stage == 3) {
            /* Landmarks from the input (pre-regression) box, section 6.3. */
            const double bw = b.x2 - b.x1 + 1, bh = b.y2 - b.y1 + 1;
            const float *lm = outs[2].ptr<float>((int)n);
            for (int k = 0; k < 5; k++) {
                b.lm[k] = bw * lm[k] + b.x1 - 1;
                b.lm[k + 5] = bh * lm[k + 5] + b.y1 - 1;
            }
        }
        kept.push_back(b);
    }
    if (stage == 2) {
        std::vector<Box> out = nms_boxes(kept, 0.7, false);
        for (Box &b : out) {
            bbreg(b);
            rerec(b);
        }
        return out;
    }
    for (Box &b : kept)
        bbreg(b);
    return nms_boxes(kept, 0.7, true);
}

std::vector<Face> OpencvMtcnn::detect(const uint8_t *rgb, int width, int height,
                                      const Options &opt)
{
    const auto t0 = std::chrono::steady_clock::now();
    stats_ = Stats{};
    /* Normalised once, in floats: the pyramid and the crops are then area averages of the
     * normalised values, which equals normalising the averages (no rounding to bytes). */
    const cv::Mat bytes(height, width, CV_8UC3, const_cast<uint8_t *>(rgb));
    cv::Mat img;
    bytes.convertTo(img, CV_32FC3, 0.0078125, kBlack);

    std::vector<Box> boxes = stage1(img, opt);
    stats_.n_pnet = (int)boxes.size();
    stats_.ms_pnet = ms_since(t0);
    auto t = std::chrono::steady_clock::now();
    boxes = refine(img, std::move(boxes), 2, opt.thresholds[1]);
    stats_.n_rnet = (int)boxes.size();
    stats_.ms_rnet = ms_since(t);
    t = std::chrono::steady_clock::now();
    boxes = refine(img, std::move(boxes), 3, opt.thresholds[2]);
    stats_.n_onet = (int)boxes.size();
    stats_.ms_onet = ms_since(t);

    std::vector<Face> faces;
    for (const Box &b : boxes) { /* NMS returned them best first */
        Face f{};
        const double box[4] = {b.x1 - 1, b.y1 - 1, b.x2 - 1, b.y2 - 1}; /* to 0-based */
        for (int c = 0; c < 4; c++)
            f.box[c] = (float)box[c];
        f.score = (float)b.score;
        for (int k = 0; k < 5; k++) {
            f.landmarks[k][0] = (float)b.lm[k];
            f.landmarks[k][1] = (float)b.lm[k + 5];
        }
        faces.push_back(f);
    }
    stats_.ms_total = ms_since(t0);
    return faces;
}

} // namespace peer
