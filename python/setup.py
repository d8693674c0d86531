"""Builds mtcam's C extension against an installed libmtcnn (found with pkg-config).

    cmake --install build --prefix P
    PKG_CONFIG_PATH=P/lib/pkgconfig pip install ./python

The extension links libmtcnn.a statically (the archive is position-independent and exports
nothing but the mtcnn_* API), so the package needs no LD_LIBRARY_PATH at run time; the
default model is the one installed beside the library (pkg-config's modeldir).
No pyproject.toml on purpose: pip then builds with the system's setuptools, offline.
"""
import os
import shlex
import subprocess
import sys

from setuptools import Extension, setup


def pkg_config(*args):
    try:
        out = subprocess.run(["pkg-config", *args, "mtcnn"], check=True, text=True,
                             capture_output=True).stdout
    except FileNotFoundError:
        sys.exit("mtcam: pkg-config not found (Debian: apt-get install pkg-config)")
    except subprocess.CalledProcessError as e:
        sys.exit("mtcam: pkg-config cannot find mtcnn.pc (" + e.stderr.strip() + "): install "
                 "mtcam first (cmake --install build --prefix P) and set "
                 "PKG_CONFIG_PATH=P/lib/pkgconfig")
    return out.strip()


libdir = os.path.normpath(pkg_config("--variable=libdir"))
modeldir = os.path.normpath(pkg_config("--variable=modeldir"))
archive = os.path.join(libdir, "libmtcnn.a")
if not os.path.exists(archive):
    sys.exit(f"mtcam: {archive} not found: the package links the static library")
default_model = os.path.join(modeldir, "mtcam.mtcnn")

setup(
    name="mtcam",
    version="0.1.0",
    description="MTCNN face detection and aligned face crops, in C (mtcam's libmtcnn)",
    packages=["mtcam"],
    python_requires=">=3.9",
    install_requires=["numpy"],
    ext_modules=[Extension(
        "mtcam._mtcam",
        sources=["mtcam/_mtcam.c", "mtcam/image-view.c"],
        include_dirs=[p[2:] for p in shlex.split(pkg_config("--cflags-only-I"))],
        define_macros=[("MTCAM_DEFAULT_MODEL", '"' + default_model.replace('"', '\\"') + '"')],
        extra_compile_args=["-std=c11", "-Wall", "-Wextra", "-Werror",
                            "-Wno-missing-field-initializers", "-Wno-cast-function-type"],
        extra_objects=[archive],
        # The engine stays private to the extension: another libmtcnn in the process is not
        # interposed.
        extra_link_args=shlex.split(pkg_config("--libs-only-other", "--static")) +
        ["-lm", "-Wl,--exclude-libs,ALL"],
    )],
)
