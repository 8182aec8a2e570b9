package org.legoemu.abi;

import org.legoemu.abi.elf.ImageWriter;
import org.legoemu.abi.elf.MemoryMapper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A test guest memory: a sparse map of 4 KiB pages, each with its own protection. Also the {@link ImageWriter}
 * and {@link MemoryMapper} of the ELF loader, and a trivial mmap allocator for test kernels.
 */
public final class FlatGuestMemory implements GuestMemory, ImageWriter, MemoryMapper
{
    private final Map<Long, byte[]> pages = new HashMap<>();
    private final Map<Long, Integer> prots = new HashMap<>();
    private final List<TlbShootdown> listeners = new ArrayList<>();
    private int pageRequests;

    @Override
    public byte[] page(final long vaddr, final int access)
    {
        pageRequests++;
        final long vpn = vaddr >>> PAGE_SHIFT;
        final byte[] page = pages.get(vpn);
        if (page == null)
        {
            throw GuestFault.segv(vaddr, "unmapped");
        }
        if ((prots.get(vpn) & access) == 0)
        {
            throw GuestFault.segv(vaddr, "permission");
        }
        return page;
    }

    @Override
    public void addShootdownListener(final TlbShootdown listener)
    {
        listeners.add(listener);
    }

    @Override
    public void removeShootdownListener(final TlbShootdown listener)
    {
        listeners.remove(listener);
    }

    /** Number of {@link #page} calls so far (TLB misses). */
    public int pageRequests()
    {
        return pageRequests;
    }

    @Override
    public void map(final long start, final long length, final int prot)
    {
        for (long a = start; a < start + length; a += PAGE_SIZE)
        {
            final long vpn = a >>> PAGE_SHIFT;
            pages.put(vpn, new byte[PAGE_SIZE]);
            prots.put(vpn, prot);
            shootdown(vpn);
        }
    }

    @Override
    public void protect(final long start, final long length, final int prot)
    {
        for (long a = start; a < start + length; a += PAGE_SIZE)
        {
            final long vpn = a >>> PAGE_SHIFT;
            if (pages.containsKey(vpn))
            {
                prots.put(vpn, prot);
                shootdown(vpn);
            }
        }
    }

    /** Removes the pages of {@code [start, start + length)}. */
    public void unmap(final long start, final long length)
    {
        for (long a = start; a < start + length; a += PAGE_SIZE)
        {
            final long vpn = a >>> PAGE_SHIFT;
            pages.remove(vpn);
            prots.remove(vpn);
            shootdown(vpn);
        }
    }

    /** True when the page holding {@code vaddr} is mapped. */
    public boolean isMapped(final long vaddr)
    {
        return pages.containsKey(vaddr >>> PAGE_SHIFT);
    }

    /** The protection of the page holding {@code vaddr}, or -1 if unmapped. */
    public int protection(final long vaddr)
    {
        return prots.getOrDefault(vaddr >>> PAGE_SHIFT, -1);
    }

    private void shootdown(final long vpn)
    {
        for (final TlbShootdown l : listeners)
        {
            l.shootdown(vpn);
        }
    }

    @Override
    public void write(final long vaddr, final byte[] src, final int off, final int len)
    {
        for (int i = 0; i < len; i++)
        {
            final long a = vaddr + i;
            final byte[] page = pages.get(a >>> PAGE_SHIFT);
            if (page == null)
            {
                throw GuestFault.segv(a, "unmapped");
            }
            page[(int)(a & PAGE_MASK)] = src[off + i];
        }
    }

    /** Reads {@code len} bytes ignoring protections; SIGSEGV if unmapped. */
    public byte[] read(final long vaddr, final int len)
    {
        final byte[] out = new byte[len];
        for (int i = 0; i < len; i++)
        {
            final long a = vaddr + i;
            final byte[] page = pages.get(a >>> PAGE_SHIFT);
            if (page == null)
            {
                throw GuestFault.segv(a, "unmapped");
            }
            out[i] = page[(int)(a & PAGE_MASK)];
        }
        return out;
    }

    /** Reads a little-endian 64-bit value ignoring protections. */
    public long readLong(final long vaddr)
    {
        final byte[] b = read(vaddr, 8);
        long v = 0;
        for (int i = 7; i >= 0; i--)
        {
            v = (v << 8) | (b[i] & 0xFF);
        }
        return v;
    }

    /** Writes a little-endian 64-bit value ignoring protections. */
    public void writeLong(final long vaddr, final long value)
    {
        final byte[] b = new byte[8];
        for (int i = 0; i < 8; i++)
        {
            b[i] = (byte)(value >>> (8 * i));
        }
        write(vaddr, b, 0, 8);
    }

    /** Writes a little-endian 32-bit value ignoring protections. */
    public void writeInt(final long vaddr, final int value)
    {
        final byte[] b = new byte[4];
        for (int i = 0; i < 4; i++)
        {
            b[i] = (byte)(value >>> (8 * i));
        }
        write(vaddr, b, 0, 4);
    }

    /** Reads a NUL-terminated string (at most {@code max} bytes) as UTF-8. */
    public String readCString(final long vaddr, final int max)
    {
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < max; i++)
        {
            final byte b = read(vaddr + i, 1)[0];
            if (b == 0)
            {
                break;
            }
            out.write(b);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
