/* image-file.c - reads an image file, tells its type by the magic bytes and hands it to the
 * matching decoder (image-jpeg.c, image-png.c, image-pnm.c). */
#include "image-file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "image-decoders.h"

capture_image_type capture_image_sniff(const void *data, size_t size)
{
    const uint8_t *p = data;
    if (!p)
        return CAPTURE_IMAGE_UNKNOWN;
    /* SOI followed by the first marker's 0xFF. */
    if (size >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        return CAPTURE_IMAGE_JPEG;
    static const uint8_t png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (size >= 8 && memcmp(p, png_sig, 8) == 0)
        return CAPTURE_IMAGE_PNG;
    /* "P1".."P7" then whitespace (or a comment), so a text file starting with "P5x" is not
     * taken for a PGM. */
    if (size >= 3 && p[0] == 'P' && p[1] >= '1' && p[1] <= '7' &&
        (p[2] == ' ' || p[2] == '\t' || p[2] == '\n' || p[2] == '\r' || p[2] == '#'))
        return CAPTURE_IMAGE_PNM;
    return CAPTURE_IMAGE_UNKNOWN;
}

const char *capture_image_type_name(capture_image_type type)
{
    switch (type) {
    case CAPTURE_IMAGE_JPEG:
        return "JPEG";
    case CAPTURE_IMAGE_PNG:
        return "PNG";
    case CAPTURE_IMAGE_PNM:
        return "PNM";
    default:
        return "unknown";
    }
}

int capture__image_check_size(const char *name, long long width, long long height)
{
    if (width <= 0 || height <= 0)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: invalid image size %lldx%lld", name, width,
                               height);
    if (width > CAPTURE_IMAGE_MAX_SIDE || height > CAPTURE_IMAGE_MAX_SIDE ||
        width * height > CAPTURE_IMAGE_MAX_PIXELS)
        return mtcam_set_error(MTCNN_EUNSUPPORTED,
                               "%s: image too large (%lldx%lld; the limit is %dx%d, %lld "
                               "Mpixel)",
                               name, width, height, CAPTURE_IMAGE_MAX_SIDE,
                               CAPTURE_IMAGE_MAX_SIDE, CAPTURE_IMAGE_MAX_PIXELS >> 20);
    return 0;
}

int capture__image_prepare_frame(mtcam_frame *frame, int width, int height, const char *name)
{
    if (frame->data && frame->width == width && frame->height == height)
        return 0;
    mtcam_frame_free(frame);
    if (mtcam_frame_alloc(frame, width, height))
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory for a %dx%d frame", name, width,
                               height);
    return 0;
}

int capture_image_load_memory(const void *data, size_t size, const char *name,
                              mtcam_frame *out)
{
    if (!out)
        return mtcam_set_error(MTCNN_EINVAL, "%s: no frame to decode into", name);
    memset(out, 0, sizeof *out);
    capture__image_set_warning(NULL);
    if (!name)
        name = "(memory)";
    if (!data || size == 0)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: empty file", name);
    int rc;
    switch (capture_image_sniff(data, size)) {
    case CAPTURE_IMAGE_JPEG:
        rc = capture_image_decode_jpeg(data, size, name, out);
        break;
    case CAPTURE_IMAGE_PNG:
        rc = capture__image_decode_png(data, size, name, out);
        break;
    case CAPTURE_IMAGE_PNM:
        rc = capture__image_decode_pnm(data, size, name, out);
        break;
    default:
        return mtcam_set_error(MTCNN_EFORMAT, "%s: not a JPEG, PNG or PPM file", name);
    }
    if (rc)
        mtcam_frame_free(out);
    return rc;
}

/* Reads the whole file: images are decoded from memory, so all formats share one path and a
 * short read is seen before any decoder runs. */
static int read_file(const char *path, uint8_t **data, size_t *size)
{
    *data = NULL;
    *size = 0;
    /* O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever, before fstat
     * could tell it is no image file. Regular files ignore the flag for reads. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        int err = errno;
        return mtcam_set_error(mtcam_errno_code(err), "%s: %s", path, strerror(err));
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int err = errno;
        close(fd);
        return mtcam_set_error(mtcam_errno_code(err), "%s: %s", path, strerror(err));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return mtcam_set_error(MTCNN_EINVAL, "%s: is a directory", path);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return mtcam_set_error(MTCNN_EINVAL, "%s: not a regular file (%s)", path,
                               S_ISFIFO(st.st_mode)  ? "a FIFO"
                               : S_ISCHR(st.st_mode) ? "a character device"
                               : S_ISBLK(st.st_mode) ? "a block device"
                               : S_ISSOCK(st.st_mode) ? "a socket"
                                                      : "not a file");
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        int err = errno;
        close(fd);
        return mtcam_set_error(mtcam_errno_code(err), "%s: %s", path, strerror(err));
    }
    if (st.st_size > CAPTURE_IMAGE_MAX_FILE_BYTES) {
        fclose(f);
        return mtcam_set_error(MTCNN_EUNSUPPORTED, "%s: file too large (%lld bytes)", path,
                               (long long)st.st_size);
    }
    size_t n = (size_t)st.st_size;
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf) {
        fclose(f);
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory for %zu bytes", path, n);
    }
    size_t got = fread(buf, 1, n, f);
    int failed = ferror(f), err = errno;
    fclose(f);
    if (failed) {
        free(buf);
        return mtcam_set_error(mtcam_errno_code(err), "%s: read error: %s", path, strerror(err));
    }
    *data = buf;
    *size = got; /* the file may have shrunk since fstat: decoders then see truncated data */
    return 0;
}

int capture_image_load(const char *path, mtcam_frame *out)
{
    if (!out)
        return mtcam_set_error(MTCNN_EINVAL, "%s: no frame to decode into", path);
    memset(out, 0, sizeof *out);
    if (!path)
        return mtcam_set_error(MTCNN_EINVAL, "image: no path given");
    uint8_t *data;
    size_t size;
    int rc = read_file(path, &data, &size);
    if (rc)
        return rc;
    rc = capture_image_load_memory(data, size, path, out);
    free(data);
    return rc;
}
