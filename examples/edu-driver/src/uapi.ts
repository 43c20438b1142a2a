/**
 * The `/dev/edu` user ABI: ioctl numbers. Encoded like `_IO('E', nr)` so
 * they look like ioctls a kernel engineer has seen.
 */
const EDU_IOC_MAGIC = 0x45; // 'E'
const io = (nr: number): number => (EDU_IOC_MAGIC << 8) | nr;

/** Returns the identification register (0x010000ed for QEMU's edu). */
export const EDU_IOC_READ_ID = io(0);
/** Starts a factorial of `arg` (interrupt on completion). `-EBUSY` while one runs. */
export const EDU_IOC_FACT = io(1);
/** Waits (≤ `EDU_RESULT_TIMEOUT_MS`) for the factorial, then reads it from the device. `-ETIMEDOUT`, `-EIO` when the device is gone. */
export const EDU_IOC_FACT_RESULT = io(2);
/** Starts a DMA of `arg` bytes (1..4096) from the driver's coherent buffer into the device. `-EBUSY` while one runs. */
export const EDU_IOC_DMA = io(3);
/** Returns the number of DMA transfers completed since probe. */
export const EDU_IOC_DMA_DONE = io(4);

export const EDU_RESULT_TIMEOUT_MS = 20;
