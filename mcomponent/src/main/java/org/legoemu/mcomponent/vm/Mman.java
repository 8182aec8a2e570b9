package org.legoemu.mcomponent.vm;

/**
 * Linux {@code <sys/mman.h>} values used by mmap(2), mprotect(2) and the ExCache access bits (the PROT_ bits are
 * the same numbers as the P2M_PCACHE_MISS access bits: 1 read, 2 write, 4 exec).
 */
public final class Mman
{
    public static final int PROT_NONE = 0x0;
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int PROT_EXEC = 0x4;
    /** Every PROT_ bit this monitor accepts. */
    public static final int PROT_MASK = PROT_READ | PROT_WRITE | PROT_EXEC;

    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_SHARED_VALIDATE = 0x03;
    public static final int MAP_TYPE = 0x0f;
    public static final int MAP_FIXED = 0x10;
    /** mremap(2) flags (include/uapi/linux/mman.h). */
    public static final int MREMAP_MAYMOVE = 1;
    public static final int MREMAP_FIXED = 2;
    public static final int MREMAP_DONTUNMAP = 4;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_GROWSDOWN = 0x100;
    public static final int MAP_NORESERVE = 0x4000;
    static final int MAP_POPULATE = 0x8000;
    public static final int MAP_STACK = 0x20000;
    public static final int MAP_FIXED_NOREPLACE = 0x100000;

    private Mman()
    {
    }
}
