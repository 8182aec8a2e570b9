/**
 * The vocabulary every role of the mComponent shares, as Linux's {@code mm} and LegoOS's {@code managers/memory/vm}
 * define it: a virtual memory area ({@link org.legoemu.mcomponent.vm.Vma}) and the range algebra of a sorted list of
 * them ({@link org.legoemu.mcomponent.vm.VmaList}), the riscv64 address layout and its 1 GiB vRegions
 * ({@link org.legoemu.mcomponent.vm.AddressLayout}), the {@code <sys/mman.h>} values
 * ({@link org.legoemu.mcomponent.vm.Mman}), a VM call's errno failure ({@link org.legoemu.mcomponent.vm.VmException}),
 * and how a thread gives the monitor's state lock up around a wait ({@link org.legoemu.mcomponent.vm.StateLock}).
 * Depends on no other package of the mComponent.
 *
 * <p><b>Threading.</b> {@code AddressLayout}, {@code Mman}, {@code Vma} and {@code VmException} are constants or
 * immutable, safe on any thread. A {@code VmaList} is not thread-safe; each one belongs to one
 * {@code AddressSpace}, {@code ProcessPages} or {@code ReplicaLog} and is used under the monitor's state lock, as its
 * owner is. {@code StateLock} holds no state: it releases and retakes the holds of the calling thread on the lock it
 * is given.
 */
package org.legoemu.mcomponent.vm;
