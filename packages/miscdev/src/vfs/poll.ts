/**
 * `EPOLL*` bits of include/uapi/linux/eventpoll.h, and the default mask.
 */
export const EPOLLIN = 0x0001;
export const EPOLLPRI = 0x0002;
export const EPOLLOUT = 0x0004;
export const EPOLLERR = 0x0008;
export const EPOLLHUP = 0x0010;
export const EPOLLRDNORM = 0x0040;
export const EPOLLWRNORM = 0x0100;

/** `DEFAULT_POLLMASK`: what `vfs_poll` reports for a file without `.poll`. */
export const DEFAULT_POLLMASK = EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM;

/** Open flags (include/uapi/asm-generic/fcntl.h). */
export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_ACCMODE = 3;
export const O_NONBLOCK = 0o4000;
