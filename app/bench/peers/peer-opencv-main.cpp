/* mtcam-peer-opencv - the OpenCV DNN peer of mtcam-bench: MTCNN with the original Caffe nets
 * run by cv::dnn (opencv-mtcnn.hpp) on the same frame mtcam-bench makes (peer-frame.h).
 *
 * Prints one JSON line per image: the faces found and, with --iters N, the median time of N
 * runs after a warm-up. .ci/bench-peers times it interleaved with mtcam-bench; the tests
 * peers.opencv_photos and peers.opencv_frames (tests/app/bench/peers) check that it does the
 * work mtcam does. */
#include <opencv2/core.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "opencv-mtcnn.hpp"
#include "peer-frame.h"

extern "C" {
#include "args.h"
}

#define PROG "mtcam-peer-opencv"

static const char usage_text[] =
    "usage: " PROG " [options] IMAGE...\n"
    "MTCNN with the original Caffe nets run by OpenCV's DNN module, same algorithm as mtcam\n"
    "(the peer of mtcam-bench). Each IMAGE (JPEG, PNG, PPM/PGM) is resized to --size the way\n"
    "mtcam-bench does it; prints one JSON line per image with the faces (0-based inclusive\n"
    "boxes, as mtcam-detect) and, with --iters N, the median time of N runs.\n"
    "\n"
    "options:\n"
    "  --models DIR       folder of det1-3 .prototxt + .caffemodel (default " MTCAM_PEER_MODELS ")\n"
    "  --size WxH         frame size (default 0x0 = the image as it is)\n"
    "  --min-face N       smallest face searched, pixels (default 20)\n"
    "  --factor F         pyramid scale step (default 0.709)\n"
    "  --thresholds A,B,C P/R/O-Net thresholds (default 0.6,0.7,0.7)\n"
    "  --threads N        OpenCV threads (cv::setNumThreads; 1 .. 256, default 1)\n"
    "  --iters N          timed runs after min(N, 10) warm-up runs (default 0: detect once)\n"
    "  -h, --help         this text\n"
    "\n"
    "Exit status: 0 done, 1 an image or the nets failed, 2 bad usage.\n";

struct PeerArgs {
    const char *models = MTCAM_PEER_MODELS;
    std::vector<const char *> images;
    int width = 0, height = 0, threads = 1, iters = 0, min_face = 20;
    peer::Options opt;
};

/* Returns 0, or the exit status (2 bad usage, -1 --help). */
static int parse_args(int argc, char **argv, PeerArgs *a)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            fputs(usage_text, stdout);
            return -1;
        }
        if (arg[0] != '-') {
            a->images.push_back(arg);
            continue;
        }
        if (i + 1 >= argc)
            return app_usage_error(PROG, "%s needs a value", arg);
        const char *v = argv[++i];
        if (!strcmp(arg, "--models"))
            a->models = v;
        else if (!strcmp(arg, "--size")) {
            if (!strchr(v, 'x') || app_parse_size(v, 0, 16384, &a->width, &a->height) ||
                (a->width == 0) != (a->height == 0))
                return app_usage_error(PROG, "--size '%s': expected WxH, 1 .. 16384 each (or 0x0)",
                                       v);
        } else if (!strcmp(arg, "--min-face")) {
            if (app_parse_int(v, 12, 100000, &a->min_face))
                return app_usage_error(PROG, "--min-face '%s': expected an integer >= 12", v);
            a->opt.min_face = (float)a->min_face;
        } else if (!strcmp(arg, "--factor")) {
            if (app_parse_float(v, 0.1, 0.95, &a->opt.factor))
                return app_usage_error(PROG, "--factor '%s': expected 0.1 .. 0.95", v);
        } else if (!strcmp(arg, "--thresholds")) {
            if (app_parse_floats(v, 3, 0, 1, a->opt.thresholds))
                return app_usage_error(PROG, "--thresholds '%s': expected T1,T2,T3 in 0 .. 1", v);
        } else if (!strcmp(arg, "--threads")) {
            if (app_parse_int(v, 1, 256, &a->threads))
                return app_usage_error(PROG, "--threads '%s': expected 1 .. 256", v);
        } else if (!strcmp(arg, "--iters")) {
            if (app_parse_int(v, 0, 1000000, &a->iters))
                return app_usage_error(PROG, "--iters '%s': expected 0 .. 1000000", v);
        } else
            return app_usage_error(PROG, "unknown option %s", arg);
    }
    if (a->images.empty())
        return app_usage_error(PROG, "no IMAGE given");
    return 0;
}

