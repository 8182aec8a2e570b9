package org.legoemu.abi;

import java.nio.charset.StandardCharsets;

/**
 * Copies between host arrays and guest virtual memory, page by page, for the kernel side (syscall arguments and
 * results). Not for the hart's hot path, which reads pages through its TLB.
 */
public final class GuestMemoryAccess
{
    private GuestMemoryAccess()
    {
    }

    /**
     * Copies {@code length} bytes at guest {@code vaddr} into {@code dst[offset..]}.
     *
     * @throws GuestFault SIGSEGV if any byte is unmapped or unreadable (the kernel turns it into EFAULT).
     */
    public static void read(final GuestMemory memory, final long vaddr, final byte[] dst, final int offset, final int length)
    {
        int done = 0;
        while (done < length)
        {
            final long address = vaddr + done;
            final int inPage = (int)(address & GuestMemory.PAGE_MASK);
            final int chunk = Math.min(length - done, GuestMemory.PAGE_SIZE - inPage);
            final byte[] page = memory.page(address, GuestMemory.ACCESS_READ);
            System.arraycopy(page, inPage, dst, offset + done, chunk);
            done += chunk;
        }
    }

    /**
     * Copies {@code src[offset..offset+length)} to guest {@code vaddr}.
     *
     * @throws GuestFault SIGSEGV if any byte is unmapped or not writable.
     */
    public static void write(final GuestMemory memory, final long vaddr, final byte[] src, final int offset, final int length)
    {
        int done = 0;
        while (done < length)
        {
            final long address = vaddr + done;
            final int inPage = (int)(address & GuestMemory.PAGE_MASK);
            final int chunk = Math.min(length - done, GuestMemory.PAGE_SIZE - inPage);
            final byte[] page = memory.page(address, GuestMemory.ACCESS_WRITE);
            System.arraycopy(src, offset + done, page, inPage, chunk);
            done += chunk;
        }
    }

    /**
     * Reads a NUL-terminated string at {@code vaddr} as UTF-8.
     *
     * @param maxBytes the longest string accepted, not counting the NUL (PATH_MAX - 1 = 4095 for paths).
     * @return the string, or null if no NUL was found within {@code maxBytes + 1} bytes.
     * @throws GuestFault SIGSEGV if the string runs into unmapped memory.
     */
    public static String readCString(final GuestMemory memory, final long vaddr, final int maxBytes)
    {
        final byte[] buffer = new byte[Math.min(maxBytes + 1, 256)];
        byte[] out = buffer;
        int length = 0;
        while (length <= maxBytes)
        {
            final long address = vaddr + length;
            final byte[] page = memory.page(address, GuestMemory.ACCESS_READ);
            int i = (int)(address & GuestMemory.PAGE_MASK);
            while (i < GuestMemory.PAGE_SIZE && length <= maxBytes)
            {
                final byte b = page[i++];
                if (b == 0)
                {
                    return new String(out, 0, length, StandardCharsets.UTF_8);
                }
                if (length == out.length)
                {
                    out = java.util.Arrays.copyOf(out, Math.min(out.length * 2, maxBytes + 1));
                }
                out[length++] = b;
            }
        }
        return null;
    }

    /** Reads a little-endian 64-bit value at {@code vaddr}. */
    public static long readLong(final GuestMemory memory, final long vaddr)
    {
        final byte[] b = new byte[8];
        read(memory, vaddr, b, 0, 8);
        long v = 0;
        for (int i = 7; i >= 0; i--)
        {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    /** Writes a little-endian 64-bit value at {@code vaddr}. */
    public static void writeLong(final GuestMemory memory, final long vaddr, final long value)
    {
        final byte[] b = new byte[8];
        for (int i = 0; i < 8; i++)
        {
            b[i] = (byte)(value >>> (8 * i));
        }
        write(memory, vaddr, b, 0, 8);
    }

    /** Writes a little-endian 32-bit value at {@code vaddr}. */
    public static void writeInt(final GuestMemory memory, final long vaddr, final int value)
    {
        final byte[] b = {(byte)value, (byte)(value >>> 8), (byte)(value >>> 16), (byte)(value >>> 24)};
        write(memory, vaddr, b, 0, 4);
    }
}
