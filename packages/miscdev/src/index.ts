/**
 * @quiesce/miscdev: misc devices and minors, a small VFS
 * (`open('/dev/NAME')`), file operations with an owner, and four deregister
 * disciplines (kernel, fenced, sync = `misc_deregister_sync`, revocable).
 */
export { DEAD_FOPS, FileFence } from './fence/file-fence.js';
export { MINORMASK, MISC_DYNAMIC_MINOR, MISC_MAJOR } from './misc/constants.js';
export { devmMiscRegister } from './misc/devm.js';
export type { MiscDevice, MiscMode } from './misc/misc-device.js';
export {
  miscDeregister,
  miscDeregisterSync,
  miscOpenFiles,
  miscRegister,
  miscRegistered,
} from './misc/register.js';
export { MiscRegistry, miscMutex, miscRegistry } from './misc/registry.js';
export { revocableReplaceFops } from './revocable/replace-fops.js';
export { File, FileHandle, fileRevocable } from './vfs/file.js';
export type { FileOperations, IoctlArg } from './vfs/fops.js';
export { open } from './vfs/open.js';
export {
  DEFAULT_POLLMASK,
  EPOLLERR,
  EPOLLHUP,
  EPOLLIN,
  EPOLLOUT,
  EPOLLPRI,
  EPOLLRDNORM,
  EPOLLWRNORM,
  O_ACCMODE,
  O_NONBLOCK,
  O_RDONLY,
  O_RDWR,
  O_WRONLY,
} from './vfs/poll.js';
export { copyFromUser, copyToUser, getUserU32, putUserU32, UserBuffer } from './vfs/user-buffer.js';
