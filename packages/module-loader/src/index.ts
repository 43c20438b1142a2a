/** @quiesce/module-loader: Kernel modules: load, init, exit, module states, refcount, dependencies, delete_module semantics, and the owner handle that other packages take (it implements the owner interface defined in @quiesce/core-devres). */
export {};