static double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static double load_average()
{
    double l = -1;
    if (FILE *f = fopen("/proc/loadavg", "r")) {
        if (fscanf(f, "%lf", &l) != 1)
            l = -1;
        fclose(f);
    }
    return l;
}

/* One image: detect (timed when --iters), print its JSON line. Returns 0 or 1. */
static int run_image(peer::OpencvMtcnn &net, const PeerArgs &a, const char *path)
{
    peer_frame frame;
    char err[512];
    if (peer_frame_load(path, a.width, a.height, &frame, err, (int)sizeof err) != 0) {
        fprintf(stderr, PROG ": %s\n", err);
        return 1;
    }
    std::vector<peer::Face> faces;
    std::vector<double> total, pnet, rnet, onet;
    const double load0 = load_average();
    /* Warm-up runs (the per-level nets are made and planned, caches) are not timed. */
    const int warmup = a.iters ? std::min(a.iters, 10) : 0;
    for (int it = -warmup; it < std::max(a.iters, 1); it++) {
        faces = net.detect(frame.rgb, frame.width, frame.height, a.opt);
        if (it < 0 || !a.iters)
            continue;
        const peer::Stats &st = net.stats();
        total.push_back(st.ms_total);
        pnet.push_back(st.ms_pnet);
        rnet.push_back(st.ms_rnet);
        onet.push_back(st.ms_onet);
    }
    const double load1 = load_average();
    const peer::Stats &st = net.stats();
    printf("{\"image\": \"%s\", \"width\": %d, \"height\": %d, \"min_face\": %d, "
           "\"threads\": %d, \"peer\": \"opencv-dnn %s\", \"iters\": %d",
           path, frame.width, frame.height, a.min_face, cv::getNumThreads(),
           cv::getVersionString().c_str(), a.iters);
    if (a.iters)
        printf(", \"ms\": %.4f, \"min_ms\": %.4f, \"pnet_ms\": %.4f, \"rnet_ms\": %.4f, "
               "\"onet_ms\": %.4f, \"load_avg\": [%.2f, %.2f]",
               median(total), *std::min_element(total.begin(), total.end()), median(pnet),
               median(rnet), median(onet), load0, load1);
    printf(", \"n_scales\": %d, \"n_pnet\": %d, \"n_rnet\": %d, \"faces\": [", st.n_scales,
           st.n_pnet, st.n_rnet);
    for (size_t i = 0; i < faces.size(); i++) {
        const peer::Face &f = faces[i];
        printf("%s{\"box\": [%.2f, %.2f, %.2f, %.2f], \"score\": %.6f, \"landmarks\": [",
               i ? ", " : "", f.box[0], f.box[1], f.box[2], f.box[3], f.score);
        for (int k = 0; k < 5; k++)
            printf("%s[%.2f, %.2f]", k ? ", " : "", f.landmarks[k][0], f.landmarks[k][1]);
        printf("]}");
    }
    printf("]}\n");
    fflush(stdout);
    peer_frame_free(&frame);
    return 0;
}

int main(int argc, char **argv)
{
    PeerArgs a;
    const int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    /* The same thread count as mtcam's --threads: every cv:: parallel loop (resize, the
     * layers) uses at most this many threads, the caller's included. */
    cv::setNumThreads(a.threads);
    try {
        peer::OpencvMtcnn net(a.models);
        int status = 0;
        for (const char *image : a.images)
            status |= run_image(net, a, image);
        return status;
    } catch (const std::exception &e) {
        fprintf(stderr, PROG ": %s\n", e.what());
        return 1;
    }
}
