package org.legoemu.mcomponent.owner;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;

/**
 * The few libc calls the frame pool needs, bound through jnr-ffi. Constants are those of Linux on x86_64 and
 * aarch64 ({@code <sys/mman.h>}, mmap(2), madvise(2)).
 */
public interface LibC
{
    int PROT_READ = 0x1;
    int PROT_WRITE = 0x2;
    int MAP_PRIVATE = 0x02;
    int MAP_ANONYMOUS = 0x20;
    int MAP_NORESERVE = 0x4000;
    int MADV_DONTNEED = 4;
    /** mmap(2)'s MAP_FAILED, {@code (void *) -1}. */
    long MAP_FAILED = -1L;

    /** The process-wide binding to the C library. */
    LibC INSTANCE = LibraryLoader.create(LibC.class).load("c");

    /** mmap(2); returns the address or {@link #MAP_FAILED} with errno set. */
    @SaveError
    Pointer mmap(Pointer addr, @size_t long length, int prot, int flags, int fd, long offset);

    /** munmap(2); 0 or -1 with errno set. */
    @SaveError
    int munmap(Pointer addr, @size_t long length);

    /** madvise(2); 0 or -1 with errno set. */
    @SaveError
    int madvise(Pointer addr, @size_t long length, int advice);

    /** strerror(3). */
    String strerror(int errnum);

    /** The errno saved by the last {@link SaveError} call on this thread. */
    static int lastErrno()
    {
        return Runtime.getRuntime(INSTANCE).getLastError();
    }

    /** A pointer to a raw address in this process. */
    static Pointer pointer(final long address)
    {
        return Pointer.wrap(Runtime.getRuntime(INSTANCE), address);
    }
}
