#!/bin/sh
# run-vivid.sh GUEST-BINARY FACE.jpg MODEL|"" WORKDIR [OWN-MODEL]   (MODEL: the original weights,
# for detect_original; OWN-MODEL: models/mtcam.mtcnn, for detect and the vcam cases)
# With MTCAM_VIVID_UNPLUG_CYCLES=N in the environment the guest runs only the case
# unplug_cycles: N unplug/replug cycles in a row.
# Boots the Debian kernel under QEMU (TCG, 1 CPU) with a busybox initramfs that loads the
# vivid driver and runs GUEST-BINARY (tests/qemu/vivid-guest.c); the guest writes its results
# as a tar onto a virtio disk, which this script unpacks into WORKDIR/results. Exit 0 when the
# guest ran (the per-case verdicts are checked by check-case.sh), 77 when this machine cannot
# run the test (the reason is printed and kept in WORKDIR/skipped.txt), 1 on failure.
set -u
guest=$1 face=$2 model=$3 work=$4 own_model=${5:-}
rm -rf "$work"
mkdir -p "$work"

skip() {
    echo "SKIP: $*" | tee "$work/skipped.txt"
    exit 77
}
fail() {
    echo "FAIL: $*"
    exit 1
}

command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed (Debian package qemu-system-x86)"
command -v cpio >/dev/null || skip "cpio not installed"
command -v modprobe >/dev/null || skip "modprobe not installed (Debian package kmod)"
[ -x /bin/busybox ] || skip "/bin/busybox missing (Debian package busybox-static)"
if readelf -l /bin/busybox 2>/dev/null | grep -q 'program interpreter'; then
    skip "/bin/busybox is dynamically linked: install busybox-static"
fi
kver=""
for dir in /lib/modules/*; do
    v=${dir##*/}
    if [ -f "$dir/kernel/drivers/media/test-drivers/vivid/vivid.ko" ] && [ -r "/boot/vmlinuz-$v" ]; then
        kver=$v
    fi
done
[ -n "$kver" ] || skip "no readable /boot/vmlinuz-* with a vivid.ko module (Debian package linux-image-amd64)"
[ -x "$guest" ] || fail "guest binary $guest missing"

# ---- the initramfs ----
root=$work/root
mkdir -p "$root/bin" "$root/lib/modules" "$root/dev" "$root/proc" "$root/sys" "$root/tmp" "$root/results"
cp /bin/busybox "$root/bin/busybox"
for applet in sh mount insmod rmmod tar sync poweroff mkdir sleep cat echo ls cut dmesg; do
    ln -s busybox "$root/bin/$applet"
done
vivid_args="n_devs=1 node_types=0x101 ccs_cap_mode=0"
: > "$root/modules.txt"
for m in vivid virtio_pci virtio_blk; do
    modprobe -S "$kver" --show-depends "$m" | while read -r cmd path rest; do
        [ "$cmd" = insmod ] || continue # "builtin x": nothing to load
        name=${path##*/}
        grep -q "^$name" "$root/modules.txt" && continue
        cp "$path" "$root/lib/modules/$name"
        args=""
        [ "$name" = vivid.ko ] && args=$vivid_args
        echo "$name $args" >> "$root/modules.txt"
    done
done
grep -q '^vivid.ko' "$root/modules.txt" || fail "modprobe did not resolve vivid for $kver"
cp "$guest" "$root/mtcam-vivid-guest"
cp "$face" "$root/face.jpg"
model_arg=""
if [ -n "$model" ] && [ -f "$model" ]; then
    cp "$model" "$root/model.mtcnn"
    model_arg=/model.mtcnn
fi
own_model_arg=""
if [ -n "$own_model" ] && [ -f "$own_model" ]; then # the project's model: the detect and vcam cases
    cp "$own_model" "$root/own.mtcnn"
    own_model_arg=/own.mtcnn
fi
if [ -n "${MTCAM_VIVID_UNPLUG_CYCLES:-}" ]; then # only the long unplug run (unplug_cycles)
    echo "$MTCAM_VIVID_UNPLUG_CYCLES" > "$root/unplug-cycles.txt"
fi
cat > "$root/init" <<INIT
#!/bin/sh
/bin/busybox mount -t devtmpfs dev /dev
exec >/dev/console 2>&1 </dev/console
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tmpfs tmp /tmp
echo "MTCAM_INIT_REACHED uptime \$(cut -d' ' -f1 /proc/uptime) s"
while read -r mod args; do
    insmod /lib/modules/\$mod \$args || echo "insmod \$mod \$args failed"
done < /modules.txt
i=0
while [ ! -e /dev/video1 ] || [ ! -e /dev/vda ]; do
    i=\$((i + 1))
    [ \$i -gt 100 ] && { echo "no /dev/video1 or /dev/vda"; ls /dev; break; }
    sleep 0.1
done
echo "MTCAM_MODULES_LOADED uptime \$(cut -d' ' -f1 /proc/uptime) s"
/mtcam-vivid-guest /results /face.jpg "rmmod vivid && insmod /lib/modules/vivid.ko $vivid_args" "$model_arg" $own_model_arg
echo "MTCAM_GUEST_EXIT \$? uptime \$(cut -d' ' -f1 /proc/uptime) s"
dmesg | tail -n 30 > /results/dmesg-tail.txt
tar -cf /dev/vda -C /results .
sync
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) > "$work/initramfs.cpio" || fail "cpio failed"

# ---- boot: retried only when the kernel never reached /init (a rare hang of TCG boots) ----
# no_timer_check: on a loaded host the kernel's IO-APIC timer check can miss its ticks under
# TCG and panic ("IO-APIC + timer doesn't work"), seen twice in a row at load 13.
start=$(date +%s)
for attempt in 1 2; do
    dd if=/dev/zero of="$work/results.img" bs=1M count=16 status=none
    boot_start=$(date +%s)
    timeout 300 qemu-system-x86_64 -accel tcg -smp 1 -m 512 -nographic -no-reboot \
        -kernel "/boot/vmlinuz-$kver" -initrd "$work/initramfs.cpio" \
        -append "console=ttyS0 quiet loglevel=3 panic=-1 softlockup_panic=1 no_timer_check rdinit=/init" \
        -drive "file=$work/results.img,format=raw,if=virtio" -net none \
        </dev/null >"$work/console.log" 2>&1
    status=$?
    boot_end=$(date +%s)
    if grep -q MTCAM_INIT_REACHED "$work/console.log"; then
        break
    fi
    echo "attempt $attempt: /init never reached (qemu status $status); console:"
    tail -n 20 "$work/console.log"
    [ "$attempt" = 2 ] && fail "the guest kernel did not reach /init twice"
done
tr -d '\r' < "$work/console.log" | tr -cd '[:print:]\n'
grep -q MTCAM_GUEST_EXIT "$work/console.log" || fail "the guest test did not finish (qemu status $status, $((boot_end - boot_start)) s)"
mkdir -p "$work/results"
tar -xf "$work/results.img" -C "$work/results" || fail "no results on the virtio disk"
[ -f "$work/results/summary.txt" ] || fail "no summary.txt in the results"
{
    echo "kernel $kver, attempt $attempt, qemu run $((boot_end - boot_start)) s, whole script $(( $(date +%s) - start )) s"
    tr -d '\r' < "$work/console.log" | grep -oE 'MTCAM_(INIT_REACHED|MODULES_LOADED|GUEST_EXIT).*'
} | tee "$work/timing.txt"
echo "---- summary ----"
cat "$work/results/summary.txt"
exit 0
