/** @quiesce/miscdev: Misc devices and minors, a small VFS (open('/dev/NAME')), and file operations with an owner. */
export {};
