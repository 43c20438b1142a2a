/**
 * Numbers of include/linux/miscdevice.h and include/linux/kdev_t.h.
 */

/** `MISC_MAJOR`: every misc device is a char device with major 10. */
export const MISC_MAJOR = 10;

/** `MISC_DYNAMIC_MINOR`: ask `misc_register` to allocate a minor (written back into `misc.minor`). */
export const MISC_DYNAMIC_MINOR = 255;

/** `MINORMASK`: minors are 20 bits, so the dynamic range is 256..0xFFFFF. */
export const MINORMASK = (1 << 20) - 1;
