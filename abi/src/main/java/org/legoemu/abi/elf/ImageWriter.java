package org.legoemu.abi.elf;

/**
 * Writes bytes into a guest address space while a process image is being built (ELF segments, the initial
 * stack). Implemented by the memory side over its frames and by flat memories in tests. It bypasses page
 * protections: the loader writes read-only and execute-only segments too.
 */
@FunctionalInterface
public interface ImageWriter
{
    /**
     * Copies {@code len} bytes of {@code src} from {@code off} to guest virtual address {@code vaddr}; the
     * range must already be mapped.
     *
     * @param vaddr guest virtual address of the first byte.
     * @param src   source bytes.
     * @param off   offset in {@code src}.
     * @param len   number of bytes.
     */
    void write(long vaddr, byte[] src, int off, int len);
}
