/* mtcam.c - the live face detector: camera (or file, or demo) -> MTCNN -> window/recording.
 * See docs/app.md. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "live.h"
#include "output-check.h"

static void on_signal(int sig)
{
    (void)sig;
    live_request_stop();
}

int main(int argc, char **argv)
{
    live_config cfg;
    char err[512];
    int rc = live_parse_args(argc, argv, &cfg, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "mtcam: %s\n", err);
        return 2;
    }
    if (rc > 0)
        return app_close_stdout("mtcam"); /* --help: 1 when it could not be written */
    if (cfg.list_devices) {
        int status = capture_list_devices(stdout) < 0 ? 1 : 0;
        return app_close_stdout("mtcam") ? 1 : status;
    }

    /* Ctrl-C and SIGTERM end the loop like q does: threads joined, recording finalised. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* A file-size limit must fail the write (EFBIG, handled) rather than kill us. */
    signal(SIGXFSZ, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    int status = live_run(&cfg, NULL);
    /* --json lines (and --help) must have reached stdout: a lost write is a failure. */
    return app_close_stdout("mtcam") ? 1 : status;
}
