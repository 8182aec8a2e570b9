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
            memory.read(address, dst, offset + done, chunk);
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
            memory.write(address, src, offset + done, chunk);
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
        byte[] out = new byte[Math.min(maxBytes + 1, 256)];
        int length = 0;
        while (length <= maxBytes)
        {
            final long address = vaddr + length;
            final int chunk = Math.min(maxBytes + 1 - length, GuestMemory.PAGE_SIZE - (int)(address & GuestMemory.PAGE_MASK));
            if (out.length < length + chunk)
            {
                out = java.util.Arrays.copyOf(out, Math.min(Math.max(out.length * 2, length + chunk), maxBytes + 1));
            }
            memory.read(address, out, length, chunk);
            for (int i = length; i < length + chunk; i++)
            {
                if (out[i] == 0)
                {
                    return new String(out, 0, i, StandardCharsets.UTF_8);
                }
            }
            length += chunk;
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
