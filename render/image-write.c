/* image-write.c - PNG and JPEG files, written to a temporary name and renamed into place. */
#include "image-write.h"

#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "err.h"

/* Writes the file's bytes into `f`; returns 0 or an error already set with mtcam_set_error. */
typedef int (*fill_fn)(FILE *f, const char *path, void *ctx);

static int write_error(const char *path, int err)
{
    return mtcam_set_error(mtcam_errno_code(err), "%s: write failed: %s", path, strerror(err));
}

/* Opens a new temporary file beside `path`: "<path>.tmp-<pid>-<n>", created exclusively with
 * mode 0666 & ~umask (mkstemp would give 0600, which a snapshot should not have). */
static int open_temp(const char *path, char *tmp, size_t tmp_size)
{
    static atomic_uint counter;
    for (int attempt = 0; attempt < 100; attempt++) {
        unsigned n = atomic_fetch_add(&counter, 1);
        int len = snprintf(tmp, tmp_size, "%s.tmp-%ld-%u", path, (long)getpid(), n);
        if (len < 0 || (size_t)len >= tmp_size) {
            errno = ENAMETOOLONG;
            return -1;
        }
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

static int write_atomically(const char *path, fill_fn fill, void *ctx)
{
    if (!path || !*path)
        return mtcam_set_error(MTCNN_EINVAL, "image: no output path given");
    char tmp[4096 + 64];
    int fd = open_temp(path, tmp, sizeof tmp);
    if (fd < 0) {
        int err = errno;
        return mtcam_set_error(mtcam_errno_code(err), "%s: cannot create: %s", path,
                               strerror(err));
    }
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        int err = errno;
        close(fd);
        unlink(tmp);
        return write_error(path, err);
    }
    int rc = fill(f, path, ctx);
    if (!rc && fflush(f) != 0)
        rc = write_error(path, errno);
    /* Flush to disk before the rename, or a crash could leave an empty file under the name. */
    if (!rc && fsync(fileno(f)) != 0 && errno != EINVAL && errno != EROFS)
        rc = write_error(path, errno);
    if (fclose(f) != 0 && !rc)
        rc = write_error(path, errno);
    if (!rc && rename(tmp, path) != 0) {
        int err = errno;
        rc = mtcam_set_error(mtcam_errno_code(err), "%s: cannot rename the finished file into "
                             "place: %s", path, strerror(err));
    }
    if (rc)
        unlink(tmp);
    return rc;
}

static int check_frame(const char *path, const mtcam_frame *frame)
{
    if (!frame || !frame->data || frame->width <= 0 || frame->height <= 0)
        return mtcam_set_error(MTCNN_EINVAL, "%s: no image to write", path ? path : "image");
    return 0;
}

/* ---- PNG --------------------------------------------------------------------------------- */

typedef struct png_sink {
    FILE *f;
    int err; /* errno of a failed fwrite, 0 for libpng's own errors */
    char message[160];
} png_sink;

static void png_write_bytes(png_structp png, png_bytep data, size_t n)
{
    png_sink *sink = png_get_io_ptr(png);
    if (fwrite(data, 1, n, sink->f) != n) {
        sink->err = errno ? errno : EIO;
        png_error(png, "write failed");
    }
}

static void png_flush_bytes(png_structp png) {}

static void png_on_error(png_structp png, png_const_charp msg)
{
    png_sink *sink = png_get_error_ptr(png);
    snprintf(sink->message, sizeof sink->message, "%s", msg);
    png_longjmp(png, 1);
}

static void png_on_warning(png_structp png, png_const_charp msg) {}

static int fill_png(FILE *f, const char *path, void *ctx)
{
    const mtcam_frame *frame = ctx;
    png_sink sink = {.f = f};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, png_on_error,
                                              png_on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory for the PNG encoder", path);
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        if (sink.err)
            return write_error(path, sink.err);
        return mtcam_set_error(MTCNN_EIO, "%s: PNG encoder: %s", path, sink.message);
    }
    png_set_write_fn(png, &sink, png_write_bytes, png_flush_bytes);
    /* zlib level 3: snapshots are taken from the live loop, where speed matters more than the
     * last few percent of size. */
    png_set_compression_level(png, 3);
    png_set_IHDR(png, info, (png_uint_32)frame->width, (png_uint_32)frame->height, 8,
                 PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < frame->height; y++)
        png_write_row(png, frame->data + (ptrdiff_t)y * frame->stride);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return 0;
}

int render_image_write_png(const char *path, const mtcam_frame *frame)
{
    int rc = check_frame(path, frame);
    if (rc)
        return rc;
    return write_atomically(path, fill_png, (void *)frame);
}

/* ---- JPEG -------------------------------------------------------------------------------- */

/* Puts `path: ` in front of this thread's last message (copied first: the message buffer is
 * also the destination). */
static int prefix_error(int code, const char *path)
{
    char inner[512];
    snprintf(inner, sizeof inner, "%s", mtcam_last_error());
    return mtcam_set_error(code, "%s: %s", path, inner);
}

typedef struct jpeg_job {
    const mtcam_frame *frame;
    int quality;
} jpeg_job;

static int fill_jpeg(FILE *f, const char *path, void *ctx)
{
    const jpeg_job *job = ctx;
    render_image_jpeg_encoder *enc;
    int rc = render_image_jpeg_encoder_create(&enc);
    if (rc)
        return prefix_error(rc, path);
    const uint8_t *data;
    size_t size;
    rc = render_image_jpeg_encode(enc, job->frame, job->quality, &data, &size);
    if (rc)
        rc = prefix_error(rc, path);
    else if (fwrite(data, 1, size, f) != size)
        rc = write_error(path, errno ? errno : EIO);
    render_image_jpeg_encoder_destroy(enc);
    return rc;
}

int render_image_write_jpeg(const char *path, const mtcam_frame *frame, int quality)
{
    int rc = check_frame(path, frame);
    if (rc)
        return rc;
    jpeg_job job = {frame, quality};
    return write_atomically(path, fill_jpeg, &job);
}

int render_image_write(const char *path, const mtcam_frame *frame, int jpeg_quality)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (dot && strcasecmp(dot, ".png") == 0)
        return render_image_write_png(path, frame);
    if (dot && (strcasecmp(dot, ".jpg") == 0 || strcasecmp(dot, ".jpeg") == 0))
        return render_image_write_jpeg(path, frame, jpeg_quality);
    return mtcam_set_error(MTCNN_EINVAL, "%s: unknown image type (use .png, .jpg or .jpeg)",
                           path ? path : "(null)");
}
